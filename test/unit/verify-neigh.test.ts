// The waves verify probes in when they do not fit in the kernel's (machine-wide) neighbour
// table: a wave holds what fits; between two, the twin's caches are emptied.
import { describe, expect, it } from 'vitest';
import { NeighWaves } from '../../src/verify/neigh-budget.js';

/** A flush that records what it emptied and reports `after` entries left in the table. */
function flusher(after = 0) {
  const calls: string[][] = [];
  return { calls, flush: async (nss: string[]) => (calls.push([...nss].sort()), after) };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('neighbour table waves', () => {
  it('admits probes while they fit, then waits for the wave to end and empties what it touched', async () => {
    const f = flusher();
    const w = new NeighWaves(100, f.flush, { entries: 0 });
    const r1 = await w.take(60, ['a', 'b']);
    const r2 = await w.take(40, ['c']);
    let third = false;
    const p3 = w.take(10, ['d']).then((r) => ((third = true), r));
    await tick();
    expect(third).toBe(false); // 110 > 100: waits for the first wave
    r1();
    await tick();
    expect(third).toBe(false); // one probe of the wave still runs
    r2();
    (await p3)();
    expect(third).toBe(true);
    expect(f.calls).toEqual([['a', 'b', 'c']]);
    expect(w.flushes).toBe(1);
  });

  it('starts from the entries already in the table and counts what the flush leaves', async () => {
    const f = flusher(95);
    const w = new NeighWaves(100, f.flush, { entries: 90, touched: ['x'] });
    (await w.take(20, ['a']))(); // 90 + 20 > 100: the namespaces known to hold entries are emptied first
    expect(f.calls).toEqual([['x']]);
    (await w.take(1, ['b']))(); // 95 left by others + 20 + 1 > 100: another wave
    expect(f.calls).toEqual([['x'], ['a']]);
  });

  it('a probe bigger than a wave goes alone, and admission keeps call order', async () => {
    const f = flusher();
    const w = new NeighWaves(10, f.flush, { entries: 0 });
    const order: number[] = [];
    const r = await w.take(5, ['a']);
    const big = w.take(500, ['b']).then((rel) => (order.push(1), rel));
    const small = w.take(1, ['c']).then((rel) => (order.push(2), rel));
    r();
    (await big)();
    (await small)();
    expect(order).toEqual([1, 2]);
    expect(f.calls).toEqual([['a'], ['b']]);
  });

  it('with nothing touched there is nothing to empty: the probe goes', async () => {
    const f = flusher();
    const w = new NeighWaves(10, f.flush, { entries: 50 });
    (await w.take(5, ['a']))();
    expect(f.calls).toEqual([]);
  });
});

describe('the end of a run in waves', () => {
  it('empties every namespace any wave touched, twice (ARP retries still in flight during the first round)', async () => {
    const f = flusher();
    const w = new NeighWaves(10, f.flush, { entries: 0 });
    (await w.take(8, ['a', 'b']))();
    (await w.take(8, ['c']))(); // a second wave: a and b emptied
    await w.end();
    expect(f.calls).toEqual([['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c']]);
  });
});
