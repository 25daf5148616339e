// Reading the kernel's counters and limits from /proc (root namespace, where vnetmap runs).
import { readFileSync } from 'node:fs';

/** A positive number from a /proc/sys file, or undefined where it cannot be read. */
export function procNumber(path: string): number | undefined {
  try {
    const v = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Rows of a per-CPU statistics table of hex columns (/proc/net/stat/*, softnet_stat); [] where unreadable. */
export function hexRows(path: string, header: boolean): number[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .slice(header ? 1 : 0)
      .filter((l) => l.trim())
      .map((l) => l.trim().split(/\s+/).map((x) => parseInt(x, 16) || 0));
  } catch {
    return [];
  }
}

/** Column `col` of hexRows summed over CPUs. */
export const sumColumn = (path: string, header: boolean, col: number): number => hexRows(path, header).reduce((s, r) => s + (r[col] ?? 0), 0);

/** A process and its ancestors, nearest first, up to init ([] where it is gone). */
export function lineage(pid: number): number[] {
  const out: number[] = [];
  for (let p = pid; p > 1 && out.length < 64; ) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      out.push(p);
      // Field 4, after the command name in parentheses (which may hold spaces).
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return out;
}
