// `kind: process`: a long-running workload in the node (a web server, a test service),
// supervised by the twin like its own daemons, its output in the lab's run directory. Shapes only.
import { z } from 'zod';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

export const Command = d(
  z.union([z.string(), z.array(z.string())]),
  'A command: an argv list ["python3", "-m", "http.server"], or one line split into words like a shell would (quotes and backslashes), but run without a shell.',
);

export const Process = z.strictObject({
  kind: z.literal('process'),
  name: d(z.string().optional(), 'Names the process in status and its log directory (default: process-N).'),
  run: Command,
  port: d(
    z.string().optional(),
    'A port it serves, "tcp/8080" or "udp/5353" (a bare "8080" is tcp): verify checks that every source the design lets through reaches it (a TCP connection accepted; UDP datagrams delivered to a socket the process holds, or answered).',
  ),
});
