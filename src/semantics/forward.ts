// The forwarding engine: walks one packet through a NetModel the way a Linux kernel would
// (prerouting DNAT, local delivery, ip_forward, longest-prefix route lookup, postrouting SNAT,
// ARP inside the L2 view), then walks the reply back through the same conntrack state.
// A round trip succeeds only when the reply reaches the sender from the address it spoke to:
// asymmetric paths and NAT that the reply bypasses fail, as they do on a real network.
import { contains, formatIp } from '../model/ip.js';
import { evaluate, verdictText, type FwChain } from './firewall.js';
import type { NetIface, NetModel, NetNat, NetNode, Ref } from './net-model.js';
import { listening } from './services.js';
import { routeLookup } from './route-lookup.js';

export { routeLookup } from './route-lookup.js';

export type Proto = 'icmp' | 'tcp' | 'udp';

export interface Packet {
  src: number;
  dst: number;
  proto: Proto;
  sport: number;
  dport: number;
}

export interface Hop {
  node: string;
  /** send, route, filter, dnat, redirect, snat, un-nat, l2, deliver, drop */
  action: string;
  detail: string;
  realizes: Ref[];
}

export interface Walk {
  delivered: boolean;
  /** Node the packet was delivered to (or dropped at). */
  node: string;
  pkt: Packet;
  hops: Hop[];
  drop?: string;
  /** Set when an ARP on the way crosses a link whose behaviour depends on earlier traffic. */
  unstable?: string;
}

/**
 * Equal-cost routes (ECMP) a flow crossed, in order: which next hop the kernel takes is a hash
 * of the flow. `choose` picks the alternative taken at the k-th fork of the flow (default 0).
 */
export interface Forks {
  seen: { node: string; n: number }[];
  choose?: (k: number) => number;
}

interface CtEntry {
  before: Packet;
  after: Packet;
}
/** Conntrack tables, per node, shared by a flow's original and reply walks. */
export type Conntrack = Map<string, CtEntry[]>;

const MAX_HOPS = 64;
const show = (p: Packet) => `${formatIp(p.src)}${p.proto === 'icmp' ? '' : ':' + p.sport} -> ${formatIp(p.dst)}${p.proto === 'icmp' ? '' : ':' + p.dport} ${p.proto}`;

export const isLocal = (n: NetNode, ip: number): boolean => n.ifaces.some((i) => i.addrs.some((a) => a.ip === ip));

/**
 * The interface that answers ARP for `ip` on the frame's L2 segment from `from`: the one that
 * owns it, else any interface of the node that owns it. Linux answers for every address it has
 * on whichever interface hears the request (arp_ignore 0, the default); routers on real
 * networks do the same through proxy ARP, on by default on most of them.
 */
export function arp(m: NetModel, from: NetIface, ip: number): NetIface | undefined {
  const owners = m.byAddr.get(ip) ?? [];
  const own = owners.find((t) => t !== from && m.l2.adjacent(from, t));
  if (own) return own;
  for (const t of owners) {
    if (t.node === from.node || m.nodes.get(t.node)?.arpOwnOnly) continue;
    const heard = m.nodes.get(t.node)?.ifaces.find((i) => m.l2.adjacent(from, i));
    if (heard) return heard;
  }
  return undefined;
}

/**
 * Every node that answers an ARP request for `ip` heard from `from` (the sender's own node never
 * hears its own request). One address owned by two nodes of a broadcast domain (a duplicate)
 * has two answers: which one the sender keeps depends on timing, so the walk says so.
 */
export function arpAnswerers(m: NetModel, from: NetIface, ip: number): string[] {
  const owners = m.byAddr.get(ip);
  if (!owners || owners.length < 2) {
    const o = owners?.[0];
    return o && o.node !== from.node && (m.l2.adjacent(from, o) || m.nodes.get(o.node)!.ifaces.some((i) => m.l2.adjacent(from, i))) ? [o.node] : [];
  }
  const nodes = new Set<string>();
  for (const t of owners) if (t.node !== from.node && m.nodes.get(t.node)!.ifaces.some((i) => m.l2.adjacent(from, i))) nodes.add(t.node);
  return [...nodes];
}

const portMatch = (p: Packet, proto: 'tcp' | 'udp', port: number) => p.proto === proto && p.dport === port;

/**
 * Walks a packet from `start` (locally generated) until it is delivered or dropped. `pick`:
 * which backend a load balancer on the way chooses (its index among those with a weight); `forks`: the equal-cost routes crossed, and which next hop to take at each.
 */
export function walk(m: NetModel, start: string, pkt: Packet, ct: Conntrack, dir: 'orig' | 'reply', trace = true, pick = 0, forks?: Forks): Walk {
  const hops: Hop[] = [];
  // Building hop texts dominates the cost of a walk; matrices over thousands of classes skip it.
  const first = m.nodes.get(start);
  if (!first) return { delivered: false, node: start, pkt, hops, drop: `no such node ${start}` };
  let node: NetNode = first;
  let unstable: string | undefined;
  let p = { ...pkt };
  let inIface: NetIface | undefined;
  if (trace) hops.push({ node: node.name, action: 'send', detail: show(p), realizes: node.realizes });
  for (let ttl = 0; ttl < MAX_HOPS; ttl++) {
    const before = { ...p };
    // The mark a hairpin forward sets lives as long as the packet is in this node.
    let hairpinned = false;
    // This node translated the connection's destination (ct status dnat: a forward or redirect).
    let dnatted = false;
    // A fullnat load balancer of this node chose a backend: the source is hidden on the way out.
    let fullnat: NetNat | undefined;
    // Conntrack first: a reply is translated back by every node that translated its request.
    const entry = dir === 'reply' ? reverseMatch(ct, node.name, p) : undefined;
    const rev = entry?.pkt;
    if (entry) {
      if (trace && !samePacket(p, entry.pkt)) hops.push({ node: node.name, action: 'un-nat', detail: `conntrack: ${show(p)} => ${show(entry.pkt)}`, realizes: [] });
      p = entry.pkt;
      dnatted = entry.dnat;
    } else if (dir === 'orig' && inIface) {
      for (const r of node.nat) {
        if (r.type === 'lb' && r.daddr === p.dst && portMatch(p, r.protocol, r.port) && (r.in === undefined || r.in === inIface.dev)) {
          const active = r.backends.filter((b) => b.weight > 0);
          const b = active[pick % Math.max(1, active.length)];
          if (!b) break;
          dnatted = true;
          if (r.mode === 'fullnat') fullnat = r;
          p = { ...p, dst: b.to, dport: b.toPort };
          if (trace) hops.push({ node: node.name, action: 'dnat', detail: `load balancer ${r.name} ${r.protocol}/${r.port} (${r.scheduler}, ${r.mode}) => backend ${active.indexOf(b) + 1} of ${active.length}: ${formatIp(b.to)}:${b.toPort}`, realizes: r.realizes });
          break;
        }
        if (r.type === 'dnat' && portMatch(p, r.protocol, r.port) && (r.in === undefined || r.in === inIface.dev) && (r.notIn === undefined || r.notIn !== inIface.dev) && (r.daddr === undefined || r.daddr === p.dst)) {
          if (r.hairpin) hairpinned = true;
          dnatted = true;
          p = { ...p, dst: r.to, dport: r.toPort };
          if (trace) hops.push({ node: node.name, action: 'dnat', detail: `port forward ${r.protocol}/${r.port} ${r.in ? `on ${r.in}` : `from inside (not ${r.notIn})`}${r.daddr !== undefined ? ` to ${formatIp(r.daddr)}` : ''} => ${formatIp(r.to)}:${r.toPort}`, realizes: r.realizes });
          break;
        }
        if (r.type === 'redirect' && r.in === inIface.dev && portMatch(p, r.protocol, r.port)) {
          const own = inIface.addrs[0];
          if (!own) break;
          dnatted = true;
          p = { ...p, dst: own.ip, dport: r.toPort };
          if (trace) hops.push({ node: node.name, action: 'redirect', detail: `redirect ${r.protocol}/${r.port} on ${r.in} => this node :${r.toPort}`, realizes: r.realizes });
          break;
        }
      }
    }
    // The packet filter's hooks (firewall.ts): input for packets to this node, forward for those
    // routed through it, output for those it sends; a connection it accepted passes on (stateful).
    const filter = (chain: FwChain, oif?: string): Walk | undefined => {
      if (!node.fw) return undefined;
      const v = evaluate(node.fw, chain, { src: p.src, dst: p.dst, proto: p.proto, dport: p.dport, ...(p.proto === 'icmp' ? { icmpType: dir === 'orig' ? 8 : 0 } : {}), ...(inIface ? { iif: inIface.dev } : {}), ...(oif !== undefined ? { oif } : {}), dnat: dnatted, established: entry !== undefined });
      const realizes = v.step?.realizes ?? node.fw.realizes;
      if (v.verdict === 'accept') {
        if (trace) hops.push({ node: node.name, action: 'filter', detail: `firewall ${chain}: accepted by ${verdictText(chain, v)}`, realizes });
        return undefined;
      }
      const w = drop(node.name, p, hops, `${v.verdict === 'reject' ? 'rejected' : 'blocked'} by ${node.name} firewall ${verdictText(chain, v)}`);
      w.hops[w.hops.length - 1]!.realizes = realizes;
      return unstable ? { ...w, unstable } : w;
    };
    if (isLocal(node, p.dst)) {
      const blocked = inIface ? filter('input') : undefined;
      if (blocked) return blocked;
      record(ct, node.name, before, p, dir, !!node.fw);
      const svc = dir === 'orig' && p.proto !== 'icmp' ? listening(node, p.proto, p.dst, p.dport) : undefined;
      if (trace) hops.push({ node: node.name, action: 'deliver', detail: `${formatIp(p.dst)} is local${svc ? `: ${svc.what}` : ''}`, realizes: svc?.realizes ?? node.realizes });
      return { delivered: true, node: node.name, pkt: p, hops, ...(unstable ? { unstable } : {}) };
    }
    if (inIface && !node.forwards) return drop(node.name, p, hops, `${node.name} does not forward (ip_forward off): ${formatIp(p.dst)} is not its address`);
    let r = routeLookup(node, p.dst);
    if (r?.alts && forks) {
      const k = forks.seen.length;
      forks.seen.push({ node: node.name, n: r.alts.length });
      const alt = r.alts[(forks.choose?.(k) ?? 0) % r.alts.length]!;
      if (alt.iface !== r.iface || alt.nexthop !== r.nexthop) r = { ...r, iface: alt.iface, nexthop: alt.nexthop };
    }
    if (!r) return drop(node.name, p, hops, `${node.name} has no route to ${formatIp(p.dst)}`);
    if (trace) hops.push({ node: node.name, action: 'route', detail: r.describe(), realizes: r.realizes });
    const blocked = filter(inIface ? 'forward' : 'output', r.iface.dev);
    if (blocked) return blocked;
    if (dir === 'orig' && !rev) p = postrouting(node, r.iface, p, hairpinned, trace ? hops : undefined, fullnat);
    record(ct, node.name, before, p, dir, !!node.fw);
    const next = arp(m, r.iface, r.nexthop);
    if ((m.byAddr.get(r.nexthop)?.length ?? 0) > 1) {
      const who = arpAnswerers(m, r.iface, r.nexthop);
      if (who.length > 1) unstable = `${formatIp(r.nexthop)} is answered by ${who.join(' and ')} (a duplicate address): the sender keeps whichever answer comes first`;
    }
    if (m.l2.unstable) {
      const owner = (m.byAddr.get(r.nexthop) ?? []).find((t) => t !== r.iface);
      const why = owner && m.l2.unstable(r.iface, owner);
      if (why) unstable = why;
    }
    if (!next) {
      const w = drop(node.name, p, hops, `no ARP reply for ${formatIp(r.nexthop)} on ${node.name}/${r.iface.dev} (${m.l2.segmentName(r.iface)})`);
      return unstable ? { ...w, unstable } : w;
    }
    if (trace) for (const s of m.l2.path(r.iface, next)) hops.push({ node: node.name, action: 'l2', detail: s.what, realizes: [...new Set(s.realizes)] });
    node = m.nodes.get(next.node)!;
    inIface = next;
    if (trace) hops.push({ node: node.name, action: 'arrive', detail: `on ${next.dev}`, realizes: next.realizes });
  }
  return drop(node.name, p, hops, `routing loop (more than ${MAX_HOPS} hops)`);
}

function postrouting(node: NetNode, out: NetIface, p: Packet, hairpinned: boolean, hops: Hop[] | undefined, fullnat?: NetNat): Packet {
  if (fullnat) {
    const to = out.addrs[0]?.ip;
    if (to === undefined) return p;
    hops?.push({ node: node.name, action: 'snat', detail: `load balancer ${fullnat.type === 'lb' ? fullnat.name : ''} (fullnat): source ${formatIp(p.src)} => ${formatIp(to)}, the backend answers this node`, realizes: fullnat.realizes });
    return { ...p, src: to };
  }
  for (const r of node.nat) {
    if (r.type === 'hairpin-masquerade' && hairpinned) {
      const to = out.addrs[0]?.ip;
      if (to === undefined) return p;
      hops?.push({ node: node.name, action: 'snat', detail: `hairpin NAT: source ${formatIp(p.src)} => ${formatIp(to)} so the reply returns here`, realizes: r.realizes });
      return { ...p, src: to };
    }
    if (r.type === 'snat' && r.out === out.dev && (!r.from || contains(r.from, p.src))) {
      const to = r.to ?? out.addrs[0]?.ip;
      if (to === undefined || to === p.src) return p;
      hops?.push({ node: node.name, action: 'snat', detail: `${r.to === undefined ? 'masquerade' : 'snat'} out ${out.dev}: source ${formatIp(p.src)} => ${formatIp(to)}`, realizes: r.realizes });
      return { ...p, src: to };
    }
  }
  return p;
}

const samePacket = (a: Packet, b: Packet): boolean => a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;

/**
 * Conntrack: what a node translated, so the reply is translated back; `always` (a node with a
 * packet filter) also keeps untranslated connections, which its stateful filter lets back in.
 */
function record(ct: Conntrack, node: string, before: Packet, after: Packet, dir: 'orig' | 'reply', always = false): void {
  if (dir !== 'orig' || (!always && samePacket(before, after))) return;
  const list = ct.get(node) ?? [];
  list.push({ before, after });
  ct.set(node, list);
}

function reverseMatch(ct: Conntrack, node: string, p: Packet): { pkt: Packet; dnat: boolean } | undefined {
  for (const e of ct.get(node) ?? []) {
    const a = e.after;
    if (p.proto === a.proto && p.src === a.dst && p.dst === a.src && p.sport === a.dport && p.dport === a.sport)
      return { pkt: { ...p, src: e.before.dst, dst: e.before.src, sport: e.before.dport, dport: e.before.sport }, dnat: e.before.dst !== a.dst || e.before.dport !== a.dport };
  }
  return undefined;
}

function drop(node: string, p: Packet, hops: Hop[], why: string): Walk {
  hops.push({ node, action: 'drop', detail: why, realizes: [] });
  return { delivered: false, node, pkt: p, hops, drop: why };
}

export interface RoundTrip {
  ok: boolean;
  /** Where the request was delivered (after any DNAT/redirect). */
  landed?: { node: string; addr: number; port: number };
  request: Walk;
  reply?: Walk;
  why?: string;
  /** The outcome depends on earlier traffic (see L2View.unstable). */
  unstable?: string;
}

/** How many other choices at equal-cost forks a round trip tries before it calls its outcome certain. */
const ECMP_TRIES = 32;

/**
 * A request from `srcNode` (source address `src`) and its reply; ok when the reply comes home.
 * A flow that crosses equal-cost routes (ECMP) takes the first next hop at every fork; the
 * other next hops are tried one fork at a time (bounded): where one of them ends otherwise,
 * the outcome depends on the kernel's flow hash, and the round trip says so (unstable).
 */
export function roundTrip(m: NetModel, srcNode: string, src: number, dst: number, proto: Proto, dport = 0, trace = true, pick = 0): RoundTrip {
  const forks: Forks = { seen: [] };
  const base = roundTripVia(m, srcNode, src, dst, proto, dport, trace, pick, forks);
  if (!forks.seen.length || base.unstable) return base;
  const seen = forks.seen;
  let tries = 0;
  for (let k = 0; k < seen.length && tries < ECMP_TRIES; k++)
    for (let j = 1; j < seen[k]!.n && tries < ECMP_TRIES; j++, tries++) {
      const alt = roundTripVia(m, srcNode, src, dst, proto, dport, false, pick, { seen: [], choose: (i) => (i === k ? j : 0) });
      if (alt.ok !== base.ok || alt.landed?.node !== base.landed?.node)
        return { ...base, unstable: `the flow crosses equal-cost routes (ECMP, at ${[...new Set(seen.map((f) => f.node))].join(', ')}) and ends otherwise on another of them: which one it takes is the kernel's hash of the flow` };
    }
  return base;
}

function roundTripVia(m: NetModel, srcNode: string, src: number, dst: number, proto: Proto, dport: number, trace: boolean, pick: number, forks: Forks): RoundTrip {
  const ct: Conntrack = new Map();
  const sport = proto === 'icmp' ? 0 : 40000;
  const req: Packet = { src, dst, proto, sport, dport: proto === 'icmp' ? 0 : dport };
  const request = walk(m, srcNode, req, ct, 'orig', trace, pick, forks);
  if (!request.delivered) return { ok: false, request, why: request.drop!, ...(request.unstable ? { unstable: request.unstable } : {}) };
  const got = request.pkt;
  const landed = { node: request.node, addr: got.dst, port: got.dport };
  const reply = walk(m, request.node, { src: got.dst, dst: got.src, proto, sport: got.dport, dport: got.sport }, ct, 'reply', trace, pick, forks);
  const unstable = request.unstable ?? reply.unstable;
  const res = finish(request, reply, srcNode, src, dst, req.dport, landed);
  return unstable ? { ...res, unstable } : res;
}

function finish(request: Walk, reply: Walk, srcNode: string, src: number, dst: number, dport: number, landed: RoundTrip['landed']): RoundTrip {
  if (!reply.delivered) return { ok: false, landed, request, reply, why: `reply lost: ${reply.drop}` };
  const r = reply.pkt;
  if (reply.node !== srcNode || r.dst !== src) return { ok: false, landed, request, reply, why: `reply delivered to ${reply.node} (${formatIp(r.dst)}), not the sender` };
  if (r.src !== dst || r.sport !== dport)
    return { ok: false, landed, request, reply, why: `reply comes from ${formatIp(r.src)} instead of ${formatIp(dst)}: the sender drops it (asymmetric NAT)` };
  return { ok: true, landed, request, reply };
}
