// Validation time grows with the number of problems linearly, not with its square (issue 24,
// item 4: 8,000 problems took 3 s, 32,000 took 31 s). For each kind of problem that once made
// it quadratic (placing problems in a big mapping, suggesting names among many, walking a
// domain per host, a cable walk per loop, a walk along the links to each), 4N problems may take at most ~8 times as long as N
// (linear is 4, quadratic 16): a bound for regressions, not a timing.
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/model/load.js';

const ip = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${(i & 255) | 1}`;

/** Designs with about n problems each, by kind. */
const KINDS: Record<string, (n: number) => string> = {
  'bad addresses': (n) => lines('nodes:', (i) => `  h${i}: { kind: host, interfaces: { eth0: { address: 10.0.0.${300 + i}/24 } } }`, n),
  'shape errors': (n) => lines('nodes:', (i) => `  h${i}: { kind: host, interfaces: { eth0: { mtu: big, adress: x } } }`, n),
  'misspelt nodes': (n) =>
    lines('nodes:\n  sw: { kind: switch }', (i) => `  host${i}: { kind: host, interfaces: { eth0: { address: ${ip(i)}/8 } } }`, n) +
    lines('links:', (i) => `  - endpoints: [hots${i}:eth0, sw:p${i}]`, n),
  'unreachable gateways': (n) =>
    lines('nodes:\n  sw: { kind: switch }', (i) => `  h${i}: { kind: host, interfaces: { eth0: { address: ${ip(i)}/8 } }, gateway: 10.255.255.254 }`, n) +
    lines('links:', (i) => `  - endpoints: [h${i}:eth0, sw:p${i}]`, n),
  // Problems deep in a long list of links: finding link i must not walk past the i before it.
  'bad endpoints': (n) => lines('nodes: {}', () => '', 0) + lines('links:', (i) => `  - endpoints: [a${i}-eth0, b${i}-eth0]`, n),
  'loops and hairpin typos': (n) =>
    lines(`nodes:\n  s1: { kind: switch, hairpin: [${Array.from({ length: n }, (_, i) => `q${i}`).join(', ')}] }\n  s2: { kind: switch }`, () => '', 0) +
    lines('links:', (i) => `  - endpoints: [s1:p${i}, s2:p${i}]`, n),
};

function lines(head: string, line: (i: number) => string, n: number): string {
  const out = [head];
  for (let i = 0; i < n; i++) out.push(line(i));
  return out.join('\n') + '\n';
}

/** One validation, in ms, and how many problems it found. */
function once(text: string): { ms: number; problems: number } {
  const t = performance.now();
  const r = loadDesign(text, 'scale.yaml');
  return { ms: performance.now() - t, problems: r.errors.length + r.warnings.length };
}

/**
 * The fastest of three runs of each, the two sizes taking turns: a busy machine slows both
 * alike instead of one of them (two runs of each, one after the other, failed under load).
 */
function timeBoth(small: string, big: string): [{ ms: number; problems: number }, { ms: number; problems: number }] {
  const best = [once(small), once(big)];
  for (let k = 0; k < 2; k++)
    [small, big].forEach((text, i) => {
      const r = once(text);
      if (r.ms < best[i]!.ms) best[i] = r;
    });
  return [best[0]!, best[1]!];
}

describe('validation scales with the number of problems', () => {
  for (const [kind, make] of Object.entries(KINDS)) {
    it(`${kind}: 4x the problems take less than 8x the time`, () => {
      // Cheap problems need more of them before a square shows above the rest of the work.
      const N = kind === 'bad endpoints' ? 8000 : 1000;
      once(make(200)); // warm up the code paths
      const [small, big] = timeBoth(`name: scale\n${make(N)}`, `name: scale\n${make(4 * N)}`);
      expect(small.problems).toBeGreaterThanOrEqual(N);
      expect(big.problems).toBeGreaterThanOrEqual(4 * N);
      expect(big.ms / Math.max(small.ms, 1), `${small.ms.toFixed(0)} ms for ${small.problems}, ${big.ms.toFixed(0)} ms for ${big.problems}`).toBeLessThan(8);
    }, 60_000);
  }
});
