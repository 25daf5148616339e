// Dynamic routing in the model: the routes OSPF and BGP converge to (ospf.ts, bgp.ts) are
// installed into each node's table beside its static ones, the way zebra chooses between
// protocols for one prefix: the lowest administrative distance wins — connected and the node's
// own static routes (which the twin sets as kernel routes) 0, eBGP 20, OSPF 110, iBGP 200.
// Prefixes of different lengths all stay: the longest match decides per packet, as ever.
// The design model (from-design.ts) and the twin's (from-plan.ts) both call converge(), so
// `compare` and `verify` see the same routing in both.
import { formatIp, formatNet } from '../model/ip.js';
import type { RoutingSpec } from '../plan/types.js';
import { bgpRoutes, type BgpSession } from './bgp.js';
import { indexAddresses, type L2View, type NetModel, type NetNode } from './net-model.js';
import { ospfRoutes, type DynRoute } from './ospf.js';
import { forgetLookups } from './route-lookup.js';

export type { DynRoute } from './ospf.js';

export interface Converged {
  /** The routes each node's routing daemons install (what zebra's table shows selected), by node. */
  routes: Map<string, DynRoute[]>;
  sessions: BgpSession[];
}

const DISTANCE: Record<DynRoute['type'], number> = { intra: 110, inter: 110, external: 110, ebgp: 20, ibgp: 200 };

/** Converge the routing protocols of `specs` over `nodes` and install the winners into their routes. */
export function converge(nodes: Map<string, NetNode>, l2: L2View, specs: RoutingSpec[]): Converged | undefined {
  if (!specs.some((s) => s.ospf || s.bgp)) return undefined;
  const installed = new Map<string, DynRoute[]>();
  const ospf = ospfRoutes(nodes, l2, specs);
  for (const [name, routes] of ospf) install(nodes.get(name)!, routes, installed);
  let sessions: BgpSession[] = [];
  if (specs.some((s) => s.bgp)) {
    const m: NetModel = { nodes, l2, endpoints: [], byAddr: indexAddresses(nodes.values()) };
    const bgp = bgpRoutes(m, specs);
    sessions = bgp.sessions;
    for (const [name, routes] of bgp.routes) install(nodes.get(name)!, routes, installed);
  }
  return { routes: installed, sessions };
}

/** Install what wins over what the node has for the same prefix (kept in `installed` per node). */
function install(n: NetNode, routes: DynRoute[], installed: Map<string, DynRoute[]>): void {
  const mine = installed.get(n.name) ?? [];
  for (const r of routes) {
    if (n.ifaces.some((i) => i.addrs.some((a) => a.network === r.network && a.prefix === r.prefix))) continue; // connected
    const same = n.routes.findIndex((x) => x.network === r.network && x.prefix === r.prefix);
    const had = same >= 0 ? n.routes[same]! : undefined;
    const hadDyn = had ? mine.find((x) => x.network === r.network && x.prefix === r.prefix) : undefined;
    if (had && !hadDyn) continue; // the node's own static route: distance 0 in the twin's kernel
    if (hadDyn && DISTANCE[hadDyn.type] <= DISTANCE[r.type]) continue;
    const first = r.nexthops[0]!;
    const route = { network: r.network, prefix: r.prefix, via: first.via, dev: first.dev, ...(r.nexthops.length > 1 ? { nexthops: r.nexthops } : {}), metric: r.metric, realizes: r.realizes };
    if (hadDyn) {
      n.routes[same] = route;
      mine.splice(mine.indexOf(hadDyn), 1, r);
    } else {
      n.routes.push(route);
      mine.push(r);
    }
  }
  mine.sort((x, y) => x.network - y.network || x.prefix - y.prefix);
  installed.set(n.name, mine);
  forgetLookups(n);
}

/** Lines for `expect`: each node's converged routes and the BGP sessions. */
export function formatConverged(c: Converged): string[] {
  const out = ['Converged routing (OSPF, BGP):'];
  for (const [node, routes] of [...c.routes].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`  ${node}:${routes.length ? '' : ' no learned routes'}`);
    for (const r of routes) out.push(`    ${formatNet(r).padEnd(18)} ${r.proto} ${r.type}${r.proto === 'ospf' ? ` cost ${r.metric}` : ''} via ${r.nexthops.map((h) => `${formatIp(h.via)} (${h.dev})`).join(', ')}`);
  }
  for (const s of c.sessions) out.push(`  bgp session ${s.a} (${formatIp(s.aAddr)}) - ${s.b} (${formatIp(s.bAddr)}) ${s.ebgp ? 'eBGP' : 'iBGP'}: ${s.up ? 'established' : `down (${s.why})`}`);
  return out;
}

/** `expect --json`: each node's converged routes and the BGP sessions. */
export function convergedJson(c: Converged): unknown {
  return {
    routes: Object.fromEntries(
      [...c.routes].sort(([a], [b]) => a.localeCompare(b)).map(([node, rs]) => [node, rs.map((r) => ({ to: formatNet(r), proto: r.proto, type: r.type, ...(r.proto === 'ospf' ? { cost: r.metric } : {}), nexthops: r.nexthops.map((h) => ({ via: formatIp(h.via), dev: h.dev })) }))]),
    ),
    sessions: c.sessions.map((s) => ({ a: s.a, aAddress: formatIp(s.aAddr), b: s.b, bAddress: formatIp(s.bAddr), ebgp: s.ebgp, up: s.up, ...(s.why ? { why: s.why } : {}) })),
  };
}
