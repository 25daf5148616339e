// How a real server attaches each of its VMs' interfaces: the interface's own `attach`, else the
// server's (default: a Linux bridge). Several ways behave alike, so later stages reason about
// the port kind, not the word the author wrote:
//   switch   - a software switch on the NIC (Linux bridge, Open vSwitch): everyone hears everyone;
//   bridge | vepa | private | passthru - a macvtap child of the NIC in that mode;
//   veb      - an SR-IOV virtual function behind the NIC's embedded switch in VEB mode, which
//              switches between VFs and the NIC itself like a bridge (a VF behind an embedded
//              switch in VEPA mode behaves like a macvtap vepa child: kind vepa).
// macvtap passthru on a NIC that offers VFs gives each VM a VF of its own (seed figure B_M3).
import type { AttachMode, MacvlanMode } from './limits.js';
import type { Iface, ServerNode } from './types.js';

export type PortKind = 'switch' | MacvlanMode | 'veb';

/**
 * What may share one NIC in Linux: a NIC is a port of one software switch, or the parent of
 * macvtap children (any mix of bridge, vepa and private), or the one device a passthru child
 * takes whole, or the physical function of VFs.
 */
export type AttachFamily = 'bridge' | 'ovs' | 'macvtap' | 'passthru' | 'vf';

export const vmAttach = (server: ServerNode, iface: Iface): AttachMode => iface.attach ?? server.attach;

/** The server NIC a VM interface hangs off: its uplink, else the server's first NIC. */
export const vmNicName = (server: ServerNode, iface: Iface): string | undefined => iface.uplink ?? server.interfaces[0]?.name;

const offersVfs = (nic: Iface | undefined): boolean => (nic?.sriovVfs ?? 0) > 0;

/** Whether the attachment takes one of the NIC's SR-IOV virtual functions. */
export const usesVf = (a: AttachMode, nic: Iface | undefined): boolean => a === 'sriov-vf' || (a === 'macvtap-passthru' && offersVfs(nic));

export function attachFamily(a: AttachMode, nic: Iface | undefined): AttachFamily {
  if (a === 'bridge' || a === 'ovs') return a;
  if (usesVf(a, nic)) return 'vf';
  return a === 'macvtap-passthru' ? 'passthru' : 'macvtap';
}

export function portKind(a: AttachMode, nic: Iface | undefined): PortKind {
  if (a === 'bridge' || a === 'ovs') return 'switch';
  if (usesVf(a, nic)) return nic?.sriovMode === 'vepa' ? 'vepa' : 'veb';
  return a.slice('macvtap-'.length) as MacvlanMode;
}

/** "macvtap private", "an SR-IOV VF (embedded switch in VEPA mode)", "a Linux bridge". */
export function attachText(a: AttachMode, nic: Iface | undefined): string {
  if (a === 'bridge') return 'a Linux bridge';
  if (a === 'ovs') return 'Open vSwitch';
  const vf = `an SR-IOV VF (embedded switch in ${nic?.sriovMode === 'vepa' ? 'VEPA' : 'VEB'} mode)`;
  if (a === 'sriov-vf') return vf;
  return usesVf(a, nic) ? `macvtap passthru on ${vf}` : a.replace('-', ' ');
}
