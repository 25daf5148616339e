// Everything a design refers to by name must exist: link endpoints, VM servers and uplinks,
// router interfaces named by NAT rules are checked in nat.ts.
import { closest } from '../suggest.js';
import { error, warning, type Finding } from '../problems.js';
import type { CheckContext } from './index.js';
import type { Design, DesignNode } from '../types.js';
import { isRouted, isSwitching } from '../types.js';

export function checkReferences(d: Design, ctx: CheckContext): Finding[] {
  const f: Finding[] = [];
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const names = [...byName.keys()];
  const servers = d.nodes.filter((x) => x.kind === 'server').map((x) => x.name);
  const used = new Map<string, number>();

  for (const l of d.links) {
    for (const e of l.ends) {
      const n = byName.get(e.node);
      if (!n) {
        if (ctx.defined(e.node)) continue; // left out for its own errors
        const hint = closest(e.node, names);
        f.push(error('E-NO-NODE', e.path, `link ${l.index} names node "${e.node}", which is not defined; ${hint ? `did you mean "${hint}"?` : `define it under nodes.`}`));
        continue;
      }
      const key = `${e.node}:${e.port}`;
      const first = used.get(key);
      if (first === l.index) continue; // both ends on one port: E-LINK-SELF says it better
      if (first !== undefined) {
        f.push(error('E-PORT-REUSED', e.path, `port ${key} is already used by link ${first}; a port takes one cable, use another port name.`));
      } else used.set(key, l.index);
      checkEndKind(n, e.port, l.index, e.path, f);
    }
    const [a, b] = l.ends;
    if (a.node === b.node && a.port === b.port) {
      f.push(error('E-LINK-SELF', l.path, `link ${l.index} connects ${a.node}:${a.port} to itself; connect two different ports.`));
    }
  }

  for (const n of d.nodes) {
    if (n.kind === 'vm') {
      const s = byName.get(n.server);
      if (!s) {
        if (ctx.defined(n.server)) continue; // left out for its own errors
        const hint = closest(n.server, servers);
        f.push(error('E-NO-SERVER', [...n.path, 'server'], `VM ${n.name} runs on server "${n.server}", which is not defined; ${hint ? `did you mean "${hint}"?` : 'add a node of kind server.'}`));
      } else if (s.kind !== 'server') {
        f.push(error('E-NOT-SERVER', [...n.path, 'server'], `VM ${n.name} runs on "${n.server}", which is a ${s.kind}; a VM runs on a node of kind server.`));
      } else {
        const nics = s.interfaces.map((i) => i.name);
        for (const i of n.interfaces) {
          if (i.uplink === undefined) {
            if (nics.length !== 1) {
              f.push(error('E-VM-UPLINK', i.path, `VM ${n.name} interface ${i.name} must say which NIC of server ${s.name} it uses ("uplink: ${nics[0] ?? 'eth0'}"): the server has ${nics.length} NICs.`));
            }
          } else if (!nics.includes(i.uplink)) {
            const hint = closest(i.uplink, nics);
            f.push(error('E-VM-UPLINK', [...i.path, 'uplink'], `server ${s.name} has no NIC "${i.uplink}"; ${hint ? `did you mean "${hint}"?` : `its NICs are: ${nics.join(', ') || 'none'}.`}`));
          }
          if (i.vlan !== undefined && !s.vlanAware) {
            f.push(warning('W-VLAN-IGNORED', [...i.path, 'vlan'], `server ${s.name} is not VLAN-aware ("vlan-aware: false"), so VM ${n.name}'s VLAN ${i.vlan} is not applied: its frames leave the NIC untagged, as in seed figure B_V0.`));
          }
        }
      }
    } else if (n.kind !== 'server') {
      for (const i of isRouted(n) ? n.interfaces : []) {
        if (i.uplink !== undefined || i.vlan !== undefined) {
          f.push(error('E-NOT-VM', i.path, `only VM interfaces take "uplink"/"vlan"; on a ${n.kind}, put the VLAN on the switch port of the link instead.`));
        }
      }
    }
  }
  return f;
}

function checkEndKind(n: DesignNode, port: string, link: number, path: (string | number)[], f: Finding[]): void {
  if (n.kind === 'vm') {
    f.push(error('E-VM-LINK', path, `VM ${n.name} is not cabled directly: its interfaces attach to its server's NIC ("uplink"); link the server's NIC instead (link ${link}).`));
    return;
  }
  if (isSwitching(n)) {
    if (n.kind === 'l3-switch' && n.interfaces.some((i) => i.name === port)) return; // routed port
    return; // switch ports exist by being cabled
  }
  if (isRouted(n) && !n.interfaces.some((i) => i.name === port)) {
    const names = n.interfaces.map((i) => i.name);
    const hint = closest(port, names);
    f.push(error('E-NO-IFACE', path, `${n.kind} ${n.name} has no interface "${port}" (link ${link}); ${hint ? `did you mean "${hint}"?` : `declare it under nodes.${n.name}.interfaces${names.length ? ` or use one of: ${names.join(', ')}` : ''}.`}`));
  }
}
