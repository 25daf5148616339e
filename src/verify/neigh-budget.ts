// The kernel's neighbour (ARP) table is ONE table for every network namespace of the machine,
// limited by net.ipv4.neigh.default.gc_thresh3 (1,024 on a stock kernel). When it is full the
// kernel can only reclaim an entry that is idle: at least 5 s old, and not REACHABLE (whose
// timer pins it for 15-45 s after use). Past that, it logs "neighbor table overflow" and new
// ARP resolutions fail: all-pairs verify of a 100-host tree on a stock kernel reported 8,103
// false failures. (Mininet raises these limits on every run; vnetmap changes no host setting.)
//
// So verify pings in waves that fit in FIT of the table (waves.ts: both directions of a pair in
// one wave, they share their two entries), the prober emptying the twin's own neighbour caches
// between two (ARP probes create no entries: arp-phase.ts). Where all pairs would take too
// many waves, the default is a sample (verify.ts). If the table overflowed anyway (other work
// on the machine), the second pass over doubtful pairs goes in waves too. Limits and counters
// come from /proc (root namespace, where vnetmap runs).
import type { Command } from '../exec/fan-out.js';
import { enterNs } from '../exec/netns.js';
import { hexRows, procNumber, sumColumn } from './proc.js';

const ARP_STAT = '/proc/net/stat/arp_cache';

export interface NeighLimits {
  /** Hard limit on entries, all namespaces together. */
  thresh3: number;
  /** Entries in the table when read. */
  entries: number;
}

/** The machine's limits, or undefined where /proc does not tell (then no pacing). */
export function readNeighLimits(): NeighLimits | undefined {
  const thresh3 = procNumber('/proc/sys/net/ipv4/neigh/default/gc_thresh3');
  if (thresh3 === undefined) return undefined;
  // First column of the first CPU's row: entries in the whole table (no statistics: empty).
  return { thresh3, entries: hexRows(ARP_STAT, true)[0]?.[0] ?? 0 };
}

/** How often the kernel found the table full so far (summed over CPUs); 0 where /proc does not say. */
export const tableFulls = (): number => sumColumn(ARP_STAT, true, 12);

/**
 * The command emptying a twin namespace's neighbour cache: an `ip -batch` the Runner hands to
 * the netlink helper (one process for many namespaces), `ip neigh flush all` itself where the
 * helper cannot run. verify's prober empties them itself, with the helper's code.
 */
export const flushCommand = (ns: string): Command => ({ argv: [...enterNs(ns), 'ip', '-batch', '-'], input: 'neigh flush all\n' });

/** Share of the table verify may fill at once (the rest stays for everyone else). */
export const FIT = 0.8;
