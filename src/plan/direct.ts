// VMs attached directly to their server's NIC (attach.ts decided which): each VM interface is
// a macvlan child of the NIC, or of an 8021q device <nic>.<vid> for a tagged VM (seed B_M1),
// in the VM's namespace (--vms netns), or a macvtap in the server's namespace for QEMU
// (--vms qemu). The compact strategy hangs them off a stand-in for the NIC (compact.ts).
import { UserError } from '../errors.js';
import { pushTo } from '../collections.js';
import type { MacvlanMode } from '../model/limits.js';
import type { NicAttach, VmPort } from './attach.js';
import type { Ctx, VmIface } from './context.js';
import { vmVlan } from './context.js';
import { ifaceRef } from './refs.js';
import { claimVlanDev, vlanDevName } from './servers.js';
import { vmMac } from './vm-ports.js';
import type { MacvlanObj, Netns } from './types.js';

/** Children on the NIC itself or its 8021q devices; `strategy` names the caller in messages. */
export function realizeDirect(ctx: Ctx, a: NicAttach, strategy: string): void {
  const { b } = ctx;
  const s = a.server;
  const ns = ctx.ns(s.name);
  const nicName = a.nic.name;
  if (!a.cable)
    throw new UserError(`${strategy}: server ${s.name}'s NIC ${nicName} has no cable, but macvlan children need their parent device; cable it, or use faithful or compact.`);
  const parents = new Map<string, VmPort[]>();
  const byVid = new Map<number, string>();
  for (const p of a.ports) {
    const vid = vmVlan(s, p.v);
    let parent = nicName;
    if (vid !== undefined) {
      if (!ctx.caps.vlanDevices)
        throw new UserError(
          `${strategy}: VM ${p.v.vm.name} is in VLAN ${vid} on server ${s.name}, which needs an 8021q device ${vlanDevName(nicName, vid)} as its macvlan parent, but the capabilities (${ctx.caps.source}) lack 8021q VLAN devices; plan with --capabilities full for a kernel that has them, or use --strategy faithful.`,
        );
      // Two NICs whose names differ only past 15 characters must not share a device name.
      const known = byVid.get(vid);
      parent = known ?? claimVlanDev(b, ns, nicName, vid);
      if (!known) {
        byVid.set(vid, parent);
        b.add({ kind: 'vlan', namespace: ns, name: parent, parent: nicName, vid, realizes: [ifaceRef(s.name, nicName)] });
      }
    }
    pushTo(parents, parent, p);
  }
  emulateVfs(a, parents);
  for (const [parent, list] of parents) for (const p of list) addChild(ctx, p.v, { namespace: ns, name: parent }, p.twin as MacvlanMode);
}

/**
 * Passthru hands a whole device to one child. More children on one parent need SR-IOV VFs, which
 * sit on the NIC's embedded switch and forward between them like bridge-mode children (B_M3).
 */
function emulateVfs(a: NicAttach, parents: Map<string, VmPort[]>): void {
  const crowded = [...parents].reduce((x, y) => (y[1].length > x[1].length ? y : x));
  if (!crowded[1].some((p) => p.twin === 'passthru') || crowded[1].length < 2) return;
  const vfs = a.nic.sriovVfs ?? 0;
  if (crowded[1].length > 1 + vfs)
    throw new UserError(
      `macvtap passthru hands a whole device to one VM interface, but ${crowded[0]} on server ${a.server.name} carries ${crowded[1].length} (${crowded[1].map((p) => `${p.v.vm.name}/${p.v.iface.name}`).join(', ')}) and NIC ${a.nic.name} offers ${vfs} SR-IOV VFs; set "sriov-vfs: ${crowded[1].length - 1}" on the NIC, choose another --macvlan-mode, or spread the VMs over more NICs.`,
    );
  a.emulatedVfs = vfs;
  for (const p of a.ports) p.twin = 'bridge';
}

/** One macvlan (netns VM) or macvtap (QEMU guest) child of a parent device. */
export function addChild(ctx: Ctx, v: VmIface, parent: { namespace: Netns; name: string }, mode: MacvlanMode): void {
  const { b, design } = ctx;
  const ref = ifaceRef(v.vm.name, v.iface.name);
  const child: MacvlanObj = { kind: 'macvlan', namespace: parent.namespace, name: '', parent, mode, tap: ctx.vms === 'qemu', realizes: [ref] };
  if (ctx.vms === 'qemu') {
    child.name = b.fresh(parent.namespace, 'macvtap');
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
