// The `services:` list of a node: objects discriminated by `kind`, each kind's shape in its
// own file. DHCP and DNS are node keys of their own (dhcp:, dns:), not kinds here.
import { z } from 'zod';
import { LoadBalancer } from './load-balancer.js';
import { Process, Command } from './process.js';
import { TcpProxy, UdpProxy } from './proxy.js';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

export const Service = z.discriminatedUnion('kind', [LoadBalancer, TcpProxy, UdpProxy, Process]);
export const SERVICE_KINDS = ['load-balancer', 'tcp-proxy', 'udp-proxy', 'process'] as const;

export const Services = d(z.array(Service), 'Services this node runs: load-balancer, tcp-proxy, udp-proxy, process (docs/services.md).');
export const Exec = d(z.array(Command), 'Commands run once in this node after up built the twin, in order (docs/services.md).');

export type RawService = z.infer<typeof Service>;
export type RawCommand = z.infer<typeof Command>;
