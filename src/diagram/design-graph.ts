// Design -> diagram graph: the real network as the engineer drew it. Servers are frames
// holding their NICs and VMs (the seed's black dashed "physical binding" boxes); links carry
// their ports and VLAN modes at each end; broadcast domains become shaded groups.
import { formatIp } from '../model/ip.js';
import type { Design, DesignNode, Iface, Link, LinkEnd, PortMode } from '../model/types.js';
import { isRouted, isVlanAware } from '../model/types.js';
import { broadcastDomains, type Domain } from '../semantics/domains.js';
import { node, uniq, type DEdge, type DGroup, type DiagramGraph, type DNode } from './graph.js';
import { designRank } from './rank.js';

export const designNodeId = (name: string) => `node:${name}`;
export const nicId = (server: string, nic: string) => `iface:${server}/${nic}`;
export const linkId = (index: number) => `link:${index}`;
export const vnicId = (vm: string, iface: string) => `vnic:${vm}/${iface}`;

export function modeText(m: PortMode): string {
  if (m.mode === 'access') return `access ${m.vlan}`;
  if (m.mode === 'trunk') return `trunk ${m.vlans.join(',')}${m.native !== undefined ? ` native ${m.native}` : ''}`;
  return '';
}

/**
 * "p1 · access 10", "p9 · trunk 10,20,30", or just "eth0". The mode is shown only where a
 * device acts on it (VLAN-aware switches, servers tagging for their VMs): a PC or a plain
 * switch on an access-10 cable neither knows nor cares.
 */
export function endLabel(e: LinkEnd, n: DesignNode | undefined): string {
  const acts = n !== undefined && (isVlanAware(n) || n.kind === 'server');
  return [e.port, acts ? modeText(e.mode) : ''].filter(Boolean).join(' · ');
}

export function designGraph(d: Design): DiagramGraph {
  const rank = designRank(d);
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const top: DNode[] = [];
  const servers = new Map<string, DNode>();
  for (const n of d.nodes) {
    if (n.kind === 'vm') continue;
    const dn = nodeFor(n);
    if (n.kind === 'server') servers.set(n.name, dn);
    top.push(dn);
  }
  // A server's NICs: the declared ones plus any port a link names.
  const nics = new Set<string>();
  const addNic = (server: string, port: string) => {
    const id = nicId(server, port);
    if (nics.has(id)) return;
    nics.add(id);
    const s = byName.get(server);
    const iface = s && isRouted(s) ? s.interfaces.find((i) => i.name === port) : undefined;
    servers.get(server)!.children.push(
      node(id, 'nic', port, { refs: [id, `port:${server}/${port}`], tone: server, lines: iface?.addresses.map((a) => a.text) ?? [] }),
    );
  };
  for (const s of d.nodes) if (s.kind === 'server') s.interfaces.forEach((i) => addNic(s.name, i.name));
  for (const l of d.links) for (const e of l.ends) if (servers.has(e.node)) addNic(e.node, e.port);

  const edges: DEdge[] = [];
  for (const n of d.nodes) {
    if (n.kind !== 'vm') continue;
    const frame = servers.get(n.server);
    const vm = nodeFor(n);
    if (!frame) {
      top.push(vm); // unknown server: reported by validation; still draw the VM
      continue;
    }
    frame.children.push(vm);
    const server = byName.get(n.server);
    for (const i of n.interfaces) {
      const nic = i.uplink ?? (server && isRouted(server) ? server.interfaces[0]?.name : undefined);
      if (!nic) continue;
      addNic(n.server, nic);
      edges.push({
        id: vnicId(n.name, i.name),
        source: nicId(n.server, nic),
        target: designNodeId(n.name),
        head: i.name,
        center: [i.vlan !== undefined ? `vlan ${i.vlan}` : '', attachLabel(server, i)].filter(Boolean).join(' · ') || undefined,
        style: 'vnic',
        refs: [`iface:${n.name}/${i.name}`],
        objects: [],
      });
    }
  }
  for (const l of d.links) edges.push(linkEdge(l, servers, byName, rank.compare));

  const groups = broadcastDomains(d).domains.map((dom) => domainGroup(dom, d, servers));
  return {
    side: 'design',
    title: `design: ${d.name}`,
    subtitle: d.description ?? '',
    nodes: top,
    edges,
    groups,
    notes: [],
  };
}

function endpointId(e: LinkEnd, servers: Map<string, DNode>): string {
  return servers.has(e.node) ? nicId(e.node, e.port) : designNodeId(e.node);
}

function linkEdge(l: Link, servers: Map<string, DNode>, byName: Map<string, DesignNode>, compare: (a: string, b: string) => number): DEdge {
  // The upstream end goes first so that the layered layout draws it above.
  const [a, b] = compare(l.ends[1].node, l.ends[0].node) < 0 ? [l.ends[1], l.ends[0]] : l.ends;
  const trunk = l.ends.some((e) => e.mode.mode === 'trunk' && endLabel(e, byName.get(e.node)) !== e.port);
  return {
    id: linkId(l.index),
    source: endpointId(a, servers),
    target: endpointId(b, servers),
    tail: endLabel(a, byName.get(a.node)),
    head: endLabel(b, byName.get(b.node)),
    center: l.label,
    style: trunk ? 'trunk' : 'link',
    refs: [linkId(l.index), `port:${a.node}/${a.port}`, `port:${b.node}/${b.port}`, `iface:${a.node}/${a.port}`, `iface:${b.node}/${b.port}`],
    objects: [],
  };
}

function nodeFor(n: DesignNode): DNode {
  const refs = [designNodeId(n.name)];
  const lines: string[] = [];
  if (n.label) lines.push(n.label);
  if (isRouted(n) && n.kind !== 'server') {
    for (const i of n.interfaces) {
      refs.push(`iface:${n.name}/${i.name}`);
      const vlan = n.kind === 'vm' && i.vlan !== undefined ? ` (vlan ${i.vlan})` : '';
      lines.push(`${i.name} ${i.addresses.map((a) => a.text).join(' ') || '-'}${vlan}`);
    }
  }
  if (n.kind === 'l3-switch') {
    for (const s of n.svis) {
      refs.push(`svi:${n.name}/${s.vlan}`);
      lines.push(`vlan${s.vlan} ${s.addresses.map((a) => a.text).join(' ')}`);
    }
  }
  if (n.kind === 'switch') {
    const traits = [n.vlanAware ? '802.1Q' : '', n.stp ? 'STP' : '', hairpinText(n.hairpin)].filter(Boolean);
    if (traits.length) lines.push(traits.join(' · '));
  }
  if (isRouted(n) && n.gateway !== undefined) {
    refs.push(`gateway:${n.name}`);
    lines.push(`gw ${formatIp(n.gateway)}`);
  }
  if (n.kind === 'router') {
    const nat = n.nat;
    nat.masquerade.forEach((m, i) => (refs.push(`masquerade:${n.name}/${i}`), lines.push(`masquerade ${m.from?.text ?? 'any'} → ${m.out}`)));
    nat.snat.forEach((m, i) => (refs.push(`snat:${n.name}/${i}`), lines.push(`snat ${m.from?.text ?? 'any'} → ${formatIp(m.to)}`)));
    nat.portForwards.forEach((f, i) => (
      refs.push(`forward:${n.name}/${i}`), lines.push(`${f.in} ${f.protocol}/${f.port} → ${formatIp(f.to)}:${f.toPort}`)
    ));
    nat.redirects.forEach((r, i) => (refs.push(`redirect:${n.name}/${i}`), lines.push(`${r.in} ${r.protocol}/${r.port} ↪ :${r.toPort}`)));
  }
  const title = n.kind === 'server' && n.label ? `${n.name} (${n.label})` : n.name;
  // A server frame says how it attaches its VMs when that is not the default Linux bridge.
  const frameLines = n.kind === 'server' && n.attach !== 'bridge' ? [`VMs by ${n.attach}`] : [];
  return node(designNodeId(n.name), n.kind, title, { lines: n.kind === 'server' ? frameLines : lines, refs, tone: n.name });
}

/** A VM interface's attachment on its edge, where it differs from its server's default (which the frame shows). */
function attachLabel(server: DesignNode | undefined, i: Iface): string {
  if (server?.kind !== 'server' || i.attach === undefined || i.attach === server.attach) return '';
  return i.attach;
}

function hairpinText(h: 'all' | string[]): string {
  if (h === 'all') return 'hairpin all';
  return h.length ? `hairpin ${h.join(',')}` : '';
}

function domainGroup(dom: Domain, d: Design, servers: Map<string, DNode>): DGroup {
  const nodes: string[] = [];
  for (const m of dom.members) nodes.push(servers.has(m.node) ? nicId(m.node, m.dev) : designNodeId(m.node));
  // Plain and VLAN-aware switches are part of the domain; a server's share is its NIC.
  for (const s of dom.switches) if (!servers.has(s)) nodes.push(designNodeId(s));
  const edges = dom.links.map(linkId);
  for (const l of d.links)
    if (dom.links.includes(l.index)) for (const e of l.ends) if (servers.has(e.node)) nodes.push(nicId(e.node, e.port));
  for (const m of dom.members) {
    const n = d.nodes.find((x) => x.name === m.node);
    if (n?.kind === 'vm') edges.push(vnicId(n.name, m.dev));
  }
  const who = dom.members.map((m) => (m.ref.startsWith('svi:') ? `${m.node} ${m.dev}` : `${m.node}/${m.dev}`));
  const vlans = dom.vlans.length ? ` · VLAN ${dom.vlans.join(',')}` : '';
  return {
    id: `domain:${dom.id}`,
    title: `D${dom.id}${vlans}`,
    detail: who.join(', '),
    nodes: uniq(nodes),
    edges: uniq(edges),
    refs: [`domain:${dom.id}`, ...dom.members.map((m) => m.ref)],
  };
}
