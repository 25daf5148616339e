// The twin side on hand-written plans that use every object kind (OVS ports with trunks,
// macvtap children, TAPs, VLAN devices, bridge ports), and the --trace overlay.
import { describe, expect, it as baseIt } from 'vitest';

// Layout runs ELK, seconds on a loaded 2-core machine: allow it, the default 5 s is too tight.
const it = (name: string, fn: () => unknown) => baseIt(name, fn, 60_000);
import { graphs, layouts, drawSvg } from '../../src/diagram/draw.js';
import { allNodes } from '../../src/diagram/graph.js';
import { planGraph } from '../../src/diagram/plan-graph.js';
import { planObjectId } from '../../src/diagram/plan-objects.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { networkAFaithful, networkBServersMixed } from './diagram-fixture.js';

const design = (f: string) => loadDesignFile(`examples/${f}`).design!;

describe('twin graph from hand-written plans', () => {
  it('draws every object kind with what the kernel is told', async () => {
    const d = design('network-b-servers.yaml');
    const plan = networkBServersMixed();
    const g = planGraph(plan, d);
    const drawn = new Set([...allNodes(g).flatMap((n) => n.objects), ...g.edges.flatMap((e) => e.objects)]);
    for (const o of plan.objects) expect(drawn.has(planObjectId(o)), planObjectId(o)).toBe(true);
    const byId = new Map(allNodes(g).map((n) => [n.id, n]));
    // OVS bridge and its ports live in the root namespace box.
    const root = g.nodes.find((n) => n.id === 'ns:root')!;
    expect(root.shape).toBe('root-ns');
    expect(root.children.map((c) => c.id)).toEqual(expect.arrayContaining(['dev:root/vnab120', 'dev:root/vnab121']));
    expect(byId.get('dev:root/vnab120')!.shape).toBe('ovs-bridge');
    expect(g.edges.find((e) => e.id === 'member:dev:root/vnab121')!.center).toBe('trunks 10,20');
    expect(g.edges.find((e) => e.id === 'member:dev:root/vnab123')!.center).toBe('trunks 10,20,30 · hairpin');
    // macvtap children hang off their server's NIC, labelled with the mode.
    const mv = g.edges.find((e) => e.id === 'macvlan:dev:vn-fx-host-c/eth0|dev:vn-fx-pc3/eth0')!;
    expect(mv.center).toBe('vepa');
    expect(byId.get('dev:vn-fx-pc3/eth0')!.lines).toContain('macvtap vepa');
    expect(g.edges.find((e) => e.id === 'vlan:dev:vn-fx-core/br0|dev:vn-fx-core/vlan10')!.center).toBe('vid 10');
    expect(byId.get('dev:vn-fx-core/tap0')!.lines).toContain('tap (qemu)');
    expect(byId.get('dev:vn-fx-core/p1')!.lines).toContain('vlans 10,20,30');
    // Deviations and choices are written under the picture.
    expect(g.notes).toContain('deviation macvtap-bridge-no-host: a VM cannot reach its own server');
    expect(g.notes.some((n) => n.startsWith('choice vlan → ovs'))).toBe(true);
    // It lays out: children inside frames.
    const [l] = await layouts(d, plan, 'twin');
    const placed = new Map(l!.nodes.map((n) => [n.node.id, n]));
    for (const n of l!.nodes) {
      if (!n.parent) continue;
      const p = placed.get(n.parent)!.box;
      expect(n.box.x >= p.x && n.box.y >= p.y && n.box.x + n.box.w <= p.x + p.w && n.box.y + n.box.h <= p.y + p.h, n.node.id).toBe(true);
    }
  });

  it('veths run from the upstream namespace down and routers list their nft rules', () => {
    const d = design('network-a.yaml');
    const g = planGraph(networkAFaithful(), d);
    const veth = (a: string) => g.edges.find((e) => e.style === 'veth' && (e.source.endsWith(a) || e.target.endsWith(a)))!;
    // The design lists pc1 first, but the switch is upstream of it.
    expect(veth('vn-fx-pc1/eth0').source).toBe('dev:vn-fx-access-sw/p1');
    expect(veth('vn-fx-internet/eth0').source).toBe('dev:vn-fx-internet/eth0');
    // A port whose peer is upstream sits above its bridge; the others below.
    expect(g.edges.find((e) => e.id === 'member:dev:vn-fx-access-sw/uplink')!.target).toBe('dev:vn-fx-access-sw/br0');
    expect(g.edges.find((e) => e.id === 'member:dev:vn-fx-access-sw/p1')!.source).toBe('dev:vn-fx-access-sw/br0');
    const gw = g.nodes.find((n) => n.id === 'ns:vn-fx-gw')!;
    expect(gw.lines).toEqual(expect.arrayContaining(['nft masquerade 192.168.1.0/24 → wan', 'nft dnat wan tcp/8080 → 192.168.1.11:80', 'ipv4.ip_forward=1']));
    // Domains: all five PCs and the router's lan share domain 1 on the twin too.
    const d1 = g.groups[0]!;
    for (const pc of ['pc1', 'pc2', 'pc3', 'pc4', 'pc5']) expect(d1.nodes).toContain(`dev:vn-fx-${pc}/eth0`);
    expect(d1.nodes).toContain('dev:vn-fx-gw/lan');
    expect(d1.nodes).not.toContain('dev:vn-fx-gw/wan');
  });
});

describe('draw --trace', () => {
  const d = design('network-a.yaml');
  const plan = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
  it('marks the path through the design: only the cables between the two ends', () => {
    const [g] = graphs(d, plan, 'design', { from: 'pc1', to: 'internet' });
    const traced = g!.edges.filter((e) => e.traced).map((e) => e.id);
    expect(traced.sort()).toEqual(['link:1', 'link:5', 'link:7', 'link:8']);
    const nodes = allNodes(g!).filter((n) => n.traced).map((n) => n.id);
    expect(nodes).toEqual(expect.arrayContaining(['node:pc1', 'node:access-sw', 'node:agg-sw', 'node:gw', 'node:internet']));
    expect(nodes).not.toContain('node:pc2');
    expect(g!.notes.at(-1)).toMatch(/^verdict: delivered/);
  });
  it('marks the veths and bridges on the twin, and follows a port forward', async () => {
    const [, t] = graphs(d, plan, 'both', { from: 'internet', to: '203.0.113.2', tcpPort: 8080 });
    const veths = t!.edges.filter((e) => e.traced && e.style === 'veth').map((e) => e.refs.find((r) => r.startsWith('link:')));
    expect(veths.sort()).toEqual(['link:1', 'link:5', 'link:7', 'link:8']);
    const lit = allNodes(t!).filter((n) => n.traced).map((n) => n.id);
    expect(lit).toEqual(expect.arrayContaining(['dev:vn-network-a-access-sw/br0', 'dev:vn-network-a-agg-sw/br0', 'dev:vn-network-a-pc1/eth0']));
    expect(lit).not.toContain('dev:vn-network-a-pc2/eth0');
    const svg = await drawSvg(d, plan, 'both', { from: 'pc1', to: 'internet' });
    expect(svg.match(/class="trace"/g)!.length).toBeGreaterThan(10);
  });
});
