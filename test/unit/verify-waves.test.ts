// Waves of the neighbour table (src/verify/waves.ts): both directions of a pair in one wave, each
// wave within its room, pairs that cost nothing in the first, and waves made of two blocks of
// endpoints so that few namespaces need emptying after each.
import { describe, expect, it } from 'vitest';
import { bySource, entries, planWaves, type Pair } from '../../src/verify/waves.js';

const all = (n: number): Pair[] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => [i, j] as const).filter(([a, b]) => a !== b)).flat();

describe('planWaves', () => {
  const pairs = all(100);
  const cost = () => 2;
  const waves = planWaves(pairs, cost, 819);

  it('keeps every pair exactly once, and both directions of a pair in one wave', () => {
    expect(waves.flat().length).toBe(pairs.length);
    const at = new Map<string, number>();
    waves.forEach((w, k) => w.forEach(([a, b]) => at.set(`${a} ${b}`, k)));
    for (const [a, b] of pairs) expect(at.get(`${a} ${b}`)).toBe(at.get(`${b} ${a}`));
  });

  it('fills each wave up to its room: all pairs of 100 endpoints in one domain take 13 waves of a stock table', () => {
    for (const w of waves) expect(entries(w, cost)).toBeLessThanOrEqual(819);
    expect(entries(pairs, cost)).toBe(9900);
    expect(waves.length).toBe(13);
  });

  it('a wave touches few endpoints: pairs between two blocks, not every pair of the first sources', () => {
    const touched = waves.map((w) => new Set(w.flat()).size);
    expect(Math.max(...touched)).toBeLessThanOrEqual(70); // of 100: the first waves in plain order touch every one
  });

  it('pairs that cost nothing (through a router) go in the first wave; a pair bigger than a wave goes alone', () => {
    const w = planWaves([[0, 1], [1, 0], [2, 3], [0, 2]], (a, b) => (a + b === 5 ? 0 : 10), 4);
    expect(w[0]).toContainEqual([2, 3]);
    expect(w.length).toBe(2);
    expect(w.every((x) => x.length > 0)).toBe(true);
  });

  it('without a limit, one wave', () => {
    expect(planWaves(pairs, cost, Infinity)).toHaveLength(1);
  });

  it('bySource groups a wave by source, in order', () => {
    expect(bySource([[0, 1], [0, 2], [1, 0]])).toEqual([[0, [1, 2]], [1, [0]]]);
  });
});
