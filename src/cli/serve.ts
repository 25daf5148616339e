// vnetmap serve [--listen HOST:PORT]: a web page of the running labs — design and twin side by
// side, live status and drift, ping / trace / capture from a node clicked, verify overlaid.
// Listens on 127.0.0.1 by default; another address only when asked. Read-only: nothing it
// offers changes a lab (src/serve/actions.ts).
import { isIP } from 'node:net';
import type { Command } from 'commander';
import { requireRoot } from '../apply/root.js';
import { UserError } from '../errors.js';
import { ProcessRunner } from '../exec/runner.js';
import { note } from '../exec/verbosity.js';

export const DEFAULT_LISTEN = '127.0.0.1:8470';

/** "HOST:PORT", "[v6]:PORT" or ":PORT" (127.0.0.1). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]*|localhost))?:(\d{1,5})$/.exec(s);
  const host = m ? (m[1] ?? (m[2] || '127.0.0.1')) : '';
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port < 65536) || (host !== 'localhost' && !isIP(host)))
    throw new UserError(`--listen ${s}: give ADDRESS:PORT, e.g. 127.0.0.1:8470, [::1]:8470 or 0.0.0.0:8470 (every address: anyone who reaches this machine can use the page).`);
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve a web page of the running labs: design and twin side by side, live status and drift, ping/trace/capture from a node, verify overlaid')
    .option('--listen <addr:port>', 'where to listen (another address than 127.0.0.1 lets other machines in: the page can ping and capture as root)', DEFAULT_LISTEN)
    .option('--interval <seconds>', 'seconds between two status updates of an open page', '3')
    .action(async (opts: { listen: string; interval: string }) => {
      const { host, port } = parseListen(opts.listen);
      const interval = Number(opts.interval);
      if (!Number.isInteger(interval) || interval < 1 || interval > 3600) throw new UserError(`--interval ${opts.interval}: a whole number of seconds, 1 to 3600.`);
      requireRoot('serving the labs ("vnetmap serve")');
      const { serveServer } = await import('../serve/server.js');
      const server = serveServer({ host, port, runner: new ProcessRunner(), interval, log: (l) => note(l) });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new UserError(`${opts.listen} is in use; pick another port with --listen.`) : e));
        server.listen(port, host, () => resolve());
      });
      const a = server.address() as { address: string; port: number };
      const shown = a.address.includes(':') ? `[${a.address}]` : a.address;
      process.stderr.write(`vnetmap: serving the labs on http://${shown}:${a.port}/ (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close(() => resolve());
          server.closeAllConnections();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // Stopped by Ctrl-C or SIGTERM, the only ways it ends: 130, as the exit-code table says.
      process.exitCode = 130;
    });
}
