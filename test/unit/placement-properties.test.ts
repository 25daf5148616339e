// Properties of place() over random graphs of every node kind, random links (parallel ones and
// islands included), random pins (some on chassis that do not exist) and capacities, 1 to 9
// chassis: every node placed on a chassis it was given, VMs with their server, every pin on a
// chassis that exists followed, the cut and loads what they claim, the balance bound held when
// nothing is pinned, the same result twice, and never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeKind } from '../../src/model/types.js';
import { LOAD } from '../../src/placement/design-graph.js';
import { chassisNames, place } from '../../src/placement/index.js';
import { bare, cutOf, withinBound, type BareNode } from '../helpers/placement-designs.js';

const KINDS: NodeKind[] = ['host', 'switch', 'l3-switch', 'router', 'server', 'vm', 'external'];
const shape = fc.record({
  k: fc.integer({ min: 1, max: 9 }),
  nodes: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), server: fc.nat(), pin: fc.option(fc.nat(10), { nil: undefined }) }), { maxLength: 40 }),
  links: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80 }),
  capacity: fc.option(fc.array(fc.nat(4), { minLength: 9, maxLength: 9 }), { nil: undefined }),
  pins: fc.boolean(),
  seed: fc.integer(),
});
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function design(s: Shape) {
  const servers = s.nodes.map((n, i) => (n.kind === 'server' ? `n${i}` : '')).filter(Boolean);
  const nodes: BareNode[] = s.nodes.map((n, i) => {
    // A VM needs a server; without one in the design it is a host.
    const kind = n.kind === 'vm' && !servers.length ? 'host' : n.kind;
    const out: BareNode = { name: `n${i}`, kind };
    if (kind === 'vm') out.server = servers[n.server % servers.length]!;
    // Pins 1..k name chassis that exist, k+1.. ones that do not.
    if (s.pins && n.pin !== undefined) out.placement = `chassis-${n.pin + 1}`;
    return out;
  });
  const links: [string, string][] = nodes.length ? s.links.map(([a, b]) => [nodes[a % nodes.length]!.name, nodes[b % nodes.length]!.name]) : [];
  return bare(nodes, links);
}

describe('place (properties)', () => {
  it('places every node within the rules, and the same way twice', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const d = design(s);
        const cs = chassisNames(s.k);
        const capacity = s.capacity ? Object.fromEntries(cs.map((c, i) => [c, s.capacity![i]!])) : undefined;
        const opts = { seed: s.seed, ...(capacity ? { capacity } : {}) };
        const p = place(d, cs, opts);
        expect(p.assign.size).toBe(d.nodes.length);
        // The pin that decides for a server and its VMs: the server's own, else its first VM's.
        const known = (x?: string) => (x !== undefined && cs.includes(x) ? x : undefined);
        const decides = new Map<string, string>();
        for (const n of d.nodes) if (n.kind !== 'vm' && known(n.placement)) decides.set(n.name, n.placement!);
        for (const n of d.nodes) if (n.kind === 'vm' && known(n.placement) && !decides.has(n.server)) decides.set(n.server, n.placement!);
        for (const n of d.nodes) {
          expect(cs).toContain(p.assign.get(n.name));
          const owner = n.kind === 'vm' ? n.server : n.name;
          if (n.kind === 'vm') expect(p.assign.get(n.name)).toBe(p.assign.get(n.server));
          if (decides.has(owner)) expect(p.assign.get(n.name)).toBe(decides.get(owner));
          if (n.placement !== undefined) expect(p.pins.find((x) => x.node === n.name)!.honoured).toBe(known(n.placement) !== undefined && decides.get(owner) === n.placement);
        }
        const unknown = d.nodes.filter((n) => n.placement !== undefined && !cs.includes(n.placement));
        expect(p.problems.map((f) => f.path.join('.'))).toEqual(unknown.map((n) => `nodes.${n.name}.placement`));
        expect(p.cut).toBe(cutOf(d, p.assign));
        expect(Object.values(p.loads).reduce((a, b) => a + b, 0)).toBe(d.nodes.reduce((a, n) => a + LOAD[n.kind], 0));
        if (!d.nodes.some((n) => n.placement !== undefined)) expect(withinBound(d, p)).toEqual([]);
        expect([...place(d, cs, opts).assign]).toEqual([...p.assign]);
      }),
      { numRuns: 300 },
    );
  });
});
