// Running a command with the user's terminal attached (exec, shell): stdio is inherited and
// the exit code passed back. Still argv only, never a shell string.
import { spawn } from 'node:child_process';

export function runInteractive(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('runInteractive called with an empty argv');
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...(env ? { env } : {}) });
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`vnetmap: cannot run ${cmd}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`);
      resolve(127);
    });
    // A command killed by a signal exits like a shell reports it: 128 + signal number.
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[signal] ?? 1 : 1)));
  });
}
