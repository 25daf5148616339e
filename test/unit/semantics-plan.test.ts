// The semantics over a plan's Linux objects: macvlan modes (private isolates, vepa needs the
// upstream hairpin, bridge children cannot reach the parent's own stack), OVS tags, hairpin NAT
// rules, and the comparison catching plans broken behind the compiler's back as mapping bugs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import type { MacvlanMode, Strategy } from '../../src/model/limits.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { compare } from '../../src/semantics/compare.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetModel } from '../../src/semantics/net-model.js';
import { pair, reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';

const vmsText = readFileSync('examples/network-a-vms.yaml', 'utf8');
const design = (text: string): Design => {
  const r = loadDesign(text);
  expect(r.errors).toEqual([]);
  return r.design!;
};
const plan = (d: Design, strategy: Strategy, macvlanMode?: MacvlanMode, caps = 'minimal'): Plan =>
  compile(d, { strategy, capabilities: PRESETS[caps]!, ...(macvlanMode ? { macvlanMode } : {}) });
const twin = (p: Plan) => reachability(planModel(p) as NetModel);
const ref = (n: string) => `iface:${n}/eth0`;

describe('macvlan modes in the twin (network A as VMs on host1)', () => {
  const d = design(vmsText);
  it('vepa: VM to VM goes out through the NIC and back through the hairpin switch port', () => {
    const r = twin(plan(d, 'macvtap', 'vepa'));
    expect(pair(r, ref('pc2'), ref('pc3'))).toMatchObject({ reach: true, l2: true });
    expect(pair(r, ref('pc2'), ref('host1'))).toMatchObject({ reach: true, l2: true });
    const t = traceOffline(plan(d, 'macvtap', 'vepa'), 'pc2', 'pc3');
    const l2 = t.request.filter((h) => h.action === 'l2').map((h) => h.detail);
    expect(l2[0]).toMatch(/^macvlan vepa eth0: out through parent eth0@vn-network-a-vms-host1/);
    expect(l2[1]).toMatch(/^upstream port p1@vn-network-a-vms-access-sw reflects the frame \(hairpin\)/);
    expect(l2[2]).toMatch(/^macvlan vepa eth0: in through parent/);
  });
  it('vepa without the hairpin port: VMs on the NIC are cut off from each other, and the plan says so', () => {
    const noHairpin = design(vmsText.replace('    hairpin: [p1]', ''));
    const p = plan(noHairpin, 'macvtap', 'vepa');
    expect(pair(twin(p), ref('pc2'), ref('pc3'))).toMatchObject({ reach: false, l2: false });
    expect(pair(twin(p), ref('pc2'), ref('pc5'))).toMatchObject({ reach: true, l2: true });
    const cmp = compare(noHairpin, p);
    expect(cmp.bugs).toEqual([]);
    expect(cmp.differences.some((x) => x.from === ref('pc2') && x.to === ref('pc3') && x.explainedBy === 'macvtap-vepa-no-hairpin')).toBe(true);
    expect(cmp.expected(ref('pc2'), ref('pc3'))).toMatchObject({ reach: false, l2: false });
  });
  it('private: VMs isolated from each other and from the server, still reach the LAN', () => {
    const r = twin(plan(d, 'macvtap', 'private'));
    expect(pair(r, ref('pc2'), ref('pc3')).l2).toBe(false);
    expect(pair(r, ref('pc2'), ref('host1')).l2).toBe(false);
    expect(pair(r, ref('pc2'), ref('pc5'))).toMatchObject({ reach: true, l2: true });
  });
  it('bridge: VMs reach each other inside the kernel but not their own server', () => {
    const p = plan(design(vmsText.replace('    hairpin: [p1]', '')), 'macvtap', 'bridge');
    const r = twin(p);
    expect(pair(r, ref('pc2'), ref('pc3'))).toMatchObject({ reach: true, l2: true });
    expect(pair(r, ref('pc2'), ref('host1'))).toMatchObject({ reach: false, l2: false });
    const t = traceOffline(p, 'pc2', 'pc3');
    expect(t.request.find((h) => h.action === 'l2')!.detail).toMatch(/macvlan bridge mode: .* switches eth0 -> eth0 inside the kernel/);
  });
});

describe('mapping bugs: plans changed behind the compiler are caught pair by pair', () => {
  const d = loadDesignFile('examples/network-b.yaml').design!;
  it('a flipped OVS access tag moves pc4 into VLAN 10', () => {
    const p = plan(d, 'ovs');
    const veth = p.objects.find((o) => o.kind === 'veth' && o.realizes.includes('iface:pc4/eth0'));
    const rootEnd = veth && veth.kind === 'veth' ? (veth.a.namespace === null ? veth.a : veth.b) : undefined;
    const port = p.objects.find((o) => o.kind === 'ovs-port' && o.name === rootEnd?.name);
    expect(port && port.kind === 'ovs-port' ? port.tag : undefined).toBe(20);
    if (port?.kind === 'ovs-port') port.tag = 10;
    const cmp = compare(d, p);
    const l2 = cmp.bugs.filter((x) => x.kind === 'l2').map((x) => `${x.from} ${x.to} ${x.plan}`);
    expect(l2).toContain('iface:pc4/eth0 iface:pc1/eth0 true');
    expect(l2).toContain('iface:pc4/eth0 svi:core/20 false');
    expect(cmp.bugs.every((x) => x.from === ref('pc4') || x.to === ref('pc4') || x.kind === 'reach')).toBe(true);
  });
  it('a removed cable cuts exactly the pairs that used it', () => {
    const p = plan(d, 'faithful');
    p.objects = p.objects.filter((o) => !(o.kind === 'veth' && o.realizes.includes('link:8'))); // pc6 - core
    const cmp = compare(d, p);
    expect(cmp.bugs.length).toBeGreaterThan(0);
    expect(cmp.bugs.every((x) => x.from === ref('pc6') || x.to === ref('pc6') || x.kind === 'tcp')).toBe(true);
    expect(cmp.bugs.some((x) => x.kind === 'tcp' && x.from === ref('internet'))).toBe(true);
  });
  it('a deleted NAT table breaks the way out and the port forward', () => {
    const p = plan(d, 'faithful');
    p.objects = p.objects.filter((o) => o.kind !== 'nft');
    const cmp = compare(d, p);
    expect(cmp.bugs.some((x) => x.kind === 'reach' && x.from === ref('pc1') && x.to === ref('internet'))).toBe(true);
    expect(cmp.bugs.some((x) => x.kind === 'tcp' && x.from === ref('internet'))).toBe(true);
  });
});

describe('hairpin toward a learning bridge', () => {
  it('poisons MAC learning: the bridge\'s hosts lose their answers, and the comparison says why', () => {
    const d = design(vmsText);
    const p = plan(d, 'faithful');
    // Turn reflective relay on where the compiler (rightly) leaves it off: toward host1's bridge.
    const veth = p.objects.find((o) => o.kind === 'veth' && o.realizes.includes('iface:host1/eth0'));
    expect(veth?.kind).toBe('veth');
    if (veth?.kind !== 'veth') return;
    const sw = veth.a.namespace?.endsWith('access-sw') ? veth.a : veth.b;
    const port = p.objects.find((o) => o.kind === 'bridge-port' && o.namespace === sw.namespace && o.dev === sw.name);
    if (port?.kind === 'bridge-port') port.hairpin = true;
    else p.objects.push({ kind: 'bridge-port', namespace: sw.namespace, dev: sw.name, hairpin: true, realizes: ['port:access-sw/p1'] });
    const r = twin(p);
    expect(pair(r, ref('pc1'), ref('pc5')).l2).toBe(false); // pc1's ARP answer is dropped
    expect(pair(r, ref('pc5'), ref('pc1')).l2).toBe(true); // pc5's is not
    expect(pair(r, ref('pc5'), ref('pc1')).unstable).toMatch(/learning switch port behind hairpin port p1@/);
    const cmp = compare(d, p);
    expect(cmp.bugs.length).toBeGreaterThan(0);
    for (const b of cmp.bugs) {
      if (b.kind === 'tcp') expect(b.to).toBe('forward:gw/0 203.0.113.2:8080 -> pc1'); // pc1 serves the port forward
      else expect(b.detail ?? '').toMatch(/learning switch port behind hairpin port/);
    }
    // Unexplained, so verify must probe these pairs against the design, not skip them.
    expect(cmp.expected(ref('pc5'), ref('pc1')).unstable).toBeUndefined();
  });
});

describe('hairpin NAT in the twin', () => {
  const text = readFileSync('examples/network-a.yaml', 'utf8').replace('    nat:\n', '    nat:\n      hairpin: true\n');
  const d = design(text);
  it('inside clients reach the forwarded port; without the hairpin masquerade the reply bypasses the router', () => {
    const p = plan(d, 'faithful');
    expect(compare(d, p).bugs).toEqual([]);
    const ok = traceOffline(p, 'pc2', '203.0.113.2', { tcpPort: 8080 });
    expect(ok.verdict).toBe('delivered');
    for (const o of p.objects) if (o.kind === 'nft') o.rules = o.rules.filter((r) => r.type !== 'hairpin-masquerade');
    const bad = traceOffline(p, 'pc2', '203.0.113.2', { tcpPort: 8080 });
    expect(bad.verdict).toBe('dropped');
    expect(bad.why).toMatch(/reply comes from 192\.168\.1\.11 instead of 203\.0\.113\.2.*asymmetric NAT/);
  });
});

describe('designs a prober wrote (each once disagreed with its twin)', () => {
  const check = (text: string) => {
    const d = design(text);
    for (const s of ['faithful', 'compact', 'ovs'] as const) expect(compare(d, plan(d, s)).bugs, s).toEqual([]);
    return d;
  };
  const lan = (extra: string) => `name: t
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 192.168.1.12/24 } }, gateway: 192.168.1.1 }
  web: { kind: host, interfaces: { eth0: { address: 192.168.1.11/24 } }, gateway: 192.168.1.1 }
  sw: { kind: switch }
  gw:
    kind: router
    interfaces: { lan: { address: 192.168.1.1/24 }, wan: { address: [203.0.113.2/24, 203.0.113.9/24] } }
    gateway: 203.0.113.1
    nat:
${extra}
  internet: { kind: external, interfaces: { eth0: { address: 203.0.113.1/24 } } }
links:
  - endpoints: [pc1:eth0, sw:p1]
  - endpoints: [web:eth0, sw:p2]
  - endpoints: [gw:lan, sw:p9]
  - endpoints: [gw:wan, internet:eth0]
`;
  it('an snat exception is tried before a general masquerade, in the design and in the twin', () => {
    const d = check(lan('      masquerade: [{ out: wan }]\n      snat: [{ out: wan, from: 192.168.1.12/32, to: 203.0.113.9 }]'));
    for (const s of ['faithful', 'compact'] as const) {
      const t = traceOffline(plan(d, s), 'pc1', '203.0.113.1');
      expect(t.request.map((h) => h.detail).join('\n'), s).toMatch(/snat out wan: source 192\.168\.1\.12 => 203\.0\.113\.9/);
    }
  });
  it('a port forward takes every address of its interface, and verify checks each', () => {
    const d = check(lan('      port-forwards: [{ in: wan, protocol: tcp, port: 8080, to: 192.168.1.11, to-port: 80 }]'));
    const tcp = reachability(planModel(plan(d, 'faithful')) as NetModel).tcp;
    expect(tcp.map((t) => `${t.addr} ${t.target.node}`).sort()).toEqual([`${0xcb007102} web`, `${0xcb007109} web`]);
    expect(traceOffline(plan(d, 'faithful'), 'internet', '203.0.113.9', { tcpPort: 8080 }).verdict).toBe('delivered');
  });
  it('a host route out of an interface towards a router: the router answers ARP for its other address', () => {
    const d = check(lan('      masquerade: [{ out: wan }]').replace('gateway: 192.168.1.1 }\n  web', 'gateway: 192.168.1.1, routes: [{ to: 203.0.113.0/24, dev: eth0 }] }\n  web'));
    expect(traceOffline(plan(d, 'faithful'), 'pc1', '203.0.113.2').verdict).toBe('delivered');
  });
  it('a route to the node\'s own subnet is left out of the twin (the connected route wins)', () => {
    const d = check(lan('      masquerade: [{ out: wan }]').replace('gateway: 192.168.1.1 }\n  web', 'gateway: 192.168.1.1, routes: [{ to: 192.168.1.0/24, via: 192.168.1.11 }] }\n  web'));
    const routes = plan(d, 'faithful').objects.filter((o) => o.kind === 'route' && o.namespace === 'vn-t-pc1');
    expect(routes.map((o) => o.realizes)).toEqual([['gateway:pc1']]);
  });
});
