// Which pairs verify probes. All ordered pairs up to 300 endpoints; beyond that
// (or on request) a sample: in one flat broadcast domain every probe is an ARP broadcast that
// reaches every host, so probing all N² pairs costs N³ frames (1,000 hosts: a billion
// deliveries, over ten minutes here) and says little more than a well-chosen sample.
//
// The sample is deterministic (seeded by the lab name) and balanced:
//   - K offsets o₁..o_K are drawn once; endpoint i probes i+o₁, …, i+o_K (mod N), so every
//     endpoint is probed exactly K times as a source and K times as a target, at varied
//     distances across the topology;
//   - then every pair of classes (endpoints the design and the plan treat alike) that the
//     offsets missed gets one probe, so no kind of expected answer goes unprobed.
import { seeded } from '../random.js';
import { fnv1a } from '../plan/names.js';

/** Endpoints above which verify samples unless told to probe every pair. */
export const ALL_PAIRS_MAX = 300;
/**
 * Targets per source when sampling and nothing else was asked for: 16, fewer in very big labs.
 * In one broadcast domain of N hosts each probe to a new neighbour is an ARP broadcast
 * delivered N times, so the sample keeps 2·N·k·N deliveries under ~16 million (about half a
 * minute of softirq here), and never probes fewer than 2 targets per source.
 */
export const DEFAULT_SAMPLE = 16;
export const defaultSample = (n: number): number => Math.max(2, Math.min(DEFAULT_SAMPLE, Math.floor(8e6 / (n * n))));


/**
 * For each of n endpoints, the indexes of the endpoints it probes: all others when k is
 * undefined or covers them, else a sample as described above. `stratum(i)` names endpoint i's
 * class.
 */
export function targetsToProbe(n: number, k: number | undefined, seed: string, stratum: (i: number) => string): number[][] {
  if (k === undefined || k >= n - 1) return Array.from({ length: n }, (_, i) => Array.from({ length: n - 1 }, (_, j) => (j < i ? j : j + 1)));
  const rnd = seeded(fnv1a(seed));
  const offsets = new Set<number>();
  while (offsets.size < k) offsets.add(1 + Math.floor(rnd() * (n - 1)));
  const targets = Array.from({ length: n }, (_, i) => [...offsets].map((o) => (i + o) % n));
  const covered = new Set<string>();
  targets.forEach((ts, i) => ts.forEach((t) => covered.add(`${stratum(i)}>${stratum(t)}`)));
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const list = members.get(stratum(i)) ?? [];
    members.set(stratum(i), list);
    list.push(i);
  }
  for (const [a, as] of members)
    for (const [b, bs] of members) {
      if (covered.has(`${a}>${b}`)) continue;
      const from = as[0]!;
      const to = bs.find((x) => x !== from);
      if (to !== undefined) targets[from]!.push(to);
    }
  return targets;
}

/** Sources for probes towards fixed targets (port forwards): all, or about k spread evenly plus one per class. */
export function sourcesToProbe(n: number, k: number | undefined, stratum: (i: number) => string): number[] {
  if (k === undefined || k >= n) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  for (let j = 0; j < k; j++) picked.add(Math.floor((j * n) / k));
  const seen = new Set([...picked].map(stratum));
  for (let i = 0; i < n; i++) if (!seen.has(stratum(i))) (seen.add(stratum(i)), picked.add(i));
  return [...picked].sort((a, b) => a - b);
}
