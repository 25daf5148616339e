// The kernel's per-CPU input backlog: a veth hands every frame it sends to its peer through
// the backlog of the CPU that sent it (netif_rx), at most net.core.netdev_max_backlog frames
// waiting (1,000 on a stock kernel; Mininet raises it to 5,000). A bridge floods a broadcast by
// sending one copy per port at once, so one ARP request in a flat domain of D ports queues ~D
// frames: measured on a 5,832-host tree (343 bridges), a single arping lost 4,507 copies with
// the stock 1,000 and 507 with 5,000, and none with 16,384; the targets whose copy was dropped
// never answered. Real switches have no such limit, so a twin that big fails ARP resolutions
// its design would not: verify says so, paces its second pass so that floods do not overlap,
// and calls what still failed while frames were dropped inconclusive, not a mismatch.
// vnetmap changes no host setting: raising the backlog is the user's call (the advice says how).
import type { Reachability } from '../semantics/reachability.js';
import { procNumber, sumColumn } from './proc.js';

/** net.core.netdev_max_backlog, or undefined where /proc does not tell. */
export const readBacklog = (): number | undefined => procNumber('/proc/sys/net/core/netdev_max_backlog');

/** Frames the kernel dropped at a full input backlog since boot, all CPUs (softnet_stat column 2). */
export const backlogDrops = (): number => sumColumn('/proc/net/softnet_stat', false, 1);

/**
 * Endpoints one broadcast reaches in the largest broadcast domain of `r` (the sender
 * included): a lower bound on the copies a flood queues, since links between bridges take
 * copies too.
 */
export function floodSize(r: Reachability): number {
  let max = 0;
  r.classes.forEach((c, i) => {
    let d = c.members.length === 1 ? 1 : 0;
    r.cells[i]!.forEach((cell, j) => {
      if (cell?.l2) d += r.classes[j]!.members.length;
    });
    max = Math.max(max, d);
  });
  return max;
}

/** The backlog to suggest for floods of `flood` copies: a power of two with room for two at once. */
export const backlogFor = (flood: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, 2 * flood)));

/** CPU time one flood of `flood` copies costs, in ms (~3 µs a delivery measured here), for pacing. */
export const floodMs = (flood: number): number => Math.ceil((3 * flood) / 1000);

export const backlogSysctl = (flood: number): string => `sysctl -w net.core.netdev_max_backlog=${backlogFor(flood)}`;
