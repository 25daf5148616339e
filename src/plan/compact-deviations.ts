// What the compact strategy gives up, said once per element so the verifier and the reader
// know: collapsed switches, dropped VLAN tags, merged servers, routers folded into bridges.
// Broadcast domains and reachability are kept, so none of these carries affected pairs.
import type { Domain, Member } from '../semantics/domains.js';
import { isVlanAware } from '../model/types.js';
import type { Ctx } from './context.js';
import { domainRef, ifaceRef, linkRef, nodeRef, portRef } from './refs.js';

export interface Folded {
  domain: Domain;
  anchor: Member;
}

export function describeCompactDeviations(ctx: Ctx, domains: Domain[], folded: Folded[]): void {
  const { b, design } = ctx;
  for (const n of design.nodes) {
    if (n.kind !== 'switch' && n.kind !== 'l3-switch') continue;
    const routed = new Set(n.kind === 'l3-switch' ? n.interfaces.map((i) => i.name) : []);
    const ports = (ctx.portsOf.get(n.name) ?? []).map((c) => c.link.ends[c.end].port).filter((p) => !routed.has(p));
    if (n.kind === 'l3-switch' && ports.length === 0) continue;
    b.deviate({
      code: 'switch-collapsed',
      message:
        n.kind === 'switch'
          ? `compact: switch ${n.name} no longer exists; hosts cannot observe it.`
          : `compact: L3 switch ${n.name} keeps its routing, but its switch ports no longer exist; each VLAN is a bridge.`,
      realizes: [...(n.kind === 'switch' ? [nodeRef(n.name)] : []), ...ports.map((p) => portRef(n.name, p))],
    });
  }

  const vlanParts = design.nodes.filter(
    (n) => isVlanAware(n) || (n.kind === 'server' && n.vlanAware && (ctx.vmIfaces.get(n.name) ?? []).some((v) => v.iface.vlan !== undefined)),
  );
  const vids = [...new Set(domains.flatMap((d) => d.vlans))].sort((x, y) => x - y);
  if (vlanParts.length)
    b.deviate({
      code: 'vlan-untagged',
      message: `compact: ${vids.length ? `VLAN${vids.length > 1 ? 's' : ''} ${vids.join(', ')} become separate bridges` : 'VLANs become separate bridges'} and no frame is ever tagged; ${vlanParts.map((n) => n.name).join(', ')} lose their 802.1Q ports.`,
      realizes: vlanParts.map((n) => nodeRef(n.name)),
    });

  const servers = design.nodes.filter((n) => n.kind === 'server');
  const kept = [...ctx.nics.values()].filter((a) => a.how === 'macvlan').map((a) => `${a.server.name}:${a.nic.name}`);
  if (servers.length) {
    const bare = servers.flatMap((s) => (s.kind === 'server' ? s.interfaces.filter((i) => i.addresses.length === 0).map((i) => ifaceRef(s.name, i.name)) : []));
    b.deviate({
      code: 'server-merged',
      message: `compact: the VMs of ${servers.length > 1 ? `servers ${servers.map((s) => s.name).join(', ')} share one machine` : `server ${servers[0]!.name} sit directly on their domains' bridges`}; the servers' NICs and virtual switches no longer exist${kept.length ? `, but for ${kept.join(', ')}, which stay (a veth into the domain's bridge) as the parents of VMs attached by macvtap` : ''}.`,
      realizes: [...servers.map((s) => nodeRef(s.name)), ...bare],
    });
  }

  for (const { domain, anchor } of folded) {
    const links = domain.links.map((l) => `link ${l}`).join(', ');
    b.deviate({
      code: 'router-folded',
      message: `compact: ${anchor.node}'s ${anchor.ref.startsWith('svi:') ? 'VLAN interface' : 'interface'} ${anchor.dev} is the bridge of domain ${domain.id} and holds its address (like libvirt's virbr0)${links ? `; the cabling (${links}) no longer exists` : ''}.`,
      realizes: [anchor.ref, domainRef(domain.id)],
    });
  }

  const carried = new Set(domains.flatMap((d) => d.links));
  for (const l of design.links) {
    if (carried.has(l.index)) continue;
    const [x, y] = l.ends;
    b.deviate({
      code: 'link-idle',
      message: `compact: link ${l.index} (${x.node}:${x.port} - ${y.node}:${y.port}) carries no broadcast domain with an interface in it; nothing realises it.`,
      realizes: [linkRef(l.index)],
    });
  }
}
