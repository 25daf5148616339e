// `kind: load-balancer` (seed 002, LVS): a virtual IP and port of this node spread over
// backends. Shapes only; resolve.ts parses addresses, checks/services.ts checks the sense.
import { z } from 'zod';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

export const LB_SCHEDULERS = ['rr', 'wrr', 'lc', 'sh'] as const;
export const LB_MODES = ['nat', 'fullnat', 'dr', 'tun'] as const;

export const Backend = z.strictObject({
  address: d(z.string(), 'Address of the real server, e.g. 10.0.1.11.'),
  port: d(z.number().int().optional(), 'Its port (default: the service port).'),
  weight: d(z.number().int().optional(), 'Share of new connections under wrr (default 1; 0 takes none).'),
});

export const LoadBalancer = z.strictObject({
  kind: z.literal('load-balancer'),
  name: d(z.string().optional(), 'Names the service in traces and the twin (default: load-balancer-N).'),
  vip: d(z.string(), 'The virtual address clients connect to: an address of this node.'),
  port: d(z.number().int(), 'The virtual port, 1-65535.'),
  protocol: d(z.enum(['tcp', 'udp']).optional(), 'tcp (default) or udp.'),
  scheduler: d(z.enum(LB_SCHEDULERS).optional(), 'rr round robin (default), wrr weighted round robin, lc least connections, sh source hash.'),
  mode: d(z.enum(LB_MODES).optional(), 'nat (default: backends see the client, reply through this node), fullnat (backends see this node), dr (direct routing), tun (IP-in-IP).'),
  backends: d(z.array(Backend), 'The real servers.'),
});
