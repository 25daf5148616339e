// How servers attach their VMs (src/model/attach.ts): what Linux and the NIC allow on one NIC,
// and where the twin's macvlan mode, chosen under "mapping", departs from what the real server
// does.
import { pushTo } from '../../collections.js';
import { attachFamily, attachText, portKind, vmAttach, vmNicName, type AttachFamily } from '../attach.js';
import { error, warning, type Finding, type PathSeg } from '../problems.js';
import type { Design, Iface, ServerNode, VmNode } from '../types.js';
import { list } from './util.js';

interface Use {
  vm: VmNode;
  iface: Iface;
  family: AttachFamily;
  path: PathSeg[];
}

const FAMILY: Record<AttachFamily, string> = {
  bridge: 'a Linux bridge',
  ovs: 'Open vSwitch',
  macvtap: 'macvtap children',
  passthru: 'macvtap passthru (the whole NIC)',
  vf: 'SR-IOV VFs',
};

export function checkAttach(d: Design): Finding[] {
  const f: Finding[] = [];
  const cabled = new Set(d.links.flatMap((l) => l.ends.map((e) => `${e.node}/${e.port}`)));
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const uses = new Map<ServerNode, Map<string, Use[]>>();
  for (const vm of d.nodes) {
    if (vm.kind !== 'vm') continue;
    const s = byName.get(vm.server);
    if (s?.kind !== 'server') continue; // E-NO-SERVER / E-NOT-SERVER
    for (const iface of vm.interfaces) {
      const nicName = vmNicName(s, iface);
      const nic = s.interfaces.find((i) => i.name === nicName);
      if (!nic) continue; // E-VM-UPLINK
      const byNic = uses.get(s) ?? new Map<string, Use[]>();
      uses.set(s, byNic);
      pushTo(byNic, nic.name, { vm, iface, family: attachFamily(vmAttach(s, iface), nic), path: iface.attach !== undefined ? [...iface.path, 'attach'] : iface.path });
    }
  }
  for (const [s, byNic] of uses)
    for (const [nicName, list] of byNic) {
      const nic = s.interfaces.find((i) => i.name === nicName)!;
      checkNic(s, nic, list, cabled.has(`${s.name}/${nicName}`), f);
    }
  for (const s of d.nodes)
    if (s.kind === 'server')
      for (const nic of s.interfaces)
        if (nic.sriovMode !== undefined && !(nic.sriovVfs ?? 0))
          f.push(warning('W-SRIOV-MODE', [...nic.path, 'sriov-mode'], `${s.name}'s NIC ${nic.name} sets sriov-mode but offers no SR-IOV VFs, so it has no effect; add "sriov-vfs: N" or remove it.`));
  f.push(...mappingConflicts(d, uses));
  return f;
}

function checkNic(s: ServerNode, nic: Iface, uses: Use[], cabled: boolean, f: Finding[]): void {
  const name = (u: Use) => `${u.vm.name} ${u.iface.name}`;
  const first = uses[0]!;
  for (const u of uses.slice(1))
    if (u.family !== first.family)
      f.push(
        error('E-ATTACH-MIX', u.path, `${name(u)} attaches to ${s.name}'s NIC ${nic.name} by ${FAMILY[u.family]}, but ${name(first)} uses ${FAMILY[first.family]} on it; a NIC is a port of one software switch, or the parent of macvtap children, or the owner of SR-IOV VFs, not several at once: give them the same "attach", or put one on another NIC ("uplink").`),
      );
  const same = (fam: AttachFamily) => uses.filter((u) => u.family === fam);
  const whole = same('passthru');
  if (whole.length > 1)
    f.push(
      error('E-ATTACH-PASSTHRU', whole[1]!.path, `macvtap passthru hands ${s.name}'s NIC ${nic.name} whole to one VM interface, but ${whole.length} use it (${list(whole.map(name))}); let the NIC offer SR-IOV VFs ("sriov-vfs: ${whole.length}") so each gets one of its own (seed figure B_M3), or attach them by macvtap-bridge.`),
    );
  else if (whole.length === 1 && nic.addresses.length)
    f.push(
      warning('W-ATTACH-PASSTHRU-HOST', whole[0]!.path, `macvtap passthru hands ${s.name}'s NIC ${nic.name} to ${whole[0]!.vm.name} whole, MAC address included, so ${s.name}'s own address on ${nic.name} cannot talk to it, and a real NIC delivers the unicast frames meant for ${s.name} to the VM; move the address to another NIC, or attach by macvtap-bridge.`),
    );
  const vfs = same('vf');
  const offered = Math.max(0, nic.sriovVfs ?? 0); // a negative count is E-RANGE elsewhere
  if (vfs.length > offered)
    f.push(
      error('E-ATTACH-VFS', vfs[offered]!.path, `${vfs.length} VM interfaces take an SR-IOV VF of ${s.name}'s NIC ${nic.name} (${list(vfs.map(name))}), which offers ${offered}; set "sriov-vfs: ${vfs.length}" on ${nic.name}.`),
    );
  const direct = uses.filter((u) => u.family !== 'bridge' && u.family !== 'ovs');
  if (!cabled && direct.length)
    f.push(
      error('E-ATTACH-UNCABLED', direct[0]!.path, `${list(direct.map(name))} attach${direct.length === 1 ? 'es' : ''} to ${s.name}'s NIC ${nic.name} by ${FAMILY[direct[0]!.family]}, which follow the NIC's link, but ${nic.name} is not cabled, so they have no carrier; cable ${s.name}:${nic.name} to a switch, or attach them by bridge.`),
    );
}

/** A per-server macvlan mode under "mapping" that makes the macvtap twin differ from the server's real macvtap mode. */
function mappingConflicts(d: Design, uses: Map<ServerNode, Map<string, Use[]>>): Finding[] {
  const f: Finding[] = [];
  for (const [s, byNic] of uses) {
    const mode = d.mapping.servers[s.name]?.macvlanMode;
    if (mode === undefined) continue;
    const real = [...byNic].flatMap(([nicName, us]) => {
      const nic = s.interfaces.find((i) => i.name === nicName);
      return us.filter((u) => {
        const k = portKind(vmAttach(s, u.iface), nic);
        return k !== 'switch' && k !== 'veb' && k !== mode;
      }).map((u) => `${u.vm.name} ${u.iface.name} (${attachText(vmAttach(s, u.iface), nic)})`);
    });
    if (real.length)
      f.push(
        warning('W-MAPPING-ATTACH', ['mapping', 'servers', s.name, 'macvlan-mode'], `the macvtap twin of ${s.name} uses macvlan mode ${mode}, but in the real server ${list(real)} attach${real.length === 1 ? 'es' : ''} otherwise, so the twin will differ there (vnetmap plan --explain lists the pairs); remove this entry to follow the design.`),
      );
  }
  return f;
}
