// A server that hosts VMs, as in seed figures B_V0/B_V1: its NIC is the cable end, and a
// virtual switch inside the server joins the VMs to it. Plain bridge when VLANs play no part
// (the server's own address moves to the bridge, as on a real host); per-VLAN bridges on
// 8021q devices (B_V1), a vlan_filtering bridge, or Open vSwitch when tagged VMs must be kept
// apart, whichever the kernel has, in that order.
import { UserError } from '../errors.js';
import type { ServerNode } from '../model/types.js';
import type { PlanBuilder } from './builder.js';
import type { Ctx, VmIface } from './context.js';
import { pushTo } from '../collections.js';
import { ifaceLook, vmVlan } from './context.js';
import { ifaceRef, nodeRef } from './refs.js';
import type { Place } from './routing.js';
import type { Placements } from './switches.js';
import { attachVmIface } from './vm-ports.js';
import { onVSwitch } from './attach.js';
import { vmAttach } from '../model/attach.js';
import { requireOvs } from './vlan-switch.js';
import { unplugged } from './unplugged.js';
import { IFNAME_MAX } from '../model/limits.js';

type VSwitch = 'none' | 'bridge' | '8021q' | 'filtering' | 'ovs';

function chooseVSwitch(ctx: Ctx, s: ServerNode, vms: VmIface[], forceOvs: boolean): VSwitch {
  if (vms.length === 0) return 'none';
  if (forceOvs) {
    requireOvs(ctx, 'the ovs strategy');
    return 'ovs';
  }
  if (!vms.some((v) => vmVlan(s, v) !== undefined)) return 'bridge';
  const { caps, b } = ctx;
  if (caps.vlanDevices) {
    b.choose('server-vlans', '8021q devices + one bridge per VLAN', 'the kernel has 8021q VLAN devices: each VLAN of a server NIC gets its own bridge, as in seed figure B_V1.');
    return '8021q';
  }
  if (caps.bridgeVlanFiltering) {
    b.choose('server-vlans', 'bridge vlan_filtering', 'the kernel lacks 8021q devices but has bridge VLAN filtering: one filtering bridge per server NIC, VMs on access ports.');
    return 'filtering';
  }
  if (caps.ovs) {
    requireOvs(ctx, `server ${s.name}'s VLAN separation`);
    b.choose('server-vlans', `openvswitch (${caps.ovsDatapath} datapath)`, 'the kernel has neither 8021q devices nor bridge VLAN filtering: each server NIC with tagged VMs becomes an OVS trunk port, the VMs access ports.');
    return 'ovs';
  }
  throw new UserError(
    `server ${s.name} keeps its VMs apart by VLAN, but the capabilities (${caps.source}) have neither 8021q devices, bridge vlan_filtering nor Open vSwitch; plan with --capabilities full for a kernel that has them, set "vlan-aware: false" on the server, or use --strategy compact.`,
  );
}

/**
 * A real server that switches its VMs with Open vSwitch gets one in the twin too, where the
 * capabilities have it; otherwise a Linux bridge forwards the same frames to the same ports.
 */
function realOvs(ctx: Ctx, s: ServerNode, vms: VmIface[]): boolean {
  if (!vms.some((v) => vmAttach(s, v.iface) === 'ovs')) return false;
  if (ctx.caps.ovs) ctx.b.choose(`vm-switch ${s.name}`, `openvswitch (${ctx.caps.ovsDatapath} datapath)`, `${s.name} switches its VMs with Open vSwitch, and the capabilities have it.`);
  else ctx.b.choose(`vm-switch ${s.name}`, 'linux bridge', `${s.name} switches its VMs with Open vSwitch, which the capabilities (${ctx.caps.source}) lack; a Linux bridge forwards the same frames to the same ports.`);
  return ctx.caps.ovs;
}

/** The 8021q device name for a NIC and VLAN, e.g. eth0.10, shortened to fit IFNAMSIZ. */
export const vlanDevName = (nic: string, vid: number): string => `${nic.slice(0, IFNAME_MAX - String(vid).length - 1)}.${vid}`;

/**
 * vlanDevName, claimed in ns; when shortening made it a name already taken there (NICs
 * enp129s0f0np0 and enp129s0f0np1 both give enp129s0f0n.100), the NIC part ends in a counter.
 */
export function claimVlanDev(b: PlanBuilder, ns: string, nic: string, vid: number): string {
  let name = vlanDevName(nic, vid);
  for (let n = 1; b.has(ns, name); n++) {
    const tail = `${n}.${vid}`;
    name = `${nic.slice(0, IFNAME_MAX - tail.length)}${tail}`;
  }
  return b.claim(ns, name);
}

/**
 * Realise a server and its VM ports. Returns where each NIC's address lives (the NIC itself,
 * or the bridge that took it over). Strategy 'macvtap' leaves the NIC bare: macvtap.ts hangs
 * the VMs off it.
 */
export function realizeServer(ctx: Ctx, s: ServerNode, mode: 'faithful' | 'ovs' | 'macvtap', place: Placements): Map<string, Place> {
  const { b } = ctx;
  const ns = ctx.ns(s.name);
  b.add({ kind: 'netns', name: ns, node: s.name, role: 'server', realizes: [nodeRef(s.name)] });
  for (const i of s.interfaces) b.claim(ns, i.name);
  const vms = onVSwitch(ctx, s.name);
  const kind = chooseVSwitch(ctx, s, vms, mode === 'ovs' || realOvs(ctx, s, vms));
  const byNic = new Map<string, VmIface[]>();
  for (const v of vms) pushTo(byNic, v.nic, v);
  const single = byNic.size <= 1;
  const addrAt = new Map<string, Place>();

  s.interfaces.forEach((nic, k) => {
    const cable = ctx.cables.get(`${s.name}/${nic.name}`);
    const look = ifaceLook(nic, cable?.link.mtu);
    const ref = ifaceRef(s.name, nic.name);
    const onNic = byNic.get(nic.name) ?? [];
    const plainNic = (master?: string) => {
      if (cable) place.set(`${s.name}/${nic.name}`, { namespace: ns, name: nic.name, ...look, ...(master ? { master } : {}) });
      // An uncabled NIC still exists (its address, 8021q devices and bridge membership with it).
      else unplugged(ctx, ns, nic, ref, `server ${s.name}`, master);
    };
    const bridge = (name: string, realizes: string[], filtering = false) => {
      b.add({ kind: 'bridge', namespace: ns, name: b.claim(ns, name), stp: false, ...(filtering ? { vlanFiltering: true, defaultPvid: 0 } : {}), realizes });
      return name;
    };
    if (kind === 'none' || onNic.length === 0) {
      plainNic();
      addrAt.set(nic.name, { namespace: ns, dev: nic.name });
      return;
    }
    if (kind === 'bridge') {
      const br = bridge(single ? 'br0' : `br${k}`, [nodeRef(s.name), ref]);
      plainNic(br);
      addrAt.set(nic.name, { namespace: ns, dev: br });
      for (const v of onNic) attachVmIface(ctx, v, { namespace: ns, master: br });
      return;
    }
    if (kind === '8021q') {
      const untagged = onNic.filter((v) => vmVlan(s, v) === undefined);
      if (untagged.length) {
        const br = bridge(single ? 'br0' : `br${k}`, [nodeRef(s.name), ref]);
        plainNic(br);
        addrAt.set(nic.name, { namespace: ns, dev: br });
        for (const v of untagged) attachVmIface(ctx, v, { namespace: ns, master: br });
      } else {
        plainNic();
        addrAt.set(nic.name, { namespace: ns, dev: nic.name });
      }
      for (const vid of [...new Set(onNic.map((v) => vmVlan(s, v)).filter((x) => x !== undefined))]) {
        const br = bridge(single ? `br${vid}` : `br${k}-${vid}`, [nodeRef(s.name), ref]);
        b.add({ kind: 'vlan', namespace: ns, name: claimVlanDev(b, ns, nic.name, vid), parent: nic.name, vid, master: br, realizes: [ref] });
        for (const v of onNic) if (vmVlan(s, v) === vid) attachVmIface(ctx, v, { namespace: ns, master: br });
      }
      return;
    }
    if (kind === 'filtering') {
      const br = bridge(single ? 'br0' : `br${k}`, [nodeRef(s.name), ref], true);
      const tagged = [...new Set(onNic.map((v) => vmVlan(s, v)).filter((x): x is number => x !== undefined))].sort((x, y) => x - y);
      // Untagged frames need a VLAN inside a filtering bridge: the lowest id the VMs do not use.
      let u = 1;
      while (tagged.includes(u)) u++;
      const pvid = (vid: number) => ({ vid, pvid: true, untagged: true });
      plainNic(br);
      b.add({ kind: 'bridge-port', namespace: ns, dev: nic.name, vlans: [pvid(u), ...tagged.map((vid) => ({ vid }))], realizes: [ref] });
      addrAt.set(nic.name, { namespace: ns, dev: br });
      if (nic.addresses.length) b.add({ kind: 'bridge-port', namespace: ns, dev: br, self: true, vlans: [pvid(u)], realizes: [ref] });
      for (const v of onNic) {
        const dev = attachVmIface(ctx, v, { namespace: ns, master: br });
        b.add({ kind: 'bridge-port', namespace: ns, dev, vlans: [pvid(vmVlan(s, v) ?? u)], realizes: [ifaceRef(v.vm.name, v.iface.name)] });
      }
      return;
    }
    // Open vSwitch: the NIC becomes a root-namespace port carrying every VLAN (a trunk).
    const obr = b.rootName();
    const txOff = ctx.caps.ovsDatapath === 'netdev' ? { txOff: true } : {};
    b.add({ kind: 'ovs-bridge', name: obr, datapath: ctx.caps.ovsDatapath, stp: false, realizes: [nodeRef(s.name), ref] });
    if (cable) {
      const name = b.rootName();
      place.set(`${s.name}/${nic.name}`, { namespace: null, name, ovsBridge: obr, ...txOff, ...look });
      b.add({ kind: 'ovs-port', bridge: obr, name, realizes: [ref] });
    }
    if (nic.addresses.length) {
      // The server's own address needs a leg in its namespace: a veth to an untagged port.
      const name = b.rootName();
      b.add({ kind: 'veth', a: { namespace: ns, name: nic.name, ...txOff, ...(nic.mac ? { mac: nic.mac } : {}) }, b: { namespace: null, name, ovsBridge: obr, ...txOff }, realizes: [ref] });
      b.add({ kind: 'ovs-port', bridge: obr, name, realizes: [ref] });
      addrAt.set(nic.name, { namespace: ns, dev: nic.name });
    }
    for (const v of onNic) {
      const tag = vmVlan(s, v);
      attachVmIface(ctx, v, { namespace: null, ovsBridge: obr, ...(tag !== undefined ? { tag } : {}) });
    }
  });
  return addrAt;
}
