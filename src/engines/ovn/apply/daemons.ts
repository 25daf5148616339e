// The lab's OVN daemons at run time: alive or not, and stopping them. A daemon is found only
// by its pidfile under the lab's run directory, and signalled only when /proc/PID/cmdline
// names that directory (a pid reused by an unrelated program after a crash is left alone) —
// never by process name. What a killed `up` started before writing a pidfile runs inside one
// of the lab's namespaces and goes with them (kernel `down` stops every process in them).
import { readFileSync } from 'node:fs';
import { CENTRAL_DAEMONS, CHASSIS_DAEMONS, type DaemonFiles, type OvnLayout } from '../render/layout.js';

export interface DaemonState {
  /** "central/nb", "chassis-1/ovn-controller". */
  name: string;
  files: DaemonFiles;
  pid?: number;
}

/** The pid of a running daemon of ours, or undefined. */
export function daemonPid(f: DaemonFiles): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(f.pidfile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    // NUL-separated arguments; ours name the pidfile (and so the directory) on their command line.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.includes(f.dir)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function labDaemons(L: OvnLayout, chassis: string[]): DaemonState[] {
  const all: DaemonState[] = [
    ...CENTRAL_DAEMONS.map((d) => ({ name: `central/${d}`, files: L.centralFiles(d) })),
    ...chassis.flatMap((c) => CHASSIS_DAEMONS.map((d) => ({ name: `${c}/${d}`, files: L.chassisFiles(c, d) }))),
  ];
  for (const d of all) {
    const pid = daemonPid(d.files);
    if (pid !== undefined) d.pid = pid;
  }
  return all;
}

/**
 * SIGTERM to each (found and checked as above), SIGKILL to those still there after `graceMs`.
 * Chassis first: an ovn-controller whose Southbound went away first would only log retries.
 * Resolves with how many were running.
 */
export async function stopDaemons(ds: DaemonState[], graceMs = 1_000): Promise<number> {
  const running = ds.filter((d) => d.pid !== undefined && daemonPid(d.files) === d.pid);
  const signal = (pids: number[], sig: NodeJS.Signals) => {
    for (const p of pids)
      try {
        process.kill(p, sig);
      } catch {
        // gone meanwhile
      }
  };
  signal(running.map((d) => d.pid!), 'SIGTERM');
  const end = Date.now() + graceMs;
  // Gone is: its command line no longer names our directory. A daemon that exited stays a
  // zombie until someone reaps it — where PID 1 of a container does not, forever — and a
  // zombie still takes signals, but has no command line.
  let left = running;
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
    left = left.filter((d) => daemonPid(d.files) === d.pid);
  }
  signal(left.map((d) => d.pid!), 'SIGKILL');
  return running.length;
}
