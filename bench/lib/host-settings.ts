// Machine-wide settings Mininet changes and never restores (mininet.util.fixLimits(), run by
// every `mn`; docs/benchmarks.md). The bench reads them when it starts and writes back the
// ones that changed when it ends, so running it leaves the machine's settings as it found them.
// The suites in between meet Mininet's values once Mininet ran, and the report says so.
import { readFileSync, writeFileSync } from 'node:fs';

/** The sysctls fixLimits() raises, as /proc/sys paths. */
export const MININET_SYSCTLS = [
  'fs/file-max',
  'net/core/wmem_max',
  'net/core/rmem_max',
  'net/ipv4/tcp_rmem',
  'net/ipv4/tcp_wmem',
  'net/core/netdev_max_backlog',
  'net/ipv4/neigh/default/gc_thresh1',
  'net/ipv4/neigh/default/gc_thresh2',
  'net/ipv4/neigh/default/gc_thresh3',
  'net/ipv4/route/max_size',
  'kernel/pty/max',
] as const;

export type Settings = Record<string, string>;

/** The neighbour-table limits fixLimits() sets (mininet/util.py): what every pingall runs with. */
export const MININET_NEIGH: Settings = {
  'net/ipv4/neigh/default/gc_thresh1': '4096',
  'net/ipv4/neigh/default/gc_thresh2': '8192',
  'net/ipv4/neigh/default/gc_thresh3': '16384',
};

/**
 * Raises each setting below `to` to it, as fixLimits() does (never lowers one); returns the
 * values before, for restore(). Single numbers only.
 */
export function raise(to: Settings, root = '/proc/sys'): Settings {
  const before = snapshot(Object.keys(to), root);
  for (const [p, v] of Object.entries(to)) if (before[p] !== undefined && Number(before[p]) < Number(v)) writeFileSync(`${root}/${p}`, v);
  return before;
}

const read = (root: string, path: string): string | undefined => {
  try {
    return readFileSync(`${root}/${path}`, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return undefined;
  }
};

/** The current values (`root` is /proc/sys but for tests). */
export function snapshot(paths: readonly string[] = MININET_SYSCTLS, root = '/proc/sys'): Settings {
  const s: Settings = {};
  for (const p of paths) {
    const v = read(root, p);
    if (v !== undefined) s[p] = v;
  }
  return s;
}

/** Writes back every setting that differs from `before`; returns "name from → to" for each. */
export function restore(before: Settings, root = '/proc/sys'): string[] {
  const done: string[] = [];
  for (const [p, v] of Object.entries(before)) {
    const now = read(root, p);
    if (now === undefined || now === v) continue;
    try {
      writeFileSync(`${root}/${p}`, v);
      done.push(`${p.replaceAll('/', '.')} ${now} → ${v}`);
    } catch (e) {
      done.push(`${p.replaceAll('/', '.')} left at ${now} (could not write ${v}: ${(e as Error).message})`);
    }
  }
  return done;
}
