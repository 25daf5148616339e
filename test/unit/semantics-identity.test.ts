// Reachability is between endpoints, never between addresses: two sites reuse 192.168.1.0/24
// behind their own NAT routers (test/fixtures/two-sites.yaml), and a duplicate address in one
// broadcast domain makes the answer depend on timing.
import { describe, expect, it } from 'vitest';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';
import { designModel } from '../../src/semantics/from-design.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetModel } from '../../src/semantics/net-model.js';
import { pair, reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';

const design = loadDesignFile('test/fixtures/two-sites.yaml').design!;
const r = reachability(designModel(design));
const ref = (n: string) => (n.includes('/') ? `iface:${n}` : `iface:${n}/eth0`);
const p = (a: string, b: string) => pair(r, ref(a), ref(b));

describe('two sites with the same private range behind their own NAT routers', () => {
  it("a site-B host pinging 192.168.1.10 is answered by its own site's .10: it reaches b-h10, not a-h10", () => {
    expect(p('b-h11', 'b-h10')).toMatchObject({ reach: true, l2: true });
    const x = p('b-h11', 'a-h10');
    expect(x).toMatchObject({ reach: false, l2: false });
    expect(x.why).toMatch(/delivered to b-h10, which owns 192\.168\.1\.10 too, not to a-h10/);
    // trace says the same thing about the address: delivered, but to the other node.
    expect(traceOffline(design, 'b-h11', '192.168.1.10').landed).toMatch(/^b-h10 /);
  });

  it('no host of one site reaches a private address of the other', () => {
    const sites = (s: string) => r.endpoints.filter((e) => e.node.startsWith(`${s}-`) && !e.name.endsWith('/wan'));
    for (const [x, y] of [['a', 'b'], ['b', 'a']] as const) for (const a of sites(x)) for (const b of sites(y)) expect(pair(r, a.ref, b.ref).reach, `${a.name} -> ${b.name}`).toBe(false);
  });

  it('site A reaches site B only through its port forward, and b-h10 sees the connection from a-gw', () => {
    const t = r.tcp.find((x) => x.rule === 'forward:b-gw/0')!;
    const cls = r.classOf.get(ref('a-h11'))!;
    expect(t.fromClass.get(cls)).toBe(true);
    expect(t.target.node).toBe('b-h10');
    expect(t.peerFrom.get(cls)).toBe(designModel(design).nodes.get('a-gw')!.ifaces.find((i) => i.dev === 'wan')!.addrs[0]!.ip);
    // From the outside the client's own address is kept.
    expect(t.peerFrom.has(r.classOf.get(ref('internet'))!)).toBe(false);
  });

  it('a masqueraded ping says which address the target sees', () => {
    expect(p('a-h11', 'internet')).toMatchObject({ reach: true, seenFrom: '198.51.100.1' });
    expect(p('a-h11', 'a-h10').seenFrom).toBeUndefined();
  });

  it('every strategy keeps the identities: no difference between design and twin', () => {
    for (const strategy of ['faithful', 'compact', 'ovs'] as const) {
      const plan = compile(design, { strategy, capabilities: PRESETS.minimal! });
      expect(compare(design, plan).bugs, strategy).toEqual([]);
    }
  });
});

describe('a duplicate address in one broadcast domain', () => {
  const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.minimal! });
  // b-h12 also takes b-h10's address, behind vnetmap's back.
  const dup = structuredClone(plan);
  const ns = plan.endpoints.find((e) => e.node === 'b-h12')!.namespace;
  dup.objects.push({ kind: 'address', namespace: ns, dev: 'eth0', cidr: '192.168.1.10/24', realizes: ['iface:b-h12/eth0'] });
  const m = planModel(dup) as NetModel;
  const rd = reachability(m);
  it('ARP adjacency fails: b-h12 answers for b-h10 too', () => {
    expect(pair(rd, ref('b-h11'), ref('b-h10')).l2).toBe(false);
    expect(pair(rd, ref('b-h11'), ref('b-h12')).l2).toBe(true);
  });
  it('a ping to the address depends on which answer comes first', () => {
    expect(pair(rd, ref('b-h11'), ref('b-h10')).unstable).toMatch(/answered by b-h10 and b-h12 \(a duplicate address\)/);
  });
});
