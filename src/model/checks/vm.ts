// VMs reach the network only through their server's NIC: a NIC without a cable leaves them
// talking only to VMs on the same NIC, a VM's VLAN must be carried (tagged) by the switch
// port at the other end of that cable, and its frames must fit the NIC's MTU.
import { error, warning, type Finding } from '../problems.js';
import { MTU_DEFAULT } from './interfaces.js';
import type { Design, LinkEnd } from '../types.js';
import { isVlanAware } from '../types.js';

export function checkVms(d: Design): Finding[] {
  const f: Finding[] = [];
  const cabled = new Set(d.links.flatMap((l) => l.ends.map((e) => `${e.node}:${e.port}`)));
  // The far end of the cable on each server NIC.
  const peer = new Map<string, LinkEnd & { mtu?: number }>();
  for (const l of d.links) {
    const mtu = l.mtu !== undefined ? { mtu: l.mtu } : {};
    peer.set(`${l.ends[0].node}:${l.ends[0].port}`, { ...l.ends[1], ...mtu });
    peer.set(`${l.ends[1].node}:${l.ends[1].port}`, { ...l.ends[0], ...mtu });
  }
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  for (const n of d.nodes) {
    if (n.kind !== 'vm') continue;
    const s = byName.get(n.server);
    if (s?.kind !== 'server') continue; // reported by references.ts
    for (const i of n.interfaces) {
      const nic = i.uplink ?? (s.interfaces.length === 1 ? s.interfaces[0]!.name : undefined);
      const card = s.interfaces.find((x) => x.name === nic);
      if (nic === undefined || !card) continue; // E-VM-UPLINK
      // A VM's frames leave through the NIC: a larger MTU than the NIC's cannot, and a macvlan
      // child may not exceed its parent's MTU at all (Linux refuses it).
      const nicMtu = card.mtu ?? peer.get(`${s.name}:${nic}`)?.mtu ?? MTU_DEFAULT;
      if (i.mtu !== undefined && i.mtu > nicMtu) {
        f.push(error('E-VM-MTU', [...i.path, 'mtu'], `VM ${n.name} ${i.name} has MTU ${i.mtu}, more than the ${nicMtu} of ${s.name}'s NIC ${nic} it leaves by; give the NIC (or its cable) "mtu: ${i.mtu}", or the VM at most ${nicMtu}.`));
      }
      if (cabled.has(`${s.name}:${nic}`)) {
        const far = peer.get(`${s.name}:${nic}`)!;
        const sw = byName.get(far.node);
        // Frames of a VM VLAN leave a VLAN-aware server tagged; a VLAN-aware port drops tags it
        // does not trunk (an access or native VLAN expects them untagged).
        if (i.vlan === undefined || !s.vlanAware || !sw || !isVlanAware(sw)) continue;
        if (far.mode.mode === 'trunk' && far.mode.vlans.includes(i.vlan)) continue;
        const has = far.mode.mode === 'trunk' ? `trunks ${far.mode.vlans.join(', ') || 'nothing'}` : far.mode.mode === 'access' ? `is an access port of VLAN ${far.mode.vlan}` : 'has no VLAN';
        f.push(
          warning('W-VM-VLAN-NOT-CARRIED', [...i.path, 'vlan'], `VM ${n.name}'s VLAN ${i.vlan} leaves ${s.name}:${nic} tagged, but ${far.node}:${far.port} at the other end ${has}, so it drops those frames; ${far.mode.mode === 'trunk' ? `add ${i.vlan} to that port's "trunk"` : `make that port a trunk ("trunk: [${i.vlan}]")`}.`),
        );
        continue;
      }
      f.push(
        warning('W-VM-NIC-UNCABLED', i.path, `VM ${n.name} ${i.name} uses ${s.name}'s NIC ${nic}, which is not cabled, so it can only reach VMs on that NIC; add a link from ${s.name}:${nic} to a switch.`, true),
      );
    }
  }
  return f;
}
