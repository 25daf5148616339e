// How real servers attach their VMs ("attach": bridge, ovs, macvtap modes, SR-IOV VFs): the
// design's semantics follow each mode (MACHINE.md, docs/prove.md), every strategy reproduces it
// or says where it cannot, and `plan --explain` says "Deviations: none" only when it is so.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { loadDesign } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { describeCapabilities, PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { explainPlan } from '../../src/plan/explain.js';
import type { Plan } from '../../src/plan/types.js';
import { compare } from '../../src/semantics/compare.js';
import { designModel } from '../../src/semantics/from-design.js';
import { predict } from '../../src/semantics/prediction.js';
import { pair, reachability } from '../../src/semantics/reachability.js';

const full = PRESETS.full!;
const minimal = PRESETS.minimal!;
const hv = readFileSync('examples/hypervisors.yaml', 'utf8');
function load(text: string): Design {
  const r = loadDesign(text, 'x.yaml');
  if (!r.design) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.design;
}

/** One server, two VMs and a host on a switch; `hairpin` on the server's port. */
function small(attach: string, o: { hairpin?: boolean; nic?: string; tagged?: boolean } = {}): Design {
  const vlan = o.tagged ? ', vlan: 10' : '';
  return load(`name: small
nodes:
  hv: { kind: server, attach: ${attach}, interfaces: { eth0: { address: 10.0.0.2/24${o.nic ? `, ${o.nic}` : ''} } } }
  v1: { kind: vm, server: hv, interfaces: { eth0: { address: 10.0.${o.tagged ? 10 : 0}.11/24${vlan} } } }
  v2: { kind: vm, server: hv, interfaces: { eth0: { address: 10.0.${o.tagged ? 10 : 0}.12/24${vlan} } } }
  pc: { kind: host, interfaces: { eth0: { address: 10.0.${o.tagged ? 10 : 0}.100/24 } } }
  sw: { kind: switch${o.tagged ? ', vlan-aware: true' : ''}${o.hairpin ? ', hairpin: [p1]' : ''} }
links:
  - { endpoints: [hv:eth0, sw:p1]${o.tagged ? ', trunk: [10], native: 1' : ''} }
  - { endpoints: [pc:eth0, sw:p2]${o.tagged ? ', vlan: 10' : ''} }
`);
}

/** l2 adjacency in the design: v1->v2, v1->hv, hv->v1, v1->pc. */
function designL2(d: Design): string {
  const r = reachability(designModel(d));
  const at = (a: string, b: string) => (pair(r, `iface:${a}/eth0`, `iface:${b}/eth0`).l2 ? 'y' : 'n');
  return `${at('v1', 'v2')}${at('v1', 'hv')}${at('hv', 'v1')}${at('v1', 'pc')}`;
}

describe('the design follows how the real server attaches its VMs', () => {
  it.each([
    // attach, hairpin upstream, nic: VM-VM, VM->server, server->VM, VM->outside
    ['bridge', false, '', 'yyyy'],
    ['ovs', true, '', 'yyyy'],
    ['macvtap-bridge', false, '', 'ynny'],
    ['macvtap-bridge', true, '', 'yyyy'],
    ['macvtap-vepa', false, '', 'nnny'],
    ['macvtap-vepa', true, '', 'yyyy'],
    ['macvtap-private', false, '', 'nnny'],
    ['macvtap-private', true, '', 'nnyy'],
    ['sriov-vf', false, 'sriov-vfs: 2', 'yyyy'],
    ['sriov-vf', false, 'sriov-vfs: 2, sriov-mode: vepa', 'nnny'],
    ['sriov-vf', true, 'sriov-vfs: 2, sriov-mode: vepa', 'yyyy'],
    ['macvtap-passthru', false, 'sriov-vfs: 2', 'yyyy'],
  ])('%s, hairpin %s, %s', (attach, hairpin, nic, want) => {
    expect(designL2(small(attach, { hairpin, nic }))).toBe(want);
  });
  it('a private VM reaches its server only after the server spoke first (hairpin): order-dependent, as in the twin', () => {
    const r = reachability(designModel(small('macvtap-private', { hairpin: true })));
    expect(pair(r, 'iface:hv/eth0', 'iface:v1/eth0').unstable).toMatch(/macvtap private VM on hv\/eth0 reaches its server only after the server spoke first/);
  });
  it('expect lists who hears whom inside a domain', () => {
    const text = predict(load(hv)).text;
    expect(text).toContain('      a1 a2: macvtap private on kvm-priv/eth0: hear neither each other nor kvm-priv\n');
    expect(text).toContain('      b3: macvtap private on kvm-bridge/eth0: hears neither the other VMs on it nor kvm-bridge\n');
    expect(text).toContain('      c1 c2: macvtap vepa on kvm-vepa/eth0: hear each other and kvm-vepa through the hairpin port\n');
  });
});

describe('every strategy reproduces the attachment, or says where it cannot', () => {
  const d = load(hv);
  const kinds = (p: Plan, vm: string) => p.objects.filter((o) => o.realizes.includes(`iface:${vm}/eth0`) && (o.kind === 'macvlan' || o.kind === 'veth')).map((o) => (o.kind === 'macvlan' ? `macvlan ${o.mode}` : 'veth'));
  it('faithful and ovs: macvlan children in the real modes, a bridge for the VFs, hairpin kept for VEPA', () => {
    for (const strategy of ['faithful', 'ovs'] as const) {
      const p = compile(d, { strategy, capabilities: minimal });
      expect([kinds(p, 'a1'), kinds(p, 'b1'), kinds(p, 'b3'), kinds(p, 'c1'), kinds(p, 'd1')]).toEqual([['macvlan private'], ['macvlan bridge'], ['macvlan private'], ['macvlan vepa'], ['veth']]);
      const port = strategy === 'ovs' ? p.objects.find((o) => o.kind === 'ovs-port' && o.realizes.includes('port:access-sw/p3')) : p.objects.find((o) => o.kind === 'bridge-port' && o.realizes.includes('port:access-sw/p3'));
      expect(port).toMatchObject({ hairpin: true });
      expect(p.deviations.map((x) => x.code)).toEqual(['sriov-vf-emulated']);
      expect(compare(d, p).differences).toEqual([]);
    }
  });
  it('compact: a stand-in for each macvtap NIC on the domain bridge, hairpin on the one facing VEPA', () => {
    const p = compile(d, { strategy: 'compact', capabilities: minimal });
    const stand = p.objects.filter((o) => o.kind === 'veth' && o.a.namespace?.endsWith('-kvm-vepa'));
    expect(stand).toHaveLength(1);
    const port = stand[0]!.kind === 'veth' ? stand[0]!.b.name : '';
    expect(p.objects.find((o) => o.kind === 'bridge-port' && o.dev === port)).toMatchObject({ hairpin: true });
    expect(p.objects.find((o) => o.kind === 'macvlan' && o.realizes.includes('iface:c1/eth0'))).toMatchObject({ mode: 'vepa', parent: { namespace: 'vn-hypervisors-kvm-vepa', name: 'eth0' } });
    expect(p.endpoints.find((e) => e.ref === 'iface:kvm-vepa/eth0')).toMatchObject({ namespace: 'vn-hypervisors-kvm-vepa', dev: 'eth0' });
    expect(compare(d, p).differences).toEqual([]);
  });
  it("macvtap: the real server's mode unless the command line or mapping.servers says otherwise, which is a deviation", () => {
    const p = compile(d, { strategy: 'macvtap', capabilities: full });
    expect(kinds(p, 'a1')).toEqual(['macvlan private']);
    expect(p.deviations.map((x) => x.code)).toEqual(['sriov-vf-emulated']);
    const q = compile(d, { strategy: 'macvtap', capabilities: full, macvlanMode: 'bridge' });
    const dev = q.deviations.find((x) => x.code === 'macvtap-mode-differs' && x.realizes.includes('node:kvm-priv'));
    expect(dev?.affects).toEqual([{ from: 'iface:a1/eth0', to: 'iface:a2/eth0', l2: true, reach: true }]);
    expect(compare(d, q).bugs).toEqual([]);
    // The design-wide default does not override what the real server does.
    const r = compile(load(hv.replace('links:', 'mapping: { macvlan-mode: vepa }\nlinks:')), { strategy: 'macvtap', capabilities: full });
    expect(kinds(r, 'a1')).toEqual(['macvlan private']);
  });
  it('tagged macvtap VMs without 8021q devices sit on the switch, and every pair that changes is listed', () => {
    const t = small('macvtap-private', { tagged: true });
    const p = compile(t, { strategy: 'faithful', capabilities: minimal });
    expect(p.objects.some((o) => o.kind === 'macvlan')).toBe(false);
    const dev = p.deviations.find((x) => x.code === 'attach-emulated');
    expect(dev?.message).toMatch(/8021q devices/);
    expect(dev?.affects).toEqual([{ from: 'iface:v1/eth0', to: 'iface:v2/eth0', l2: true, reach: true }]);
    expect(compare(t, p).bugs).toEqual([]);
    expect(compile(t, { strategy: 'faithful', capabilities: full }).objects.filter((o) => o.kind === 'macvlan').map((o) => o.kind === 'macvlan' && `${o.parent.name} ${o.mode}`)).toEqual(['eth0.10 private', 'eth0.10 private']);
  });
  it('a server that switches with OVS gets OVS where the capabilities have it, a bridge otherwise', () => {
    const o = small('ovs');
    expect(compile(o, { strategy: 'faithful', capabilities: full }).objects.some((x) => x.kind === 'ovs-bridge')).toBe(true);
    const nb = compile(o, { strategy: 'faithful', capabilities: PRESETS['no-ovs']! });
    expect(nb.objects.some((x) => x.kind === 'ovs-bridge')).toBe(false);
    expect(nb.choices.find((c) => c.feature === 'vm-switch hv')?.chosen).toBe('linux bridge');
  });
});

describe('"Deviations: none" only when it is true', () => {
  const d = small('macvtap-private');
  it('says none when the comparison finds nothing', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: full });
    expect(p.deviations).toEqual([]);
    expect(explainPlan(p, d)).toContain('Deviations: none; compared with the design, every broadcast domain, round trip and port forward is the same.');
  });
  it('reports a twin that differs with no deviation as mapping bugs, never as none', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: full });
    for (const o of p.objects) if (o.kind === 'macvlan') o.mode = 'bridge'; // a compiler bug, say
    const text = explainPlan(p, d);
    expect(text).not.toContain('Deviations: none;');
    expect(text).toContain('Deviations: none declared.');
    expect(text).toMatch(/- MAPPING BUG: iface:v1\/eth0 -> iface:v2\/eth0: same broadcast domain: design no, twin yes/);
  });
  it('without the design it does not claim anything', () => {
    expect(explainPlan(compile(d, { strategy: 'faithful', capabilities: full }))).toContain('Deviations: none declared (not compared with the design).');
  });
});

describe('plan, draw, expect and trace assume what up assumes', () => {
  it('probe this machine by default, like up', () => {
    const program = buildProgram();
    for (const name of ['plan', 'draw', 'expect', 'trace']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd.options.find((o) => o.long === '--capabilities')?.defaultValue, name).toBe('probe');
    }
  });
  it('the capabilities are named, with what they mean, in every heading', () => {
    expect(describeCapabilities(minimal)).toBe('minimal (a slim kernel like our CI machines: no 8021q, no vlan_filtering, OVS netdev, macvlan, macvtap, vxlan, nftables)');
    expect(describeCapabilities({ ...full, source: 'probe', ovs: false })).toMatch(/^probe \(this machine, as probed: 8021q, vlan_filtering, no OVS/);
  });
});
