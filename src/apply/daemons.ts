// The twin's daemons (plan DaemonObj): each is known by its pid AND the kernel's start time of
// that pid, recorded when `up` started it, and must sit in its planned namespace. A pid alone
// proves nothing (pids are reused), so a daemon is "running" only when all three match, and
// only then does vnetmap signal it.
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { netnsFile } from '../exec/netns.js';
import type { DaemonIdentity } from './state.js';

/**
 * Start time of a process (clock ticks since boot, /proc/PID/stat field 22), undefined when it is
 * gone. A zombie is gone too: daemons are started by a launcher that exits (Runner.spawnMany), so
 * a dead one waits for init to reap it, which in some containers never happens.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

export const identityOf = (pid: number): DaemonIdentity => ({ pid, start: processStart(pid) ?? '' });

/** Is this still the process we started, in namespace `ns` (null: the root namespace)? */
export function daemonRunning(id: DaemonIdentity | undefined, ns: string | null): boolean {
  if (!id || processStart(id.pid) !== id.start || !id.start) return false;
  try {
    const inode = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${id.pid}/ns/net`))?.[1];
    const want = String(statSync(ns === null ? '/proc/1/ns/net' : netnsFile(ns)).ino);
    return inode === want;
  } catch {
    return false;
  }
}

/** Stop the daemons that are still the processes we started: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopDaemons(ids: Iterable<DaemonIdentity>, graceMs = 1000): Promise<number> {
  const mine = [...ids].filter((id) => id.start && processStart(id.pid) === id.start);
  const signal = (sig: NodeJS.Signals): void => {
    for (const id of mine) {
      if (processStart(id.pid) !== id.start) continue;
      try {
        process.kill(id.pid, sig);
      } catch {
        // gone meanwhile
      }
    }
  };
  signal('SIGTERM');
  const end = Date.now() + graceMs;
  while (Date.now() < end && mine.some((id) => processStart(id.pid) === id.start)) await new Promise((r) => setTimeout(r, 20));
  signal('SIGKILL');
  return mine.length;
}
