// The "mapping" section: per-server options name real servers, and macvlan passthru is only
// used where the NIC can give each VM its own function.
import { error, warning, type Finding } from '../problems.js';
import { closest } from '../suggest.js';
import type { CheckContext } from './index.js';
import { nodesByName } from './util.js';
import type { Design } from '../types.js';

export function checkMapping(d: Design, ctx: CheckContext): Finding[] {
  const f: Finding[] = [];
  const servers = d.nodes.filter((n) => n.kind === 'server').map((n) => n.name);
  const byName = nodesByName(d);
  for (const name of Object.keys(d.mapping.servers)) {
    const n = byName.get(name);
    const path = ['mapping', 'servers', name];
    if (!n) {
      if (ctx.defined(name)) continue; // left out for its own errors
      const hint = closest(name, servers);
      f.push(error('E-MAPPING-SERVER', path, `mapping.servers names "${name}", which is not a node; ${hint ? `did you mean "${hint}"?` : `servers in this design: ${servers.join(', ') || 'none'}.`}`, true));
    } else if (n.kind !== 'server') {
      f.push(error('E-MAPPING-SERVER', path, `mapping.servers names ${name}, which is a ${n.kind}; only nodes of kind server take per-server options, remove this entry.`, true));
    }
  }
  for (const s of d.nodes) {
    if (s.kind !== 'server') continue;
    const own = d.mapping.servers[s.name]?.macvlanMode;
    if ((own ?? d.mapping.macvlanMode) !== 'passthru') continue;
    for (const nic of s.interfaces) {
      const children = d.nodes.flatMap((v) =>
        v.kind === 'vm' && v.server === s.name ? v.interfaces.filter((i) => (i.uplink ?? s.interfaces[0]?.name) === nic.name).map((i) => `${v.name} ${i.name}`) : [],
      );
      const vfs = nic.sriovVfs ?? 0;
      // The NIC itself takes one passthru child and each virtual function one more (seed B_M3).
      if (children.length < 2 || vfs >= children.length - 1) continue;
      const path = own ? ['mapping', 'servers', s.name, 'macvlan-mode'] : nic.path;
      f.push(
        warning('W-PASSTHRU-VFS', path, `macvlan mode passthru gives ${s.name}'s NIC ${nic.name} to one VM only, but ${children.length} VM interfaces use it (${children.join(', ')}) and it offers ${vfs} SR-IOV function${vfs === 1 ? '' : 's'}; set "sriov-vfs: ${children.length - 1}" on ${nic.name} or use mode bridge.`),
      );
    }
  }
  return f;
}
