// The neighbour-table budget verify paces itself with when its probes do not fit in the
// kernel's (machine-wide) neighbour table: a sliding window of recently created entries.
import { describe, expect, it } from 'vitest';
import { NeighBudget } from '../../src/verify/neigh-budget.js';

/** A fake clock: sleep() advances it, so the test runs instantly and exactly. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
}

describe('neighbour table budget', () => {
  it('lets a window of 60% of the table through at once, then one window per 45 s', async () => {
    const c = clock();
    const b = new NeighBudget({ thresh3: 1000, entries: 0 }, c.now, c.sleep);
    await b.take(600);
    expect(c.at()).toBe(0);
    await b.take(1);
    expect(c.at()).toBeGreaterThanOrEqual(45_000);
    expect(Math.round(b.ratePerS)).toBe(13);
  });

  it('counts entries already in the table as young, and serves waiters in order', async () => {
    const c = clock();
    const b = new NeighBudget({ thresh3: 1000, entries: 500 }, c.now, c.sleep);
    const order: number[] = [];
    await Promise.all([b.take(100).then(() => order.push(1)), b.take(50).then(() => order.push(2))]);
    expect(order).toEqual([1, 2]);
    expect(c.at()).toBeGreaterThanOrEqual(45_000); // 500 + 100 + 50 > 600: the second waited
  });

  it('a request bigger than the window waits for an empty one, then goes alone', async () => {
    const c = clock();
    const b = new NeighBudget({ thresh3: 100, entries: 0 }, c.now, c.sleep);
    await b.take(10);
    await b.take(5_000);
    expect(c.at()).toBeGreaterThanOrEqual(45_000);
  });
});
