// Which pairs verify probes: every pair for small labs; for big ones a deterministic sample
// in which each endpoint is probed equally often as source and target and every pair of
// classes is probed at least once.
import { describe, expect, it } from 'vitest';
import { ALL_PAIRS_MAX, defaultSample, sourcesToProbe, targetsToProbe } from '../../src/verify/sample.js';

describe('verify pair sampling', () => {
  it('without a sample size, every ordered pair once and never a self-pair', () => {
    const t = targetsToProbe(5, undefined, 'lab', () => 'x');
    expect(t).toEqual([[1, 2, 3, 4], [0, 2, 3, 4], [0, 1, 3, 4], [0, 1, 2, 4], [0, 1, 2, 3]]);
    expect(targetsToProbe(4, 10, 'lab', () => 'x')).toEqual(targetsToProbe(4, undefined, 'lab', () => 'x'));
  });

  it('a sample of k: k distinct targets per source, each endpoint a target exactly k times, deterministic per lab', () => {
    const n = 1000;
    const t = targetsToProbe(n, 8, 'lab', () => 'one class');
    const asTarget = new Array<number>(n).fill(0);
    t.forEach((ts, i) => {
      expect(ts).toHaveLength(8);
      expect(new Set(ts).size).toBe(8);
      expect(ts).not.toContain(i);
      for (const x of ts) asTarget[x]!++;
    });
    expect(new Set(asTarget)).toEqual(new Set([8]));
    expect(targetsToProbe(n, 8, 'lab', () => 'one class')).toEqual(t);
    expect(targetsToProbe(n, 8, 'other-lab', () => 'one class')).not.toEqual(t);
  });

  it('every pair of classes is probed at least once, even a class of one endpoint', () => {
    const n = 600;
    const cls = (i: number) => (i === 17 ? 'lonely' : i % 3 === 0 ? 'a' : 'b');
    const t = targetsToProbe(n, 2, 'lab', cls);
    const pairs = new Set(t.flatMap((ts, i) => ts.map((x) => `${cls(i)}>${cls(x)}`)));
    for (const a of ['a', 'b', 'lonely']) for (const b of ['a', 'b', 'lonely']) if (!(a === 'lonely' && b === 'lonely')) expect(pairs).toContain(`${a}>${b}`);
  });

  it('sources towards fixed targets: about k spread evenly plus one of every class', () => {
    const s = sourcesToProbe(1000, 4, (i) => (i === 999 ? 'last' : 'rest'));
    expect(s).toEqual([0, 250, 500, 750, 999]);
    expect(sourcesToProbe(5, undefined, () => 'x')).toEqual([0, 1, 2, 3, 4]);
  });

  it('the default sample shrinks with the square of the domain, between 2 and 16 targets', () => {
    expect(defaultSample(ALL_PAIRS_MAX + 1)).toBe(16);
    expect(defaultSample(1000)).toBe(8);
    expect(defaultSample(2000)).toBe(2);
    expect(defaultSample(10_000)).toBe(2);
  });
});
