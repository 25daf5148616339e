// Which pings go together in one wave of the kernel's neighbour table (neigh-budget.ts says why
// there are waves at all). A ping between two endpoints of one broadcast domain leaves a
// neighbour entry on each side; the ping back uses the very same two entries. So both
// directions of a pair go in the same wave: all pairs of a 100-host domain need 9,900 entries
// that way, 13 waves of a stock kernel's table, where waves by source (every source pinging all
// its targets, its targets pinging it in a later wave, after the caches were emptied) needed
// twice as many entries, 25 waves. Pings that leave no entry to speak of (through a router: the
// gateway's entry is shared) all go in the first wave.

/** An ordered pair of endpoint indices, source first. */
export type Pair = readonly [number, number];

/**
 * Splits `pairs` into waves of at most `room` new entries each: a pair costs `cost(a, b)`
 * entries, counted once for both directions when both are probed. Order within a wave: by
 * source, then as given. A pair bigger than a wave goes alone.
 */
export function planWaves(pairs: readonly Pair[], cost: (a: number, b: number) => number, room: number): Pair[][] {
  const groups = new Map<string, { pairs: Pair[]; cost: number }>();
  for (const p of pairs) {
    const key = p[0] < p[1] ? `${p[0]} ${p[1]}` : `${p[1]} ${p[0]}`;
    const g = groups.get(key);
    if (g) g.pairs.push(p);
    else groups.set(key, { pairs: [p], cost: cost(p[0], p[1]) });
  }
  // Between two waves the prober empties the caches of every namespace the wave touched: a wave
  // of the pairs between two blocks of ~sqrt(room / 2) endpoints touches 2 blocks, where a wave
  // in plain order (every pair of the first few sources) touched every namespace of the domain.
  const block = Number.isFinite(room) ? Math.max(1, Math.floor(Math.sqrt(room / 2))) : Infinity;
  const blockOf = (i: number) => (Number.isFinite(block) ? Math.floor(i / block) : 0);
  const ordered = [...groups.entries()].map(([key, g]) => {
    const [a, b] = key.split(' ').map(Number) as [number, number];
    return { g, x: blockOf(a), y: blockOf(b) };
  });
  ordered.sort((p, q) => p.x - q.x || p.y - q.y);
  const free: Pair[] = [];
  const waves: Pair[][] = [];
  let current: Pair[] = [];
  let used = 0;
  for (const { g } of ordered) {
    if (!g.cost) {
      free.push(...g.pairs);
      continue;
    }
    if (used + g.cost > room && current.length) {
      waves.push(current);
      current = [];
      used = 0;
    }
    current.push(...g.pairs);
    used += g.cost;
  }
  if (current.length || !waves.length) waves.push(current);
  waves[0]!.unshift(...free);
  return waves.map((w) => [...w].sort((x, y) => x[0] - y[0]));
}

/** A wave's pairs as [source, targets] in order of source. */
export function bySource(wave: readonly Pair[]): [number, number[]][] {
  const out = new Map<number, number[]>();
  for (const [a, b] of wave) {
    const ts = out.get(a);
    if (ts) ts.push(b);
    else out.set(a, [b]);
  }
  return [...out];
}

/** New neighbour entries all of `pairs` need: each pair's cost once for both directions. */
export function entries(pairs: readonly Pair[], cost: (a: number, b: number) => number): number {
  const seen = new Set<string>();
  let n = 0;
  for (const [a, b] of pairs) {
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    n += cost(a, b);
  }
  return n;
}
