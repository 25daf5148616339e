// Asking an FRR daemon one command through its vty socket, the way vtysh does: the command
// and a NUL go in; the answer comes back followed by three NULs and a status byte (0: done).
// `vtysh` itself costs 70-150 ms of start-up per call here, the socket ~5 ms: verify waits
// for convergence by asking every router again and again (routes-phase.ts). The runner's
// vty() uses this; without it, runners fall back to vtysh (vtyCommand).
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Runner } from './runner.js';
import { ToolError } from '../errors.js';

export const VTY_TIMEOUT_MS = 5_000;

/** The answer of the daemon behind `socket` (its .vty file) to `command`, asked in enable mode as vtysh asks. */
export function vtyAsk(socket: string, command: string, timeoutMs = VTY_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let enabling = true;
    const s = connect(socket);
    const fail = (why: string): void => {
      s.destroy();
      reject(new ToolError(['vty', socket, command], null, why, 'is the routing daemon running? ("vnetmap status LAB" says)'));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    // A vty starts in view mode, where show running-config is unknown: like vtysh, say `enable`
    // first (one write; the twin's daemons have no enable password).
    s.on('connect', () => s.write(`enable\0${command}\0`));
    const answered = (): void => {
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      const n = all.length;
      if (enabling) {
        // The answer to `enable` comes first: no text, three NULs, status 0; the command's
        // follows, perhaps in the same read.
        if (n < 4) return;
        enabling = false;
        if (all[0] !== 0 || all[1] !== 0 || all[2] !== 0 || all[3] !== 0) return fail(`"enable" failed: ${all.toString('utf8').replace(/\0.*/s, '').trim() || `status ${all[3]}`}`);
        chunks = [all.subarray(4)];
        size = n - 4;
        return answered();
      }
      if (n >= 4 && all[n - 4] === 0 && all[n - 3] === 0 && all[n - 2] === 0) {
        clearTimeout(timer);
        s.end();
        const status = all[n - 1]!;
        const text = all.subarray(0, n - 4).toString('utf8');
        if (status === 0) resolve(text);
        else fail(`"${command}" failed (status ${status}): ${text.trim()}`);
      }
    };
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      answered();
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      fail(e.message);
    });
    s.on('close', () => {
      clearTimeout(timer);
      fail('the daemon closed the connection before answering');
    });
  });
}

/** The same question through vtysh, for runners that cannot open sockets (argv: run through the runner). */
export const vtyCommand = (vtyDir: string, daemon: string, command: string): string[] => ['vtysh', '--vty_socket', vtyDir, '-d', daemon, '-c', command];

/** `command`'s answer from FRR daemon `daemon` of the instance whose vty directory is `vtyDir`: on its socket where the runner can, else through vtysh. */
export async function askDaemon(runner: Runner, vtyDir: string, daemon: string, command: string): Promise<string> {
  return runner.vty ? runner.vty(join(vtyDir, `${daemon}.vty`), command) : (await runner.run(vtyCommand(vtyDir, daemon, command))).stdout;
}
