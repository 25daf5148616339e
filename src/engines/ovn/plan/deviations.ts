// Where the OVN twin knowingly differs from the real network (plan --explain lists them; the
// comparison with the design accepts exactly the differences they name).
import type { Design } from '../../../model/types.js';
import { nodeRef, sviRef } from '../../../plan/refs.js';
import type { Deviation } from '../../../plan/types.js';
import { attachAdjacent } from '../../../semantics/attachments.js';
import type { DomainResult } from '../../../semantics/domains.js';
import type { LogicalObject, LogicalSwitch } from './types.js';

export function ovnDeviations(d: Design, domains: DomainResult, logical: LogicalObject[]): Deviation[] {
  const out: Deviation[] = [];
  const switchesOf = new Map<string, string[]>();
  for (const dom of domains.domains)
    for (const s of dom.switches) {
      const ls = logical.find((o): o is LogicalSwitch => o.kind === 'ls' && o.domain === dom.id)?.name;
      if (ls) switchesOf.set(s, [...(switchesOf.get(s) ?? []), ls]);
    }
  for (const n of d.nodes) {
    if (n.kind === 'switch')
      out.push({ code: 'switch-collapsed', message: `ovn: switch ${n.name} is no device of its own: its broadcast domains are logical switch${(switchesOf.get(n.name)?.length ?? 0) > 1 ? 'es' : ''} ${(switchesOf.get(n.name) ?? []).join(', ') || '(none)'}, switched on every chassis; hosts cannot observe it.`, realizes: [nodeRef(n.name)] });
    if (n.kind === 'router' || n.kind === 'l3-switch')
      out.push({
        code: 'ovn-router-no-stack',
        message: `ovn: ${n.kind} ${n.name} is a logical router: it routes, answers ping and ARP on its own addresses, but runs no programs, so nothing is probed from it (its interfaces are not endpoints of verify).`,
        realizes: [nodeRef(n.name), ...(n.kind === 'l3-switch' ? n.svis.map((s) => sviRef(n.name, s.vlan)) : [])],
      });
  }
  for (const l of d.links)
    if (l.tunnel) out.push({ code: 'ovn-tunnel-logical', message: `ovn: link ${l.index}'s ${l.tunnel.kind} tunnel (${l.ends.map((e) => `${e.node}:${e.port}`).join(' - ')}) is no device: its ends are joined in OVN's logical network, over OVN's own Geneve tunnels between chassis, whatever the underlay does.`, realizes: [`link:${l.index}`] });
  const tagged = domains.domains.filter((x) => x.vlans.length);
  if (tagged.length)
    out.push({ code: 'vlan-untagged', message: `ovn: VLAN${tagged.flatMap((x) => x.vlans).length > 1 ? 's' : ''} ${[...new Set(tagged.flatMap((x) => x.vlans))].join(', ')} became logical switches of their own; no frame is ever tagged.`, realizes: tagged.map((x) => `domain:${x.id}`) });
  // A server's VMs are plain ports of their domain's logical switch: those the real server
  // attaches by macvtap (or VEPA VFs) hear siblings and their server only as their mode allows.
  const at = domains.attachments;
  const affects: NonNullable<Deviation['affects']> = [];
  for (const dom of domains.domains) {
    const refs = dom.members.map((m) => m.ref);
    for (let i = 0; i < refs.length; i++)
      for (let j = i + 1; j < refs.length; j++) if (attachAdjacent(at, refs[i]!, refs[j]!) === false) affects.push({ from: refs[i]!, to: refs[j]!, l2: true });
  }
  const servers = d.nodes.filter((n) => n.kind === 'server');
  if (servers.length)
    out.push({
      code: 'server-merged',
      message: `ovn: the VMs of ${servers.map((s) => s.name).join(', ')} are ports of their broadcast domain's logical switch, switched like a bridge${affects.length ? '; VMs their server attaches by macvtap or VEPA VFs now hear each other and their server' : ''}.`,
      realizes: servers.map((s) => nodeRef(s.name)),
      ...(affects.length ? { affects } : {}),
    });
  return out;
}
