// VMs reach the network only through their server's NIC: a NIC without a cable leaves them
// talking only to VMs on the same NIC.
import { warning, type Finding } from '../problems.js';
import type { Design } from '../types.js';

export function checkVms(d: Design): Finding[] {
  const f: Finding[] = [];
  const cabled = new Set(d.links.flatMap((l) => l.ends.map((e) => `${e.node}:${e.port}`)));
  for (const n of d.nodes) {
    if (n.kind !== 'vm') continue;
    const s = d.nodes.find((x) => x.name === n.server);
    if (s?.kind !== 'server') continue; // reported by references.ts
    for (const i of n.interfaces) {
      const nic = i.uplink ?? (s.interfaces.length === 1 ? s.interfaces[0]!.name : undefined);
      if (nic === undefined || !s.interfaces.some((x) => x.name === nic)) continue; // E-VM-UPLINK
      if (cabled.has(`${s.name}:${nic}`)) continue;
      f.push(
        warning('W-VM-NIC-UNCABLED', i.path, `VM ${n.name} ${i.name} uses ${s.name}'s NIC ${nic}, which is not cabled, so it can only reach VMs on that NIC; add a link from ${s.name}:${nic} to a switch.`, true),
      );
    }
  }
  return f;
}
