// OSPFv2 converged, computed rather than run: the routes every OSPF router ends up with, for
// the design and for the twin alike (dynamic.ts installs them into the NetModel beside the
// static routes). What is modelled, in the order OSPF itself prefers routes:
//   1. intra-area: shortest paths (sum of the outgoing interfaces' costs) over the area's
//      adjacencies, to every subnet an area router has on an OSPF interface (passive ones
//      too); equal costs give several next hops (ECMP);
//   2. inter-area: an area border router (interfaces in area 0 and another area) announces
//      what it reaches in one area into the others, at its own cost; a router takes the
//      least cost to the border router plus that; a border router takes these only from area 0;
//   3. external, type 2 (redistributed connected/static routes at metric 20, a default route at
//      10, or 1 with "always"): lowest metric first, then least cost to the announcing router.
// Adjacencies: two non-passive OSPF interfaces of different routers in one area that hear
// each other (the L2 view) and share a subnet. Not modelled: stub/NSSA areas, virtual links,
// area ranges, MTU mismatches, external type 1, forwarding addresses.
import { formatIp, formatNet } from '../model/ip.js';
import type { RoutingSpec } from '../plan/types.js';
import type { L2View, NetIface, NetNode } from './net-model.js';
import { ospfRef } from './routing-spec.js';

export interface NextHop {
  via: number;
  dev: string;
}

/** A converged route of a routing protocol, before it meets the node's own routes. */
export interface DynRoute {
  network: number;
  prefix: number;
  nexthops: NextHop[];
  proto: 'ospf' | 'bgp';
  /** intra, inter, external (OSPF); ebgp, ibgp (BGP). */
  type: 'intra' | 'inter' | 'external' | 'ebgp' | 'ibgp';
  /** OSPF: total cost (externals: their metric); BGP: 0. */
  metric: number;
  realizes: string[];
}

/** Metrics FRR's ospfd gives external routes it originates (type 2). */
export const EXTERNAL_METRIC = 20;
export const DEFAULT_ORIGINATE_METRIC = 10;
export const DEFAULT_ALWAYS_METRIC = 1;

interface OIface {
  router: string;
  iface: NetIface;
  area: number;
  cost: number;
  passive: boolean;
}
interface Edge {
  to: string;
  cost: number;
  hop: string;
}
interface Area {
  routers: Set<string>;
  adj: Map<string, Edge[]>;
  /** Prefix key -> the routers with it on an OSPF interface of this area, and their cost to it. */
  stubs: Map<string, { router: string; cost: number }[]>;
}
interface Spf {
  dist: Map<string, number>;
  hops: Map<string, Set<string>>;
}
interface Best {
  cost: number;
  /** For externals: cost to the announcing router, the tie-breaker after the metric. */
  tie: number;
  hops: Set<string>;
  type: DynRoute['type'];
}

const key = (network: number, prefix: number): string => `${network}/${prefix}`;
const hopKey = (dev: string, via: number): string => `${dev}|${via}`;
const unkey = (k: string): { network: number; prefix: number } => {
  const [n, p] = k.split('/');
  return { network: Number(n), prefix: Number(p) };
};

/** The converged OSPF routes of every OSPF router of `nodes`, by node name. */
export function ospfRoutes(nodes: Map<string, NetNode>, l2: L2View, specs: RoutingSpec[]): Map<string, DynRoute[]> {
  const oifs: OIface[] = [];
  const ospfNodes = new Map<string, RoutingSpec>();
  for (const s of specs) {
    const n = nodes.get(s.node);
    if (!n || !s.ospf) continue;
    ospfNodes.set(s.node, s);
    for (const i of s.ospf.ifaces) {
      const iface = n.ifaces.find((x) => x.dev === i.dev);
      // An interface without an address (or one the twin left out) runs no OSPF.
      if (iface?.addrs.length) oifs.push({ router: s.node, iface, area: i.area, cost: i.cost, passive: i.passive });
    }
  }
  const areas = buildAreas(oifs, l2);
  const spfs = new Map<string, Spf>(); // `${area}|${router}`
  const spf = (a: number, r: string): Spf => {
    const k = `${a}|${r}`;
    let s = spfs.get(k);
    if (!s) spfs.set(k, (s = dijkstra(areas.get(a)!, r)));
    return s;
  };
  const areasOf = new Map<string, number[]>();
  for (const [a, ar] of areas) for (const r of ar.routers) areasOf.set(r, [...(areasOf.get(r) ?? []), a]);
  const isAbr = (r: string): boolean => (areasOf.get(r) ?? []).length > 1 && areasOf.get(r)!.includes(0);

  // 1. intra-area routes, per router and prefix (the least cost over the router's areas).
  const intra = new Map<string, Map<string, Best & { area: number }>>();
  for (const [r, as] of areasOf) {
    const table = new Map<string, Best & { area: number }>();
    for (const a of as) {
      const s = spf(a, r);
      for (const [p, ads] of areas.get(a)!.stubs) {
        if (ads.some((x) => x.router === r)) continue; // its own subnet: connected
        offer(table, p, ads.flatMap((x) => (s.dist.has(x.router) ? [{ cost: s.dist.get(x.router)! + x.cost, hops: s.hops.get(x.router)! }] : [])), { type: 'intra', area: a });
      }
    }
    intra.set(r, table);
  }
  // 2. summaries: border routers announce into each of their areas what they reach in the
  // others (their own subnets of those areas, at the interface's cost, included).
  const summaries = new Map<number, Map<string, { abr: string; cost: number }[]>>(); // area -> prefix -> offers
  const announce = (abr: string, into: number, p: string, cost: number): void => {
    const m = summaries.get(into) ?? summaries.set(into, new Map()).get(into)!;
    m.set(p, [...(m.get(p) ?? []), { abr, cost }]);
  };
  for (const [r, as] of areasOf) {
    if (!isAbr(r)) continue;
    for (const from of as) {
      const ownHere = new Map<string, number>();
      for (const [p, ads] of areas.get(from)!.stubs) for (const x of ads) if (x.router === r) ownHere.set(p, Math.min(ownHere.get(p) ?? Infinity, x.cost));
      const reached = new Map([...ownHere]);
      for (const [p, b] of intra.get(r)!) if (b.area === from && !reached.has(p)) reached.set(p, b.cost);
      for (const into of as) if (into !== from) for (const [p, c] of reached) if (!areas.get(into)!.stubs.has(p)) announce(r, into, p, c);
    }
  }
  // Border routers take inter-area routes from the backbone only, and pass those on into their other areas.
  const inter = new Map<string, Map<string, Best>>();
  const interFrom = (r: string, as: number[]): Map<string, Best> => {
    const table = new Map<string, Best>();
    for (const a of as) {
      const s = spf(a, r);
      for (const [p, offers] of summaries.get(a) ?? []) {
        if (intra.get(r)!.has(p) || ownPrefix(areas, r, p)) continue;
        offer(table, p, offers.flatMap((o) => (o.abr !== r && s.dist.has(o.abr) ? [{ cost: s.dist.get(o.abr)! + o.cost, hops: s.hops.get(o.abr)! }] : [])), { type: 'inter' });
      }
    }
    return table;
  };
  for (const [r] of areasOf) if (isAbr(r)) inter.set(r, interFrom(r, [0]));
  for (const [r, as] of areasOf) {
    if (!isAbr(r)) continue;
    for (const into of as) if (into !== 0) for (const [p, b] of inter.get(r)!) if (!areas.get(into)!.stubs.has(p)) announce(r, into, p, b.cost);
  }
  for (const [r, as] of areasOf) if (!isAbr(r)) inter.set(r, interFrom(r, as));

  // 3. externals.
  const externals = externalOffers(ospfNodes, nodes);
  const out = new Map<string, DynRoute[]>();
  for (const [r, as] of areasOf) {
    const table = new Map<string, Best>([...inter.get(r)!]);
    for (const [p, b] of intra.get(r)!) table.set(p, b);
    const ext = new Map<string, Best>();
    for (const [p, offers] of externals) {
      if (table.has(p) || offers.some((o) => o.asbr === r)) continue;
      const cands = offers.flatMap((o) => {
        const to = routerCost(r, o.asbr, as, areasOf, spf);
        return to ? [{ cost: o.metric, tie: to.cost, hops: to.hops }] : [];
      });
      offerExternal(ext, p, cands);
    }
    for (const [p, b] of ext) table.set(p, b);
    const routes: DynRoute[] = [];
    for (const [p, b] of table) {
      const { network, prefix } = unkey(p);
      const nexthops = [...b.hops].map((h) => {
        const [dev, via] = h.split('|');
        return { dev: dev!, via: Number(via) };
      });
      nexthops.sort((x, y) => x.via - y.via || x.dev.localeCompare(y.dev));
      if (nexthops.length) routes.push({ network, prefix, nexthops, proto: 'ospf', type: b.type, metric: b.cost, realizes: [ospfRef(r)] });
    }
    routes.sort((x, y) => x.network - y.network || x.prefix - y.prefix);
    out.set(r, routes);
  }
  return out;
}

function buildAreas(oifs: OIface[], l2: L2View): Map<number, Area> {
  const areas = new Map<number, Area>();
  const areaOf = (a: number): Area => areas.get(a) ?? areas.set(a, { routers: new Set(), adj: new Map(), stubs: new Map() }).get(a)!;
  const bySubnet = new Map<string, OIface[]>(); // area|subnet -> non-passive interfaces on it
  for (const o of oifs) {
    const ar = areaOf(o.area);
    ar.routers.add(o.router);
    for (const a of o.iface.addrs) {
      const p = key(a.network, a.prefix);
      const list = ar.stubs.get(p) ?? [];
      if (!list.some((x) => x.router === o.router && x.cost <= o.cost)) list.push({ router: o.router, cost: o.cost });
      ar.stubs.set(p, list);
      if (o.passive) continue;
      const k = `${o.area}|${p}`;
      bySubnet.set(k, [...(bySubnet.get(k) ?? []), o]);
    }
  }
  const seen = new Set<string>();
  for (const [k, list] of bySubnet) {
    const ar = areas.get(Number(k.split('|')[0]))!;
    const [, net] = k.split('|');
    const { network, prefix } = unkey(net!);
    for (const x of list)
      for (const y of list) {
        if (x.router === y.router || !l2.adjacent(x.iface, y.iface)) continue;
        // Two subnets shared by one pair of interfaces make one adjacency, not two.
        const pair = `${x.router}/${x.iface.dev}>${y.router}/${y.iface.dev}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        const via = y.iface.addrs.find((a) => a.network === network && a.prefix === prefix)!.ip;
        ar.adj.set(x.router, [...(ar.adj.get(x.router) ?? []), { to: y.router, cost: x.cost, hop: hopKey(x.iface.dev, via) }]);
      }
  }
  return areas;
}

/** Shortest paths from `src` in one area, with every first hop of every equal-cost path. */
function dijkstra(ar: Area, src: string): Spf {
  const dist = new Map<string, number>([[src, 0]]);
  const hops = new Map<string, Set<string>>([[src, new Set()]]);
  const done = new Set<string>();
  for (;;) {
    let u: string | undefined;
    for (const [v, d] of dist) if (!done.has(v) && (u === undefined || d < dist.get(u)!)) u = v;
    if (u === undefined) break;
    done.add(u);
    const du = dist.get(u)!;
    for (const e of ar.adj.get(u) ?? []) {
      const nd = du + e.cost;
      const via = u === src ? new Set([e.hop]) : hops.get(u)!;
      const old = dist.get(e.to);
      if (old === undefined || nd < old) {
        dist.set(e.to, nd);
        hops.set(e.to, new Set(via));
      } else if (nd === old && !done.has(e.to)) for (const h of via) hops.get(e.to)!.add(h);
    }
  }
  return { dist, hops };
}

/** Keep the cheapest of `cands` for prefix p (equal costs: all their next hops), unless the table has a cheaper one. */
function offer<T extends Best>(table: Map<string, T>, p: string, cands: { cost: number; hops: Set<string> }[], extra: Omit<T, 'cost' | 'tie' | 'hops'>): void {
  for (const c of cands) {
    const b = table.get(p);
    if (!c.hops.size) continue;
    if (!b || c.cost < b.cost) table.set(p, { ...extra, cost: c.cost, tie: 0, hops: new Set(c.hops) } as T);
    else if (c.cost === b.cost) for (const h of c.hops) b.hops.add(h);
  }
}

function offerExternal(table: Map<string, Best>, p: string, cands: { cost: number; tie: number; hops: Set<string> }[]): void {
  for (const c of cands) {
    const b = table.get(p);
    if (!c.hops.size) continue;
    if (!b || c.cost < b.cost || (c.cost === b.cost && c.tie < b.tie)) table.set(p, { cost: c.cost, tie: c.tie, hops: new Set(c.hops), type: 'external' });
    else if (c.cost === b.cost && c.tie === b.tie) for (const h of c.hops) b.hops.add(h);
  }
}

function ownPrefix(areas: Map<number, Area>, r: string, p: string): boolean {
  for (const ar of areas.values()) if (ar.stubs.get(p)?.some((x) => x.router === r)) return true;
  return false;
}

/** Cost and first hops from r to router e: inside a shared area, or through a border router of one of r's areas. */
function routerCost(r: string, e: string, as: number[], areasOf: Map<string, number[]>, spf: (a: number, r: string) => Spf): { cost: number; hops: Set<string> } | undefined {
  let best: { cost: number; hops: Set<string> } | undefined;
  const take = (cost: number, hops: Set<string>): void => {
    if (!hops.size) return;
    if (!best || cost < best.cost) best = { cost, hops: new Set(hops) };
    else if (cost === best.cost) for (const h of hops) best.hops.add(h);
  };
  const eAreas = areasOf.get(e) ?? [];
  for (const a of as) {
    const s = spf(a, r);
    if (eAreas.includes(a) && s.dist.has(e)) take(s.dist.get(e)!, s.hops.get(e)!);
  }
  if (best) return best;
  for (const a of as)
    for (const [b, d] of spf(a, r).dist) {
      const bAreas = areasOf.get(b)!;
      if (b === r || !bAreas.includes(0) || bAreas.length < 2) continue;
      for (const a2 of bAreas) {
        if (a2 === a || !eAreas.includes(a2)) continue;
        const s2 = spf(a2, b);
        if (s2.dist.has(e)) take(d + s2.dist.get(e)!, spf(a, r).hops.get(b)!);
      }
    }
  return best;
}

/** External routes each OSPF router announces (redistribution, default route), by prefix. */
function externalOffers(ospfNodes: Map<string, RoutingSpec>, nodes: Map<string, NetNode>): Map<string, { asbr: string; metric: number }[]> {
  const out = new Map<string, { asbr: string; metric: number }[]>();
  const add = (p: string, asbr: string, metric: number): void => {
    const list = out.get(p) ?? [];
    const had = list.find((x) => x.asbr === asbr);
    if (had) had.metric = Math.min(had.metric, metric);
    else list.push({ asbr, metric });
    out.set(p, list);
  };
  for (const [name, s] of ospfNodes) {
    const o = s.ospf!;
    const n = nodes.get(name)!;
    const hasDefault = n.routes.some((r) => r.prefix === 0);
    if (o.redistribute.includes('connected')) for (const i of n.ifaces) for (const a of i.addrs) add(key(a.network, a.prefix), name, EXTERNAL_METRIC);
    if (o.redistribute.includes('static')) for (const r of n.routes) add(key(r.network, r.prefix), name, EXTERNAL_METRIC);
    if (o.defaultInformation === 'always') add(key(0, 0), name, DEFAULT_ALWAYS_METRIC);
    else if (o.defaultInformation === 'originate' && hasDefault) add(key(0, 0), name, DEFAULT_ORIGINATE_METRIC);
  }
  return out;
}

/** "10.1.0.0/24 via 10.0.0.2 dev eth0, via 10.0.1.2 dev eth1": for messages. */
export const routeText = (r: DynRoute): string => `${formatNet(r)} ${r.nexthops.map((h) => `via ${formatIp(h.via)} dev ${h.dev}`).join(', ')} (${r.proto} ${r.type})`;
