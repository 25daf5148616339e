// The kernel's neighbour (ARP) table is ONE table for every network namespace of the machine,
// limited by net.ipv4.neigh.default.gc_thresh3 (1,024 on a stock kernel). When it is full the
// kernel can only reclaim an entry that is idle: at least 5 s old, and not REACHABLE (whose
// timer pins it for 15-45 s after use). Past that, it logs "neighbor table overflow" and new
// ARP resolutions fail: all-pairs verify of a 100-host tree on a stock kernel reported 8,103
// false failures. (Mininet raises these limits on every run; vnetmap changes no host setting.)
//
// So verify pings in waves that fit in FIT of the table (NeighWaves), emptying the twin's own
// neighbour caches between two (ARP probes create no entries: probes.ts arpMany): on a stock
// kernel all 9,900 pairs of a 100-host tree (ping and ARP, 19,800 checks) went in 25 waves in
// ~4 s, none false. Where all pairs would take too
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
 * the netlink helper (one process for all of a wave's namespaces: ~600 took 0.6-1.1 s
 * through ip, 0.15 s through it), `ip neigh flush all` itself where the helper cannot run.
 */
export const flushCommand = (ns: string): Command => ({ argv: [...enterNs(ns), 'ip', '-batch', '-'], input: 'neigh flush all\n' });

/** Share of the table verify may fill at once (the rest stays for everyone else). */
export const FIT = 0.8;

/** Empties the twin's neighbour caches in these namespaces; resolves to the table's entries after. */
export type Flush = (namespaces: string[]) => Promise<number>;

/**
 * Probes in waves that fit in the table. take(n, nss) admits a probe that creates n entries in
 * the namespaces nss while the wave has room; when it has not, it waits for the wave's probes
 * to end, empties the neighbour caches of every namespace they touched (all the twin's, so
 * vnetmap's to empty: `ip neigh flush` keeps permanent entries) and starts the next wave from
 * the table's real count. Admission is in call order; a probe bigger than a wave goes alone.
 */
export class NeighWaves {
  /** Waves after the first (times the caches were emptied). */
  flushes = 0;
  private used: number;
  private inflight = 0;
  private touched: Set<string>;
  /** Every namespace touched so far, for end(). */
  private readonly ever: Set<string>;
  private gate: Promise<void> = Promise.resolve();
  private drained?: () => void;

  constructor(
    private readonly capacity: number,
    private readonly flush: Flush,
    /** Entries in the table now, and namespaces whose entries count among them. */
    start: { entries: number; touched?: Iterable<string> },
  ) {
    this.used = start.entries;
    this.touched = new Set(start.touched ?? []);
    this.ever = new Set(this.touched);
  }

  /**
   * After the last probe has ended: empties every namespace any wave touched, twice, since the
   * caches are emptied in parallel and one emptied early can learn a neighbour from an ARP
   * request another still sent (an unanswered resolution retries for 3 s) before its turn came.
   */
  async end(): Promise<void> {
    await this.gate;
    const nss = [...this.ever];
    this.touched.clear();
    if (nss.length) for (let round = 0; round < 2; round++) await this.flush(nss);
  }

  /** Resolves once the probe may go, to release(), to be called when it ended. */
  take(n: number, namespaces: readonly string[]): Promise<() => void> {
    const turn = this.gate.then(async () => {
      if (this.used + n > this.capacity && this.touched.size) {
        if (this.inflight) await new Promise<void>((r) => (this.drained = r));
        const nss = [...this.touched];
        this.touched.clear();
        this.used = await this.flush(nss);
        this.flushes++;
      }
      this.used += n;
      this.inflight++;
      for (const ns of namespaces) {
        this.touched.add(ns);
        this.ever.add(ns);
      }
    });
    this.gate = turn.catch(() => undefined);
    return turn.then(() => () => {
      if (--this.inflight === 0 && this.drained) {
        const d = this.drained;
        this.drained = undefined;
        d();
      }
    });
  }
}
