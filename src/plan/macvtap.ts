// Strategy macvtap (seed figures A_M0, B_M0-B_M3): the rest of the network as faithful, but
// each VM interface is a macvlan/macvtap child of its server's NIC (or of an 8021q device
// <nic>.<vid> for a tagged VM, figure B_M1). The mode decides what the VMs can reach, and
// where that differs from the design the plan says so, pair by pair (MACHINE.md, measured):
//   bridge   - siblings talk directly; a child cannot reach its parent (the server);
//   vepa     - everything goes out to the switch: siblings and server only if that port hairpins;
//   private  - siblings never, the server never;
//   passthru - one child per NIC; more need SR-IOV VFs, which the twin emulates.
import { UserError } from '../errors.js';
import type { MacvlanMode } from '../model/limits.js';
import type { ServerNode } from '../model/types.js';
import type { Ctx, VmIface } from './context.js';
import { pushTo } from '../collections.js';
import { peerOf, vmVlan } from './context.js';
import { compileFaithful } from './faithful.js';
import { ifaceRef, nodeRef } from './refs.js';
import { claimVlanDev, vlanDevName } from './servers.js';
import { vmMac } from './vm-ports.js';
import type { Deviation, MacvlanObj } from './types.js';

export function compileMacvtap(ctx: Ctx): void {
  const servers = ctx.design.nodes.filter((n): n is ServerNode => n.kind === 'server' && (ctx.vmIfaces.get(n.name)?.length ?? 0) > 0);
  if (!ctx.design.nodes.some((n) => n.kind === 'vm'))
    throw new UserError('macvtap maps VMs onto their server\'s NIC; this design has no vm nodes — use faithful or compact.');
  if (!ctx.caps.macvlan || (ctx.vms === 'qemu' && !ctx.caps.macvtap))
    throw new UserError(`the macvtap strategy needs ${ctx.vms === 'qemu' ? 'macvtap' : 'macvlan'} devices, which the capabilities (${ctx.caps.source}) lack; use faithful or compact.`);
  compileFaithful(ctx, 'macvtap');
  for (const s of servers) realizeChildren(ctx, s);
}

function realizeChildren(ctx: Ctx, s: ServerNode): void {
  const { b, design } = ctx;
  const ns = ctx.ns(s.name);
  const mode: MacvlanMode = ctx.macvlanMode ?? design.mapping.servers[s.name]?.macvlanMode ?? design.mapping.macvlanMode;
  const byNic = new Map<string, VmIface[]>();
  for (const v of ctx.vmIfaces.get(s.name) ?? []) pushTo(byNic, v.nic, v);

  for (const [nicName, vms] of byNic) {
    const nic = s.interfaces.find((i) => i.name === nicName)!;
    const cable = ctx.cables.get(`${s.name}/${nicName}`);
    if (!cable)
      throw new UserError(`macvtap: server ${s.name}'s NIC ${nicName} has no cable, but macvlan children need their parent device; cable it, or use faithful or compact.`);
    // Tagged VMs hang off an 8021q device <nic>.<vid> (seed B_M1); each device is a parent of its own.
    const parents = new Map<string, VmIface[]>();
    const vlanDev = new Map<number, string>();
    for (const v of vms) {
      const vid = vmVlan(s, v);
      let parent = nicName;
      if (vid !== undefined) {
        if (!ctx.caps.vlanDevices)
          throw new UserError(
            `macvtap: VM ${v.vm.name} is in VLAN ${vid} on server ${s.name}, which needs an 8021q device ${vlanDevName(nicName, vid)} as its macvlan parent, but the capabilities (${ctx.caps.source}) lack 8021q VLAN devices; plan with --capabilities full for a kernel that has them, or use --strategy faithful.`,
          );
        parent = vlanDev.get(vid) ?? claimVlanDev(b, ns, nicName, vid);
        if (!vlanDev.has(vid)) b.add({ kind: 'vlan', namespace: ns, name: parent, parent: nicName, vid, realizes: [ifaceRef(s.name, nicName)] });
        vlanDev.set(vid, parent);
      }
      pushTo(parents, parent, v);
    }
    const vfs = nic.sriovVfs ?? 0;
    const crowded = [...parents].reduce((x, y) => (y[1].length > x[1].length ? y : x));
    if (mode === 'passthru' && crowded[1].length > 1 + vfs)
      throw new UserError(
        `macvtap passthru hands a whole device to one VM interface, but ${crowded[0]} on server ${s.name} carries ${crowded[1].length} (${crowded[1].map((v) => `${v.vm.name}/${v.iface.name}`).join(', ')}) and NIC ${nicName} offers ${vfs} SR-IOV VFs; set "sriov-vfs: ${crowded[1].length - 1}" on the NIC, choose another --macvlan-mode, or spread the VMs over more NICs.`,
      );
    // SR-IOV VFs sit on the NIC's embedded switch, which forwards between them like a bridge-mode macvlan.
    const emulated = mode === 'passthru' && crowded[1].length > 1;
    const childMode: MacvlanMode = emulated ? 'bridge' : mode;
    const upstream = peerOf(cable);
    const un = ctx.byName.get(upstream.node);
    const hairpin = un?.kind === 'switch' && (un.hairpin === 'all' || un.hairpin.includes(upstream.port));
    b.choose(`macvtap ${s.name}/${nicName}`, emulated ? `bridge (emulating SR-IOV VFs: ${vfs} offered)` : mode, modeWhy(s, mode, hairpin, upstream));

    for (const [parent, list] of parents)
      for (const v of list) {
        const ref = ifaceRef(v.vm.name, v.iface.name);
        const child: MacvlanObj = { kind: 'macvlan', namespace: ns, name: '', parent: { namespace: ns, name: parent }, mode: childMode, tap: ctx.vms === 'qemu', realizes: [ref] };
        if (ctx.vms === 'qemu') {
          child.name = b.fresh(ns, 'macvtap');
          child.mac = vmMac(design.name, v);
          // The launcher opens /dev/tap<ifindex> of this macvtap as file descriptor 3 for QEMU.
          const id = `net-${v.iface.name}`;
          child.qemuArgs = ['-netdev', `tap,id=${id},fd=3`, '-device', `virtio-net-pci,netdev=${id},mac=${child.mac}`];
        } else {
          const vmNs = ctx.ns(v.vm.name);
          child.namespace = vmNs;
          child.name = b.claim(vmNs, v.iface.name);
          if (v.iface.mac) child.mac = v.iface.mac;
        }
        b.add(child);
      }
    deviations(ctx, s, nicName, childMode, emulated ? vfs : undefined, hairpin, parents, upstream.node, upstream.port);
  }
}

function modeWhy(s: ServerNode, mode: MacvlanMode, hairpin: boolean, up: { node: string; port: string }): string {
  const src = `mode ${mode} for server ${s.name}`;
  if (mode === 'vepa') return `${src}; upstream port ${up.node}:${up.port} ${hairpin ? 'has hairpin on, so VM traffic is reflected back' : 'has no hairpin, so VMs on this NIC cannot reach each other'}.`;
  return `${src}, from the command line or the design's mapping.`;
}

function deviations(ctx: Ctx, s: ServerNode, nic: string, mode: MacvlanMode, vfs: number | undefined, hairpin: boolean, parents: Map<string, VmIface[]>, upNode: string, upPort: string): void {
  const nicIface = s.interfaces.find((i) => i.name === nic)!;
  const server = nicIface.addresses.length ? ifaceRef(s.name, nic) : undefined;
  const refOf = (v: VmIface) => ifaceRef(v.vm.name, v.iface.name);
  // Children directly on the NIC share a macvlan port with the server's own address.
  const onNic = parents.get(nic) ?? [];
  const toServer = server ? onNic.map((v) => ({ from: refOf(v), to: server, l2: false, reach: false })) : [];
  const siblings: NonNullable<Deviation['affects']> = [];
  for (const group of parents.values())
    for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) siblings.push({ from: refOf(group[i]!), to: refOf(group[j]!), l2: false, reach: false });
  const base = [nodeRef(s.name), ifaceRef(s.name, nic), ...[...parents.values()].flat().map(refOf)];
  const dev = (code: string, message: string, affects: NonNullable<Deviation['affects']>) => affects.length && ctx.b.deviate({ code, message, realizes: base, affects });

  if (vfs !== undefined)
    ctx.b.deviate({
      code: 'sriov-vf-emulated',
      message: `macvtap passthru: server ${s.name}'s NIC ${nic} offers ${vfs} SR-IOV VFs; each VF is emulated by a bridge-mode macvlan child (the NIC's embedded switch)${server ? ', which unlike a real VF cannot reach the server itself' : ''}.`,
      realizes: base,
      ...(toServer.length ? { affects: toServer } : {}),
    });
  else if (mode === 'bridge' && !hairpin) dev('macvtap-bridge-no-host', `macvtap bridge: VMs on ${s.name}'s NIC ${nic} cannot reach their own server (${server}).`, toServer);
  else if (mode === 'vepa' && !hairpin)
    dev('macvtap-vepa-no-hairpin', `macvtap vepa: ${upNode}:${upPort} does not hairpin, so VMs on ${s.name}'s NIC ${nic} cannot reach each other${server ? ' or the server' : ''}.`, [...siblings, ...toServer]);
  else if (mode === 'private') dev('macvtap-private-isolation', `macvtap private: VMs on ${s.name}'s NIC ${nic} are isolated from each other${server ? ' and from the server' : ''}.`, [...siblings, ...toServer]);
  else if (mode === 'passthru' && server)
    dev('macvtap-passthru-host-offline', `macvtap passthru: server ${s.name}'s NIC ${nic} is handed to one VM, so the server's own address on it is unusable.`, toServer);
}
