// The plan's shape for the seed's figures: object counts the article's drawings show.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadDesignFile } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { Plan, PlanObject } from '../../src/plan/types.js';

const load = (f: string): Design => {
  const r = loadDesignFile(`examples/${f}.yaml`);
  if (!r.design) throw new Error(JSON.stringify(r.errors));
  return r.design;
};
const of = <K extends PlanObject['kind']>(p: Plan, kind: K) => p.objects.filter((o): o is Extract<PlanObject, { kind: K }> => o.kind === kind);

describe('network A (seed figure 3)', () => {
  const d = load('network-a');
  it.each(['full', 'minimal'])('faithful (A_V0) with %s: two bridges joined by one veth between access-sw and agg-sw', (caps) => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS[caps]! });
    const bridges = of(p, 'bridge');
    expect(bridges.map((b) => b.namespace)).toEqual(['vn-network-a-access-sw', 'vn-network-a-agg-sw']);
    const between = of(p, 'veth').filter((v) => v.a.master === 'br0' && v.b.master === 'br0');
    expect(between).toHaveLength(1);
    expect([between[0]!.a.namespace, between[0]!.b.namespace]).toEqual(['vn-network-a-access-sw', 'vn-network-a-agg-sw']);
    expect(of(p, 'veth')).toHaveLength(d.links.length);
    expect(of(p, 'ovs-bridge')).toHaveLength(0);
    expect(of(p, 'netns')).toHaveLength(d.nodes.length);
    expect(p.deviations).toEqual([]);
  });
  it('compact (A_V1, libvirt default): one LAN bridge in the router namespace holding 192.168.1.1/24', () => {
    const p = compile(d, { strategy: 'compact', capabilities: PRESETS.minimal! });
    const bridges = of(p, 'bridge');
    expect(bridges).toHaveLength(1);
    expect(bridges[0]).toMatchObject({ namespace: 'vn-network-a-gw', name: 'lan' });
    expect(of(p, 'address').filter((a) => a.namespace === 'vn-network-a-gw' && a.dev === 'lan').map((a) => a.cidr)).toEqual(['192.168.1.1/24']);
    // Five PCs on the bridge plus the router's WAN cable, which stays a plain veth.
    expect(of(p, 'veth')).toHaveLength(6);
    expect(p.objects.some((o) => o.kind === 'netns' && o.role === 'switch')).toBe(false);
    expect(p.deviations.map((x) => x.code).sort()).toEqual(['router-folded', 'switch-collapsed', 'switch-collapsed']);
    expect(p.deviations.find((x) => x.message.includes('agg-sw'))?.message).toBe('compact: switch agg-sw no longer exists; hosts cannot observe it.');
  });
  it('macvtap refuses a design without VMs and says what to use', () => {
    expect(() => compile(d, { strategy: 'macvtap', capabilities: PRESETS.full! })).toThrow(/no vm nodes — use faithful or compact/);
  });
});

describe('network B (seed figure 6)', () => {
  const d = load('network-b');
  it('faithful on a minimal kernel: VLAN switches become OVS bridges, the dumb switch stays a Linux bridge', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    expect(of(p, 'ovs-bridge').map((b) => b.realizes)).toEqual([['node:sw-right'], ['node:core']]);
    expect(of(p, 'ovs-bridge').every((b) => b.datapath === 'netdev')).toBe(true);
    expect(of(p, 'bridge').map((b) => b.namespace)).toEqual(['vn-network-b-sw-left']);
    expect(of(p, 'vlan')).toHaveLength(0);
    // Every veth that reaches the userspace datapath has offload off on both ends.
    for (const v of of(p, 'veth')) if (v.a.ovsBridge || v.b.ovsBridge) expect([v.a.txOff, v.b.txOff]).toEqual([true, true]);
    const trunk = of(p, 'ovs-port').find((o) => o.realizes.includes('port:sw-right/p9'));
    expect(trunk).toMatchObject({ trunks: [10, 20, 30], vlanMode: 'trunk' });
    // SVIs: a veth from core's namespace to an access port per VLAN.
    expect(of(p, 'ovs-port').filter((o) => o.realizes[0]!.startsWith('svi:')).map((o) => o.tag)).toEqual([10, 20, 30]);
    expect(p.choices.map((c) => c.feature)).toContain('vlan-switching');
  });
  it('faithful on a full kernel: vlan_filtering bridges and 8021q SVIs on core', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
    expect(of(p, 'ovs-bridge')).toHaveLength(0);
    expect(of(p, 'bridge').filter((b) => b.vlanFiltering).map((b) => b.namespace)).toEqual(['vn-network-b-sw-right', 'vn-network-b-core']);
    expect(of(p, 'vlan').map((v) => `${v.namespace}:${v.name}@${v.parent}`)).toEqual(['vn-network-b-core:vlan10@br0', 'vn-network-b-core:vlan20@br0', 'vn-network-b-core:vlan30@br0']);
    expect(of(p, 'bridge-port').find((b) => b.self)?.vlans).toEqual([{ vid: 10 }, { vid: 20 }, { vid: 30 }]);
    expect(of(p, 'bridge-port').find((b) => b.realizes.includes('port:sw-right/p1'))?.vlans).toEqual([{ vid: 10, pvid: true, untagged: true }]);
  });
  it('compact (B_V2): five domains = three VLAN bridges in core + two direct veths', () => {
    const p = compile(d, { strategy: 'compact', capabilities: PRESETS.minimal! });
    expect(of(p, 'bridge').map((b) => `${b.namespace}:${b.name}`)).toEqual(['vn-network-b-core:vlan10', 'vn-network-b-core:vlan20', 'vn-network-b-core:vlan30']);
    expect(of(p, 'veth').filter((v) => !v.b.master).map((v) => v.realizes[0])).toEqual(['domain:4', 'domain:5']);
    expect(p.objects.some((o) => o.kind === 'vlan' || o.kind === 'ovs-bridge' || (o.kind === 'bridge' && o.vlanFiltering))).toBe(false);
    expect(p.deviations.filter((x) => x.code === 'vlan-untagged')).toHaveLength(1);
  });
  it('without vlan_filtering or OVS the VLAN switches cannot be built, and the message says so', () => {
    const none = { ...PRESETS.minimal!, source: 'test-none', ovs: false };
    expect(() => compile(d, { strategy: 'faithful', capabilities: none })).toThrow(UserError);
    expect(() => compile(d, { strategy: 'faithful', capabilities: none })).toThrow(/neither bridge vlan_filtering, Open vSwitch nor 8021q devices/);
    expect(() => compile(d, { strategy: 'ovs', capabilities: PRESETS['no-ovs']! })).toThrow(/needs Open vSwitch/);
    // compact needs no VLAN support at all.
    expect(() => compile(d, { strategy: 'compact', capabilities: none })).not.toThrow();
  });
});

describe('network B on servers (seed figures 7-9, 15-17)', () => {
  const d = load('network-b-servers');
  it('faithful on a full kernel (B_V1): per-VLAN bridges on 8021q devices in each server', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
    const hostA = 'vn-network-b-srv-host-a';
    expect(of(p, 'vlan').filter((v) => v.namespace === hostA).map((v) => `${v.name}->${v.master}`)).toEqual(['eth0.10->br10', 'eth0.20->br20']);
    expect(of(p, 'veth').filter((v) => v.b.namespace === hostA && v.b.name.startsWith('vnet')).map((v) => v.b.master)).toEqual(['br10', 'br20']);
    expect(p.choices.find((c) => c.feature === 'server-vlans')?.chosen).toMatch(/8021q/);
  });
  it('faithful on a minimal kernel: each server NIC is an OVS trunk, VMs access ports', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    const vmPorts = of(p, 'ovs-port').filter((o) => /^iface:pc\d/.test(o.realizes[0]!));
    expect(vmPorts.map((o) => o.tag)).toEqual([10, 20, 30, 10, 20, 30]);
    expect(of(p, 'vlan')).toHaveLength(0);
  });
  it('macvtap (B_M1): VMs are children of <nic>.<vid>; host-c in vepa behind a hairpin port, the others bridge', () => {
    const p = compile(d, { strategy: 'macvtap', capabilities: PRESETS.full! });
    const kids = of(p, 'macvlan');
    expect(kids.map((k) => `${k.parent.name}:${k.mode}`)).toEqual(['eth0.10:bridge', 'eth0.20:bridge', 'eth0.30:bridge', 'eth0.10:vepa', 'eth0.20:vepa', 'eth0.30:vepa']);
    expect(kids.every((k) => k.namespace === `vn-network-b-srv-${k.realizes[0]!.slice(6, 9)}`)).toBe(true);
    expect(p.deviations).toEqual([]);
  });
  it('macvtap without 8021q names the missing capability', () => {
    expect(() => compile(d, { strategy: 'macvtap', capabilities: PRESETS.minimal! })).toThrow(/lack 8021q VLAN devices; plan with --capabilities full for a kernel that has them/);
  });
  it('compact (B_V2): servers merged, one bridge per VLAN in core, VMs on them', () => {
    const p = compile(d, { strategy: 'compact', capabilities: PRESETS.minimal! });
    expect(of(p, 'bridge').map((b) => b.name)).toEqual(['vlan10', 'vlan20', 'vlan30']);
    expect(p.objects.some((o) => o.kind === 'netns' && o.role === 'server')).toBe(false);
    expect(p.deviations.find((x) => x.code === 'server-merged')?.realizes).toEqual(['node:host-a', 'node:host-b', 'node:host-c', 'iface:host-a/eth0', 'iface:host-b/eth0', 'iface:host-c/eth0']);
  });
  it('--vms qemu: TAP devices with QEMU arguments instead of VM namespaces', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.full!, vms: 'qemu' });
    expect(p.objects.some((o) => o.kind === 'netns' && o.role === 'vm')).toBe(false);
    const taps = of(p, 'tap');
    expect(taps).toHaveLength(6);
    expect(taps[0]).toMatchObject({ namespace: 'vn-network-b-srv-host-a', name: 'vnet0', master: 'br10' });
    expect(taps[0]!.qemuArgs).toEqual(['-netdev', 'tap,id=net-eth0,ifname=vnet0,script=no,downscript=no', '-device', `virtio-net-pci,netdev=net-eth0,mac=${taps[0]!.mac}`]);
    expect(taps[0]!.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(p.endpoints.some((e) => e.node.startsWith('pc'))).toBe(false);
  });
});

describe('every example, every strategy', () => {
  for (const f of ['figure-1', 'network-a', 'network-b', 'network-b-servers', 'network-a-vms'])
    it(`${f}: compiling twice gives the same plan, and endpoints name devices the plan creates`, () => {
      const d = load(f);
      for (const strategy of ['faithful', 'compact', 'ovs', 'macvtap'] as const)
        for (const caps of ['full', 'minimal']) {
          let p: Plan;
          try {
            p = compile(d, { strategy, capabilities: PRESETS[caps]! });
          } catch (e) {
            expect(e).toBeInstanceOf(UserError);
            continue;
          }
          expect(compile(d, { strategy, capabilities: PRESETS[caps]! })).toEqual(p);
          const devs = new Set<string>();
          for (const o of p.objects) {
            if (o.kind === 'veth') for (const e of [o.a, o.b]) devs.add(`${e.namespace}|${e.name}`);
            else if (o.kind === 'bridge' || o.kind === 'vlan' || o.kind === 'macvlan' || o.kind === 'tap') devs.add(`${o.namespace}|${o.name}`);
          }
          for (const e of p.endpoints) expect(devs.has(`${e.namespace}|${e.dev}`), `${strategy}/${caps}: ${e.ref} at ${e.namespace}:${e.dev}`).toBe(true);
        }
    });
});

describe('a kernel with bridge vlan_filtering but no 8021q devices', () => {
  const caps = { ...PRESETS.full!, source: 'filtering-only', vlanDevices: false };
  it('servers keep tagged VMs apart on one filtering bridge per NIC; SVIs need OVS', async () => {
    const d = load('network-b-servers');
    const p = compile(d, { strategy: 'faithful', capabilities: caps });
    expect(p.choices.map((c) => `${c.feature}=${c.chosen}`)).toEqual(['vlan-switching=openvswitch (system datapath)', 'server-vlans=bridge vlan_filtering']);
    const hostA = 'vn-network-b-srv-host-a';
    expect(of(p, 'bridge').filter((b) => b.namespace === hostA)).toEqual([
      { kind: 'bridge', namespace: hostA, name: 'br0', stp: false, vlanFiltering: true, defaultPvid: 0, realizes: ['node:host-a', 'iface:host-a/eth0'] },
    ]);
    const ports = of(p, 'bridge-port').filter((b) => b.namespace === hostA);
    // Untagged frames of the NIC live in VLAN 1, which no VM uses; the VMs are access ports.
    expect(ports.map((b) => `${b.dev}:${b.vlans!.map((v) => `${v.vid}${v.pvid ? 'P' : ''}`).join(',')}`)).toEqual(['eth0:1P,10,20', 'vnet0:10P', 'vnet1:20P']);
    const { compare } = await import('../../src/semantics/compare.js');
    expect(compare(d, p).bugs).toEqual([]);
  });
});

describe('hairpin ports that face a server bridge', () => {
  it('faithful leaves hairpin off towards a bridged server (no MAC flapping), macvtap keeps it for VEPA', () => {
    const d = load('network-a-vms');
    const f = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
    expect(of(f, 'bridge-port').some((b) => b.hairpin)).toBe(false);
    expect(f.deviations.map((x) => x.code)).toEqual(['hairpin-off-toward-bridge']);
    const m = compile(d, { strategy: 'macvtap', capabilities: PRESETS.full! });
    expect(of(m, 'bridge-port').filter((b) => b.hairpin).map((b) => b.realizes)).toEqual([['port:access-sw/p1']]);
  });
});

describe('a kernel with 8021q devices only (no vlan_filtering, no OVS)', () => {
  const caps = { ...PRESETS.full!, source: '8021q-only', bridgeVlanFiltering: false, ovs: false };
  it('VLAN switches become one bridge per VLAN with 8021q devices on trunk ports; SVIs are the VLAN bridges', async () => {
    const d = load('network-b');
    const p = compile(d, { strategy: 'faithful', capabilities: caps });
    expect(p.choices.map((c) => c.chosen)).toEqual(['8021q devices + one bridge per VLAN']);
    expect(of(p, 'bridge').map((b) => `${(b.namespace ?? 'root').replace('vn-network-b-', '')}:${b.name}`)).toEqual([
      'sw-left:br0', 'sw-right:br10', 'sw-right:br20', 'sw-right:br30', 'core:vlan10', 'core:vlan20', 'core:vlan30',
    ]);
    expect(of(p, 'vlan').map((v) => `${(v.namespace ?? 'root').replace('vn-network-b-', '')}:${v.name}->${v.master}`)).toEqual([
      'sw-right:p9.10->br10', 'sw-right:p9.20->br20', 'sw-right:p9.30->br30', 'core:p2.10->vlan10', 'core:p2.20->vlan20', 'core:p2.30->vlan30',
    ]);
    expect(p.endpoints.find((e) => e.ref === 'svi:core/10')).toMatchObject({ namespace: 'vn-network-b-core', dev: 'vlan10' });
    const { compare } = await import('../../src/semantics/compare.js');
    expect(compare(d, p).bugs).toEqual([]);
    expect(compare(load('network-b-servers'), compile(load('network-b-servers'), { strategy: 'faithful', capabilities: caps })).bugs).toEqual([]);
  });
});
