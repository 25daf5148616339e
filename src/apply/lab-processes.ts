// Processes still running inside a lab's namespaces when it is taken down: a shell, a workload
// started with `vnetmap exec`, a probe orphaned by a killed vnetmap. `ip netns del` only removes
// the name: a namespace lives on, with its devices, as long as one process is in it, invisible to
// every tool that lists namespaces by name. `down` therefore stops them first (they run in the
// lab, which is going away), found by the namespace each process is in — /proc/PID/ns/net names
// it by inode — never by command line.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { netnsFile } from '../exec/netns.js';

/** The nsfs inode of each named namespace that exists. */
export function namespaceInodes(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    try {
      out.add(String(statSync(netnsFile(n)).ino));
    } catch {
      // gone already
    }
  }
  return out;
}

/** Pids of processes (other than this one) whose network namespace is one of `inodes`. */
export function processesIn(inodes: ReadonlySet<string>, proc = '/proc'): number[] {
  if (!inodes.size) return [];
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`${proc}/${pid}/ns/net`));
      if (m && inodes.has(m[1]!)) out.push(Number(pid));
    } catch {
      // exited meanwhile, or a kernel thread
    }
  }
  return out;
}

/**
 * Stop every process in the namespaces: SIGTERM, then SIGKILL for those still there after
 * `graceMs`. Resolves with how many there were.
 */
export async function stopProcessesIn(names: readonly string[], graceMs = 500): Promise<number> {
  const inodes = namespaceInodes(names);
  const first = processesIn(inodes);
  if (!first.length) return 0;
  const signal = (pids: number[], sig: NodeJS.Signals): void => {
    for (const p of pids) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  signal(first, 'SIGTERM');
  const end = Date.now() + graceMs;
  let left = first;
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    left = processesIn(inodes);
  }
  signal(left, 'SIGKILL');
  return first.length;
}
