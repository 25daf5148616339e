// Tunnels laid over the routed network (a link with `tunnel:`, docs/routing.md): each end sends
// from an underlay address of its node, and the tunnel carries anything only while the
// underlay carries UDP (or GRE, IP in IP) between the two. A carried tunnel is a cable: a
// VXLAN or gretap one joins the broadcast domains at its ends, the others join two addressed
// interfaces. One that is not carried (no route, a cut underlay link, a firewall) is no cable
// at all: the design and the twin alike are judged without it.
import { formatIp } from '../model/ip.js';
import type { TunnelKind } from '../model/limits.js';
import type { Design, Link, LinkEnd } from '../model/types.js';
import { isRouted } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { roundTrip, type Proto } from './forward.js';
import type { NetModel } from './net-model.js';

/** Bytes each kind adds to a packet on the underlay (IPv4 outer header included). */
export const OVERHEAD: Record<TunnelKind, number> = { vxlan: 50, gretap: 38, gre: 24, ipip: 20, wireguard: 60, tun: 28 };
/** What the underlay carries for each kind, and on which port, for the forwarding engine. */
export const CARRIER: Record<TunnelKind, { proto: Proto; port: number }> = {
  vxlan: { proto: 'udp', port: 4789 },
  gretap: { proto: 'udp', port: 0 },
  gre: { proto: 'udp', port: 0 },
  ipip: { proto: 'udp', port: 0 },
  wireguard: { proto: 'udp', port: 51820 },
  tun: { proto: 'udp', port: 5555 },
};
export const tunnelPort = (l: Link): number => l.tunnel!.port ?? CARRIER[l.tunnel!.kind].port;

/** Interfaces of a design that are tunnel ends ("node/port"): never an underlay address. */
export const tunnelPorts = (d: Design): Set<string> => new Set(d.links.flatMap((l) => (l.tunnel ? l.ends.map((e) => `${e.node}/${e.port}`) : [])));

/** The underlay address one end sends from: the design's `local`, else its node's first address outside tunnels. */
export function underlayOf(d: Design, e: LinkEnd, ports = tunnelPorts(d)): number | undefined {
  if (e.local !== undefined) return e.local;
  const n = d.nodes.find((x) => x.name === e.node);
  if (!n || !isRouted(n)) return undefined;
  for (const i of n.interfaces) if (!ports.has(`${n.name}/${i.name}`) && i.addresses.length) return i.addresses[0]!.ip;
  if (n.kind === 'l3-switch') for (const s of n.svis) if (s.addresses.length) return s.addresses[0]!.ip;
  return undefined;
}

/** Why the underlay of `m` (a model without the tunnels) does not carry tunnel traffic from a to b, or undefined when it does. */
export function notCarried(m: NetModel, kind: TunnelKind, port: number, a: { node: string; addr: number }, b: { node: string; addr: number }): string | undefined {
  const c = CARRIER[kind];
  const rt = roundTrip(m, a.node, a.addr, b.addr, c.proto, c.proto === 'udp' ? port || 1 : 0, false);
  if (!rt.ok) return `${a.node} (${formatIp(a.addr)}) does not reach ${b.node} (${formatIp(b.addr)}) in the underlay: ${rt.why}`;
  if (rt.landed?.node !== b.node) return `${formatIp(b.addr)} is answered by ${rt.landed?.node}, not ${b.node}`;
  return undefined;
}

/** The design's tunnel links the underlay does not carry, and why (`model` builds a NetModel of a design). */
export function uncarriedLinks(d: Design, model: (d: Design) => NetModel): { link: Link; why: string }[] {
  const tunnels = d.links.filter((l) => l.tunnel);
  if (!tunnels.length) return [];
  const m = model({ ...d, links: d.links.filter((l) => !l.tunnel) });
  const ports = tunnelPorts(d);
  const out: { link: Link; why: string }[] = [];
  for (const l of tunnels) {
    const [ea, eb] = l.ends;
    const a = underlayOf(d, ea, ports);
    const b = underlayOf(d, eb, ports);
    if (a === undefined || b === undefined) {
      out.push({ link: l, why: `${a === undefined ? ea.node : eb.node} has no underlay address to send from` });
      continue;
    }
    const why = notCarried(m, l.tunnel!.kind, tunnelPort(l), { node: ea.node, addr: a }, { node: eb.node, addr: b });
    if (why) out.push({ link: l, why });
  }
  return out;
}

/** The design without the tunnels its underlay does not carry (itself when it carries them all). */
export function carriedDesign(d: Design, model: (d: Design) => NetModel): Design {
  const gone = new Set(uncarriedLinks(d, model).map((u) => u.link.index));
  return gone.size ? { ...d, links: d.links.filter((l) => !gone.has(l.index)) } : d;
}

/** The plan without the tunnel devices its underlay does not carry (`model` builds a NetModel of a plan, with node names). */
export function carriedPlan(plan: Plan, model: (p: Plan) => NetModel & { namespaceOf: Map<string, string> }): Plan {
  const tunnels = plan.objects.filter((o) => o.kind === 'tunnel');
  if (!tunnels.length) return plan;
  const m = model({ ...plan, objects: plan.objects.filter((o) => o.kind !== 'tunnel') });
  const nodeOf = new Map([...m.namespaceOf].map(([node, ns]) => [ns, node]));
  const gone = new Set<string>();
  for (const t of tunnels) {
    if (t.kind !== 'tunnel') continue;
    const a = nodeOf.get(t.namespace);
    const b = nodeOf.get(t.peer.namespace);
    const [la, lb] = [ipOf(t.local), ipOf(t.remote)];
    if (!a || !b || la === undefined || lb === undefined || notCarried(m, t.type, t.port ?? CARRIER[t.type].port, { node: a, addr: la }, { node: b, addr: lb })) gone.add(`${t.namespace}|${t.name}`);
  }
  if (!gone.size) return plan;
  // A tunnel goes with both its ends.
  return { ...plan, objects: plan.objects.filter((o) => !(o.kind === 'tunnel' && (gone.has(`${o.namespace}|${o.name}`) || gone.has(`${o.peer.namespace}|${o.peer.name}`)))) };
}

const ipOf = (s: string): number | undefined => {
  const p = s.split('.').map(Number);
  return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 : undefined;
};
