// The benchmark compares vnetmap with Mininet on "the same topology": that claim rests on the
// generated designs being valid and having exactly Mininet's host and switch counts.
import { describe, expect, it } from 'vitest';
import { campusNodes, campusShape, campusYaml, designYaml, hostAddress, labName, linearTopo, pairDesign, treeAtLeast, treeForHosts, treeTopo, vmPairDesign } from '../../bench/gen-designs.js';
import { loadDesign } from '../../src/model/load.js';
import { broadcastDomains } from '../../src/semantics/domains.js';

function load(text: string) {
  const r = loadDesign(text, 'bench.yaml');
  expect(r.errors.map((e) => `${e.line}:${e.code} ${e.message}`)).toEqual([]);
  return r.design!;
}

const count = (d: ReturnType<typeof load>, kind: string) => d.nodes.filter((n) => n.kind === kind).length;

describe('bench designs', () => {
  it.each([1, 10, 100])('linear,%i has N hosts, N switches, 2N-1 links and one broadcast domain', (n) => {
    const d = load(designYaml(linearTopo(n), { name: 'bench-lin' }));
    expect(count(d, 'host')).toBe(n);
    expect(count(d, 'switch')).toBe(n);
    expect(d.links).toHaveLength(2 * n - 1);
    const dom = broadcastDomains(d);
    expect(dom.domains).toHaveLength(1);
    expect(dom.domains[0]!.members).toHaveLength(n);
  });

  it.each([
    [2, 10, 100, 11],
    [3, 10, 1000, 111],
    [2, 3, 9, 4],
  ])('tree depth %i fanout %i has %i hosts and %i switches like Mininet TreeTopo', (depth, fanout, hosts, switches) => {
    const d = load(designYaml(treeTopo(depth, fanout), { name: 'bench-tree', strategy: 'compact' }));
    expect(count(d, 'host')).toBe(hosts);
    expect(count(d, 'switch')).toBe(switches);
    expect(d.links).toHaveLength(hosts + switches - 1);
    expect(d.mapping.strategy).toBe('compact');
    expect(broadcastDomains(d).domains).toHaveLength(1);
  });

  it('picks tree shapes near the asked size (100 -> 10x10, 1000 -> 10x10x10)', () => {
    expect(treeForHosts(100)).toEqual({ depth: 2, fanout: 10 });
    expect(treeForHosts(1000)).toEqual({ depth: 3, fanout: 10 });
    expect(treeForHosts(10)).toEqual({ depth: 2, fanout: 3 });
  });

  it('scale trees have at least the asked hosts, and are the smallest such tree (5000 -> 18^3, not 17^3 = 4,913)', () => {
    expect(treeAtLeast(5000)).toEqual({ depth: 3, fanout: 18 });
    expect(treeAtLeast(300)).toEqual({ depth: 2, fanout: 18 });
    expect(treeAtLeast(1000)).toEqual({ depth: 3, fanout: 10 });
    expect(treeAtLeast(100)).toEqual({ depth: 2, fanout: 10 });
    for (const n of [2, 10, 99, 101, 999, 1001, 2000, 4913, 4914, 10_000]) {
      const { depth, fanout } = treeAtLeast(n);
      expect(fanout ** depth).toBeGreaterThanOrEqual(n);
      if (fanout > 2) expect((fanout - 1) ** depth).toBeLessThan(n);
    }
  });

  it('gives every host a distinct address inside 10.0.0.0/16', () => {
    const seen = new Set<string>();
    for (let k = 1; k <= 10_000; k++) seen.add(hostAddress(k));
    expect(seen.size).toBe(10_000);
    expect(hostAddress(256)).toBe('10.0.1.0');
    expect(() => hostAddress(65535)).toThrow(/one \/16/);
  });

  it('small data-plane designs validate for every strategy', () => {
    for (const s of ['faithful', 'compact', 'ovs'] as const) expect(load(pairDesign('bench-pair', s)).mapping.strategy).toBe(s);
    for (const m of ['bridge', 'vepa'] as const) {
      const d = load(vmPairDesign('bench-vm', m));
      expect(d.mapping).toMatchObject({ strategy: 'macvtap', macvlanMode: m });
      expect(count(d, 'vm')).toBe(2);
    }
  });

  it('campus designs validate without a warning, with the nodes, VLANs and kinds they promise', () => {
    for (const shape of [{ buildings: 2, accessPerBuilding: 2, hostsPerAccess: 4, departments: 2, racks: 1, serversPerRack: 2, vmsPerServer: 3 }, campusShape(1000)]) {
      const r = loadDesign(campusYaml(shape, 'bench-campus'), 'campus.yaml');
      expect([...r.errors, ...r.warnings].map((e) => `${e.line}:${e.code} ${e.message}`)).toEqual([]);
      const d = r.design!;
      expect(d.nodes).toHaveLength(campusNodes(shape));
      for (const kind of ['external', 'router', 'l3-switch', 'switch', 'host', 'server', 'vm']) expect(count(d, kind), kind).toBeGreaterThan(0);
      // One domain per department and building, three server VLANs, and the two routed links of the edge router.
      expect(broadcastDomains(d).domains).toHaveLength(shape.buildings * shape.departments + 3 + 2);
    }
    const n = campusNodes(campusShape(10_000));
    expect(n).toBeGreaterThan(9_500);
    expect(n).toBeLessThan(10_500);
  });

  it('lab names are valid and short', () => {
    const n = labName('t1000');
    expect(n).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(n.length).toBeLessThanOrEqual(16);
  });
});
