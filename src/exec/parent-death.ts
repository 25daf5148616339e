// Children die with vnetmap. A SIGKILLed vnetmap cannot stop what it started, and its probes
// (fping, arp-scan, listeners) and batches went on as orphans — up to 13 processes, for seconds
// after the lab they probed was gone, holding its namespaces alive. The kernel can do it for us:
// PR_SET_PDEATHSIG sends a signal to a process when the thread that forked it ends. Node cannot
// set it for a child, so each child is started through util-linux's `setpriv --pdeathsig KILL`,
// which sets it and then execs the command (the setting survives exec; the child's parent is
// still vnetmap). Node forks on its main thread, which ends only with the process.
//
// A grandchild started by a child (xargs' commands, `timeout`'s) is not covered: it ends with its
// own work, bounded by the timeouts every command gets.
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
let available: boolean | undefined;

/** argv that runs `argv` so that it is killed when vnetmap dies (unchanged where setpriv is missing). */
export function dieWithParent(argv: readonly string[]): string[] {
  available ??= existsSync(SETPRIV);
  return available ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : [...argv];
}

/** setpriv's own message when it could not start the command ("setpriv: failed to execute X: ..."). */
const FAILED = /^setpriv: failed to execute [^\n]*?: (No such file or directory|Permission denied)\s*$/m;

/**
 * The result as if the command had been started directly: setpriv reports a missing program with
 * exit code 127 and its own message, which callers read as "command not found".
 */
export function asDirect(cmd: string, code: number | null, stderr: string): { code: number | null; stderr: string } {
  const m = code === 127 || code === 126 ? FAILED.exec(stderr) : null;
  if (!m) return { code, stderr };
  return { code, stderr: m[1] === 'No such file or directory' ? `${cmd}: command not found` : `${cmd}: permission denied` };
}
