// Running a user's command on many nodes at once: each one's output goes to our stdout and
// stderr line by line, every line prefixed with the node it came from, as it comes.
import { spawn } from 'node:child_process';

export interface Prefixed {
  /** The command's exit code (128 + signal number when a signal ended it, 127 when it could not start). */
  code: number;
}

/** Run `argv`, writing each line of its output as `prefix line` to ours. */
export function runPrefixed(argv: readonly string[], prefix: string): Promise<Prefixed> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('runPrefixed called with an empty argv');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const pipe = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream): (() => void) => {
      let rest = '';
      from.setEncoding('utf8');
      from.on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop()!;
        for (const l of lines) to.write(`${prefix}${l}\n`);
      });
      return () => {
        if (rest) to.write(`${prefix}${rest}\n`);
      };
    };
    const flushOut = pipe(child.stdout, process.stdout);
    const flushErr = pipe(child.stderr, process.stderr);
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`${prefix}vnetmap: cannot run ${cmd}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`);
      resolve({ code: 127 });
    });
    child.on('close', (code, signal) => {
      flushOut();
      flushErr();
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 1) });
    });
  });
}
