// The kernel's neighbour (ARP) table is ONE table for every network namespace of the machine,
// limited by net.ipv4.neigh.default.gc_thresh3 (1,024 on a stock kernel). When it is full the
// kernel can only reclaim an entry that is idle: at least 5 s old, and not REACHABLE (whose
// timer pins it for 15-45 s after use). Past that, it logs "neighbor table overflow" and new
// ARP resolutions fail: all-pairs verify of a 100-host tree on a stock kernel reported 8,103
// false failures. (Mininet raises these limits on every run; vnetmap changes no host setting.)
//
// So verify first fits its probes to the table (verify.ts: a sample where all pairs do not fit
// in FIT of it); only when told to probe more (--all, --sample K), or when the table overflowed
// anyway (other work on the machine), does it pace itself with NeighBudget. Limits and counters
// come from /proc (root namespace, where vnetmap runs).
import { readFileSync } from 'node:fs';

export interface NeighLimits {
  /** Hard limit on entries, all namespaces together. */
  thresh3: number;
  /** Entries in the table when read. */
  entries: number;
}

const num = (path: string): number | undefined => {
  try {
    const v = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
};

/** The machine's limits, or undefined where /proc does not tell (then no pacing). */
export function readNeighLimits(): NeighLimits | undefined {
  const thresh3 = num('/proc/sys/net/ipv4/neigh/default/gc_thresh3');
  if (thresh3 === undefined) return undefined;
  let entries = 0;
  try {
    // First column of the first data line: entries in the whole table (hex).
    entries = parseInt(readFileSync('/proc/net/stat/arp_cache', 'utf8').split('\n')[1]?.trim().split(/\s+/)[0] ?? '0', 16) || 0;
  } catch {
    /* no statistics: assume an empty table */
  }
  return { thresh3, entries };
}

/** How often the kernel found the table full so far (summed over CPUs); 0 where /proc does not say. */
export function tableFulls(): number {
  try {
    const rows = readFileSync('/proc/net/stat/arp_cache', 'utf8').split('\n').slice(1).filter((l) => l.trim());
    return rows.reduce((x, l) => x + (parseInt(l.trim().split(/\s+/)[12] ?? '0', 16) || 0), 0);
  } catch {
    return 0;
  }
}

/** Share of the table verify may fill at once (the rest stays for everyone else). */
export const FIT = 0.8;
/** Share of the table the paced budget keeps young. */
const SHARE = 0.6;
/** How long a used entry stays unreclaimable: REACHABLE lasts 15-45 s after the last reply. */
const AGE_MS = 45_000;

/**
 * New neighbour entries over a sliding window: at most `SHARE` of the table may be younger than
 * AGE_MS, the entries already in the table counting as young at the start. take(n)
 * waits until n more fit (a request bigger than the window waits for an empty one, then goes).
 */
export class NeighBudget {
  /** Sustained rate, new entries a second. */
  readonly ratePerS: number;
  private readonly capacity: number;
  private readonly taken: { at: number; n: number }[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    limits: NeighLimits,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.capacity = Math.max(16, Math.floor(SHARE * limits.thresh3));
    this.ratePerS = this.capacity / (AGE_MS / 1000);
    if (limits.entries > 0) this.taken.push({ at: this.now(), n: Math.min(this.capacity, limits.entries) });
  }

  /** Seconds that `entries` new neighbours take at the sustained rate, beyond one window's worth. */
  secondsFor(entries: number): number {
    return Math.max(0, entries - this.capacity) / this.ratePerS;
  }

  take(n: number): Promise<void> {
    const want = Math.min(n, this.capacity);
    // One waiter at a time, in call order, so big requests are not starved by small ones.
    const turn = this.queue.then(async () => {
      for (;;) {
        const t = this.now();
        while (this.taken.length && t - this.taken[0]!.at >= AGE_MS) this.taken.shift();
        const used = this.taken.reduce((x, e) => x + e.n, 0);
        if (used + want <= this.capacity) {
          if (want > 0) this.taken.push({ at: t, n: want });
          return;
        }
        // Wait until enough of the oldest entries have aged out.
        let free = this.capacity - used;
        let until = t;
        for (const e of this.taken) {
          free += e.n;
          until = e.at + AGE_MS;
          if (free >= want) break;
        }
        await this.sleep(Math.max(10, until - t));
      }
    });
    this.queue = turn;
    return turn;
  }
}
