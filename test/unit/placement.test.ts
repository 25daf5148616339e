// place(): every node placed, the hard rules obeyed (VMs with their server, pins), balance
// within the stated bound, the same answer for the same seed, and a cut never worse than
// round-robin's (3× better on the benchmark's shapes). The numbers at 10,000 nodes are the
// benchmark's (bench/suites/placement.ts).
import { describe, expect, it } from 'vitest';
import { chassisNames, loadRatio, place, randomPlacement, roundRobin, TOLERANCE } from '../../src/placement/index.js';
import { bare, cutOf, GENERATED, load, withinBound } from '../helpers/placement-designs.js';

describe('chassisNames', () => {
  it('names simulated chassis chassis-1 … chassis-N', () => {
    expect(chassisNames(3)).toEqual(['chassis-1', 'chassis-2', 'chassis-3']);
    expect(chassisNames(0)).toEqual([]);
    expect(() => chassisNames(-1)).toThrow(RangeError);
    expect(() => chassisNames(1.5)).toThrow(RangeError);
  });
});

describe('place on the generated designs', () => {
  for (const [name, make] of Object.entries(GENERATED)) {
    it(`${name}: all placed, VMs with servers, balanced, cut ≤ round-robin and random`, () => {
      const d = make();
      for (const k of [2, 3, 4, 8]) {
        const cs = chassisNames(k);
        const p = place(d, cs, { seed: 7 });
        expect(p.problems).toEqual([]);
        expect(p.assign.size).toBe(d.nodes.length);
        for (const n of d.nodes) {
          expect(cs).toContain(p.assign.get(n.name));
          if (n.kind === 'vm') expect(p.assign.get(n.name), `${n.name} with ${n.server}`).toBe(p.assign.get(n.server));
        }
        expect(p.cut).toBe(cutOf(d, p.assign));
        expect(withinBound(d, p), `k=${k}`).toEqual([]);
        const rr = roundRobin(d, cs);
        expect(p.cut, `k=${k}`).toBeLessThanOrEqual(rr.cut);
        expect(p.cut, `k=${k}`).toBeLessThanOrEqual(randomPlacement(d, cs, { seed: 7 }).cut);
      }
    });
  }

  it.each(['tree,3,10 (1,000 hosts)', 'campus (~1,000 nodes)'])('%s: ≥ 3× fewer cut links than round-robin, loads within ±10 %% of each other', (name) => {
    const d = GENERATED[name]!();
    for (const k of [2, 4, 8]) {
      const p = place(d, chassisNames(k));
      expect(roundRobin(d, chassisNames(k)).cut / p.cut, `k=${k}`).toBeGreaterThanOrEqual(3);
      expect(loadRatio(p), `k=${k}`).toBeLessThanOrEqual(1.1);
    }
  });

  it('is deterministic for a seed', () => {
    const d = GENERATED['campus (small)']!();
    const a = place(d, chassisNames(4), { seed: 3 });
    const b = place(d, chassisNames(4), { seed: 3 });
    expect([...b.assign]).toEqual([...a.assign]);
    expect(b.explain).toEqual(a.explain);
  });
});

describe('constraints', () => {
  const pinned = () =>
    load(`
name: pins
nodes:
  kvm1: { kind: server, placement: chassis-2, interfaces: { eth0: {} } }
  web1: { kind: vm, server: kvm1, interfaces: { eth0: { address: 10.0.0.11/24 } } }
  web2: { kind: vm, server: kvm1, placement: chassis-2, interfaces: { eth0: { address: 10.0.0.12/24 } } }
  pc1: { kind: host, placement: chassis-1, interfaces: { eth0: { address: 10.0.0.1/24 } } }
  pc2: { kind: host, interfaces: { eth0: { address: 10.0.0.2/24 } } }
  pc3: { kind: host, interfaces: { eth0: { address: 10.0.0.3/24 } } }
  sw: { kind: switch, placement: chassis-3 }
links:
  - endpoints: [kvm1:eth0, sw:p1]
  - endpoints: [pc1:eth0, sw:p2]
  - endpoints: [pc2:eth0, sw:p3]
  - endpoints: [pc3:eth0, sw:p4]
`);

  it('pins win over the cut, and a VM goes where its server is pinned', () => {
    const d = pinned();
    for (const f of [place, roundRobin, randomPlacement]) {
      const p = f(d, chassisNames(3));
      expect(p.assign.get('kvm1')).toBe('chassis-2');
      expect(p.assign.get('web1')).toBe('chassis-2');
      expect(p.assign.get('pc1')).toBe('chassis-1');
      expect(p.assign.get('sw')).toBe('chassis-3');
      expect(p.pins.every((x) => x.honoured)).toBe(true);
      expect(p.problems).toEqual([]);
    }
  });

  it('a pin on a chassis the twin does not run is an error at its placement key, and the node is still placed', () => {
    const d = pinned();
    const p = place(d, chassisNames(2));
    expect(p.problems.map((f) => [f.code, f.path.join('.'), f.message])).toEqual([
      ['E-PLACEMENT-CHASSIS', 'nodes.sw.placement', 'sw is pinned to chassis-3, but the twin runs on 2 chassis (chassis-1, chassis-2); pin it to one of them, or run more chassis.'],
    ]);
    expect(p.pins.find((x) => x.node === 'sw')!.honoured).toBe(false);
    expect(p.assign.size).toBe(d.nodes.length);
    expect(p.explain).toContain('- pin NOT honoured: sw on chassis-3 (no such chassis)');
  });

  it('a VM pinned away from its server follows the server, and says so', () => {
    const d = bare(
      [
        { name: 's', kind: 'server', placement: 'chassis-1' },
        { name: 'v', kind: 'vm', server: 's', placement: 'chassis-2' },
      ],
      [],
    );
    const p = place(d, chassisNames(2));
    expect(p.assign.get('v')).toBe('chassis-1');
    expect(p.pins).toEqual([
      { node: 's', chassis: 'chassis-1', honoured: true },
      { node: 'v', chassis: 'chassis-2', honoured: false },
    ]);
  });

  it('capacities give each chassis a proportional share', () => {
    const d = GENERATED['tree,3,10 (1,000 hosts)']!();
    const p = place(d, chassisNames(3), { capacity: { 'chassis-1': 2, 'chassis-3': 0 } });
    expect(p.targets).toEqual({ 'chassis-1': 2000 / 3, 'chassis-2': 1000 / 3, 'chassis-3': 0 });
    expect(p.loads['chassis-3']).toBe(0);
    expect(Math.abs(p.loads['chassis-1']! - 2000 / 3)).toBeLessThanOrEqual(TOLERANCE * (2000 / 3));
  });
});

describe('degenerate inputs', () => {
  const hosts = (n: number) => bare(Array.from({ length: n }, (_, i) => ({ name: `h${i}`, kind: 'host' as const })), []);

  it('no links: nothing to cut, loads balanced', () => {
    const p = place(hosts(10), chassisNames(3));
    expect(p.cut).toBe(0);
    expect(Object.values(p.loads).sort()).toEqual([3, 3, 4]);
  });

  it('one chassis takes everything', () => {
    const d = GENERATED['campus (small)']!();
    const p = place(d, ['only']);
    expect(p.cut).toBe(0);
    expect(new Set(p.assign.values())).toEqual(new Set(['only']));
  });

  it('more chassis than nodes: one node each at most', () => {
    const p = place(hosts(3), chassisNames(5));
    expect(Object.values(p.loads).sort()).toEqual([0, 0, 1, 1, 1]);
    expect(p.explain.some((l) => l.includes('max/min ∞'))).toBe(true);
  });

  it('no chassis: an error, nothing placed', () => {
    const p = place(hosts(2), []);
    expect(p.assign.size).toBe(0);
    expect(p.problems.map((f) => f.code)).toEqual(['E-PLACEMENT-CHASSIS']);
  });

  it('an empty design, and chassis named twice', () => {
    expect(place(bare([], []), chassisNames(2)).assign.size).toBe(0);
    expect(place(hosts(4), ['a', 'a', 'b']).chassis).toEqual(['a', 'b']);
  });
});
