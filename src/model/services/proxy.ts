// `kind: tcp-proxy` / `udp-proxy`: port mapping by a relay process on this node (socat in the
// twin): connections to the listen address and port are answered here and carried on to the
// target by a new connection of this node's own. Shapes only.
import { z } from 'zod';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

const Listen = d(z.union([z.number().int(), z.string()]), 'Port to listen on (every address of the node), or "address:port".');
const Target = d(z.string(), 'Where connections are carried on to: "address:port".');

export const TcpProxy = z.strictObject({
  kind: z.literal('tcp-proxy'),
  name: d(z.string().optional(), 'Names the service in traces and the twin (default: tcp-proxy-N).'),
  listen: Listen,
  target: Target,
});

export const UdpProxy = z.strictObject({
  kind: z.literal('udp-proxy'),
  name: TcpProxy.shape.name,
  listen: Listen,
  target: Target,
});
