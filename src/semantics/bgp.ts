// BGP-4 converged, computed: sessions, what each speaker announces and which path it keeps,
// for the design and for the twin alike. Sessions come up where the two ends list each other
// with the AS numbers they have and TCP/179 gets through (the forwarding engine walks it over
// the connected, static and OSPF routes). Best path, the steps modelled, in order:
//   1. locally originated (networks, redistribution; FRR gives them weight 32768)
//   2. highest LOCAL_PREF (the neighbour's local-pref, default 100; carried over iBGP)
//   3. shortest AS path
//   4. lowest origin (IGP for networks < incomplete for redistributed routes)
//   5. external (eBGP) over internal (iBGP)
//   6. lowest IGP cost to the next hop
//   7. lowest router ID of the neighbour (the twin runs "bgp bestpath compare-routerid", so the
//      oldest path never decides: that would depend on timing), then lowest neighbour address.
// MED, communities, weight from policy, route reflection, confederations and multipath are not
// modelled (one best path per prefix, as FRR's default maximum-paths 1 for BGP). Announcing:
// eBGP prepends the AS (once, plus `prepend` times) and sets the next hop to the session's own
// address; iBGP keeps both and never passes iBGP routes to other iBGP peers; a route is not
// sent back to the neighbour it came from; loops (the own AS in the path) are dropped; import
// and export prefix lists filter; a "network" is announced only with a route to exactly it.
import { contains, formatIp, mask } from '../model/ip.js';
import type { BgpNeighborSpec, PrefixSpec, RoutingSpec } from '../plan/types.js';
import { parseCidr, parseIp } from '../model/ip.js';
import { roundTrip } from './forward.js';
import type { NetModel, NetNode } from './net-model.js';
import { routeLookup } from './route-lookup.js';
import { bgpRef, learnedBy } from './routing-spec.js';
import type { DynRoute, NextHop } from './ospf.js';

export interface BgpSession {
  a: string;
  b: string;
  /** The addresses each end speaks from. */
  aAddr: number;
  bAddr: number;
  ebgp: boolean;
  up: boolean;
  why?: string;
}

interface Path {
  network: number;
  prefix: number;
  asPath: number[];
  localPref: number;
  /** 0 IGP, 2 incomplete. */
  origin: number;
  nexthop: number;
  local: boolean;
  ebgp: boolean;
  /** The session it came over (undefined: local). */
  from?: { node: string; addr: number; routerId: number };
  igp: number;
}

interface Peer {
  node: string;
  /** Our address on this session, and theirs. */
  mine: number;
  theirs: number;
  nb: BgpNeighborSpec;
  ebgp: boolean;
}

const MAX_ROUNDS = 64;
const pkey = (network: number, prefix: number): string => `${network}/${prefix}`;

export interface BgpResult {
  sessions: BgpSession[];
  /** The best path of every prefix each speaker learned from a neighbour, as routes to install. */
  routes: Map<string, DynRoute[]>;
}

export function bgpRoutes(m: NetModel, specs: RoutingSpec[]): BgpResult {
  const speakers = new Map(specs.filter((s) => s.bgp && m.nodes.has(s.node)).map((s) => [s.node, s]));
  const owner = new Map<number, string>();
  for (const name of speakers.keys()) for (const i of m.nodes.get(name)!.ifaces) for (const a of i.addrs) owner.set(a.ip, name);
  const { sessions, peers } = establish(m, speakers, owner);
  const rid = new Map([...speakers].map(([n, s]) => [n, parseIp(s.routerId) ?? 0]));
  // Adj-RIB-In: node -> prefix -> paths (one per neighbour), and the local routes.
  const locRib = new Map<string, Map<string, Path>>();
  for (const [name, s] of speakers) locRib.set(name, new Map([...originate(m.nodes.get(name)!, s)].map((p) => [pkey(p.network, p.prefix), p])));
  const local = new Map([...locRib].map(([n, t]) => [n, new Map(t)]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    const next = new Map<string, Map<string, Path>>();
    for (const [name, s] of speakers) {
      const node = m.nodes.get(name)!;
      const cands = new Map<string, Path[]>();
      for (const [k, p] of local.get(name)!) cands.set(k, [p]);
      for (const peer of peers.get(name) ?? []) {
        for (const p of locRib.get(peer.node)!.values()) {
          const got = announce(p, peer, speakers.get(peer.node)!, name, s, rid.get(peer.node)!);
          if (!got) continue;
          const res = resolve(node, got.nexthop);
          if (!res) continue; // next hop not reachable: the path is not valid
          got.igp = res.metric;
          const k = pkey(got.network, got.prefix);
          cands.set(k, [...(cands.get(k) ?? []), got]);
        }
      }
      const best = new Map<string, Path>();
      for (const [k, ps] of cands) best.set(k, ps.reduce((x, y) => (better(y, x) ? y : x)));
      next.set(name, best);
      if (!sameRib(best, locRib.get(name)!)) changed = true;
    }
    for (const [n, t] of next) locRib.set(n, t);
    if (!changed) break;
  }
  const routes = new Map<string, DynRoute[]>();
  for (const [name, rib] of locRib) {
    const node = m.nodes.get(name)!;
    const list: DynRoute[] = [];
    for (const p of rib.values()) {
      if (p.local) continue;
      const res = resolve(node, p.nexthop);
      if (!res) continue;
      list.push({ network: p.network, prefix: p.prefix, nexthops: res.nexthops, proto: 'bgp', type: p.ebgp ? 'ebgp' : 'ibgp', metric: 0, realizes: [bgpRef(name)] });
    }
    list.sort((x, y) => x.network - y.network || x.prefix - y.prefix);
    routes.set(name, list);
  }
  return { sessions, routes };
}

/** Sessions: both ends list each other (the address the other speaks from), the AS numbers agree, and TCP/179 gets through. */
function establish(m: NetModel, speakers: Map<string, RoutingSpec>, owner: Map<number, string>): { sessions: BgpSession[]; peers: Map<string, Peer[]> } {
  const sessions: BgpSession[] = [];
  const peers = new Map<string, Peer[]>();
  const done = new Set<string>();
  for (const [a, sa] of speakers) {
    for (const nb of sa.bgp!.neighbors) {
      const addr = parseIp(nb.address);
      const b = addr === undefined ? undefined : owner.get(addr);
      if (addr === undefined || !b || b === a) continue;
      const sb = speakers.get(b)!;
      // The address a speaks from towards b: the outgoing interface's first address on the way.
      const src = sourceFor(m.nodes.get(a)!, addr);
      const back = sb.bgp!.neighbors.find((x) => parseIp(x.address) === src);
      const pair = [a, b].sort().join('|') + `|${Math.min(src ?? 0, addr)}|${Math.max(src ?? 0, addr)}`;
      if (done.has(pair)) continue;
      done.add(pair);
      const ebgp = sa.bgp!.asn !== sb.bgp!.asn;
      const s: BgpSession = { a, b, aAddr: src ?? 0, bAddr: addr, ebgp, up: false };
      if (src === undefined) s.why = `${a} has no route to ${formatIp(addr)}`;
      else if (!back) s.why = `${b} does not list ${formatIp(src)} (the address ${a} speaks from) as a neighbour`;
      else if (nb.asn !== sb.bgp!.asn || back.asn !== sa.bgp!.asn) s.why = 'the AS numbers configured do not match';
      else {
        const t = roundTrip(m, a, src, addr, 'tcp', 179, false);
        if (!t.ok || t.landed?.node !== b) s.why = `TCP/179 from ${a} (${formatIp(src)}) to ${formatIp(addr)} does not get through${t.why ? `: ${t.why}` : ''}`;
        else {
          s.up = true;
          peers.set(a, [...(peers.get(a) ?? []), { node: b, mine: src, theirs: addr, nb, ebgp }]);
          peers.set(b, [...(peers.get(b) ?? []), { node: a, mine: addr, theirs: src, nb: back, ebgp }]);
        }
      }
      sessions.push(s);
    }
  }
  return { sessions, peers };
}

function sourceFor(n: NetNode, dst: number): number | undefined {
  const r = routeLookup(n, dst);
  if (!r) return undefined;
  const a = r.iface.addrs.find((c) => contains(c, r.nexthop)) ?? r.iface.addrs[0];
  return a?.ip;
}

/** The speaker's own routes: networks it has a route to exactly, and what it redistributes. */
function originate(n: NetNode, s: RoutingSpec): Path[] {
  const b = s.bgp!;
  const out = new Map<string, Path>();
  const add = (network: number, prefix: number, origin: number): void => {
    const k = pkey(network, prefix);
    const had = out.get(k);
    if (!had || origin < had.origin) out.set(k, { network, prefix, asPath: [], localPref: 100, origin, nexthop: 0, local: true, ebgp: false, igp: 0 });
  };
  const connected = n.ifaces.flatMap((i) => i.addrs.map((a) => ({ network: a.network, prefix: a.prefix })));
  const statics = n.routes.filter((r) => !learnedBy(r.realizes));
  const ospf = n.routes.filter((r) => learnedBy(r.realizes, 'ospf'));
  const has = (network: number, prefix: number) => [...connected, ...n.routes].some((r) => r.network === network && r.prefix === prefix);
  for (const p of b.networks) {
    const c = parseCidr(p);
    if (c && has(c.network, c.prefix)) add(c.network, c.prefix, 0);
  }
  if (b.redistribute.includes('connected')) for (const c of connected) add(c.network, c.prefix, 2);
  if (b.redistribute.includes('static')) for (const r of statics) add(r.network, r.prefix, 2);
  if (b.redistribute.includes('ospf')) for (const r of ospf) add(r.network, r.prefix, 2);
  return [...out.values()];
}

/** What `from` sends `to` of its best path p over a session, as `to` receives it (after both policies), or nothing. */
function announce(p: Path, peer: Peer, fromSpec: RoutingSpec, to: string, toSpec: RoutingSpec, fromRid: number): Path | undefined {
  const from = peer.node;
  // peer: the session as seen from `to` (peer.node is `from`, peer.nb is to's config of it).
  const out = fromSpec.bgp!.neighbors.find((x) => parseIp(x.address) === peer.mine);
  if (!out) return undefined;
  if (p.from?.node === to) return undefined; // not back to where it came from
  if (!peer.ebgp && !p.local && !p.ebgp) return undefined; // iBGP routes are not passed to iBGP peers
  if (out.export && !matches(out.export, p)) return undefined;
  const asPath = peer.ebgp ? [...Array(1 + out.prepend).fill(fromSpec.bgp!.asn), ...p.asPath] : p.asPath;
  if (asPath.includes(toSpec.bgp!.asn) && peer.ebgp) return undefined; // loop
  if (peer.nb.import && !matches(peer.nb.import, p)) return undefined;
  const nexthop = peer.ebgp || p.local ? peer.theirs : p.nexthop;
  const localPref = peer.nb.localPref ?? (peer.ebgp ? 100 : p.localPref);
  return { network: p.network, prefix: p.prefix, asPath, localPref, origin: p.origin, nexthop, local: false, ebgp: peer.ebgp, from: { node: from, addr: peer.theirs, routerId: fromRid }, igp: 0 };
}

function matches(list: PrefixSpec[], p: { network: number; prefix: number }): boolean {
  return list.some((e) => {
    const c = parseCidr(e.prefix);
    if (!c || p.prefix < c.prefix || ((p.network & mask(c.prefix)) >>> 0) !== c.network) return false;
    const ge = e.ge ?? (e.le !== undefined ? c.prefix : c.prefix);
    const le = e.le ?? (e.ge !== undefined ? 32 : c.prefix);
    return p.prefix >= ge && p.prefix <= le;
  });
}

/** The IGP route to a next hop (connected, static or OSPF; never BGP itself, never the default route): its next hops and cost. */
function resolve(n: NetNode, nh: number): { nexthops: NextHop[]; metric: number } | undefined {
  for (const i of n.ifaces) for (const a of i.addrs) if (contains(a, nh)) return { nexthops: [{ via: nh, dev: i.dev }], metric: 0 };
  let best: (typeof n.routes)[number] | undefined;
  for (const r of n.routes) {
    if (r.prefix === 0 || learnedBy(r.realizes, 'bgp')) continue;
    if (((nh & mask(r.prefix)) >>> 0) !== r.network || (best && best.prefix >= r.prefix)) continue;
    best = r;
  }
  if (!best || best.via === undefined) return undefined;
  const hops = best.nexthops ?? [{ via: best.via, dev: best.dev ?? n.ifaces.find((i) => i.addrs.some((a) => contains(a, best!.via!)))?.dev ?? '' }];
  return { nexthops: hops, metric: best.metric ?? 0 };
}

/** Whether path a beats path b (the steps in the header). */
function better(a: Path, b: Path): boolean {
  if (a.local !== b.local) return a.local;
  if (a.localPref !== b.localPref) return a.localPref > b.localPref;
  if (a.asPath.length !== b.asPath.length) return a.asPath.length < b.asPath.length;
  if (a.origin !== b.origin) return a.origin < b.origin;
  if (a.ebgp !== b.ebgp) return a.ebgp;
  if (a.igp !== b.igp) return a.igp < b.igp;
  const ra = a.from?.routerId ?? 0;
  const rb = b.from?.routerId ?? 0;
  if (ra !== rb) return ra < rb;
  return (a.from?.addr ?? 0) < (b.from?.addr ?? 0);
}

function sameRib(a: Map<string, Path>, b: Map<string, Path>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, p] of a) {
    const q = b.get(k);
    if (!q || q.nexthop !== p.nexthop || q.localPref !== p.localPref || q.asPath.join(' ') !== p.asPath.join(' ') || q.from?.node !== p.from?.node) return false;
  }
  return true;
}
