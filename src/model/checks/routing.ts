// Dynamic routing (routing: on routers and L3 switches): OSPF runs on interfaces the node has,
// with addresses, in areas that meet the backbone; router IDs are unique; BGP neighbours are
// nodes of the design that list this node back with the AS number it really has.
import { contains, formatIp, formatNet } from '../ip.js';
import { error, warning, type Finding } from '../problems.js';
import { AREA_MAX, formatArea } from '../resolve-routing.js';
import { closest } from '../suggest.js';
import type { BgpNeighbor, Design, DesignNode, Routing } from '../types.js';
import { routingOf } from '../types.js';
import { domainsOf, holdersOf, list, type AddrHolder } from './util.js';

export const COST_MAX = 65535;
export const ASN_MAX = 0xffffffff;
export const PREPEND_MAX = 10;

/** The router ID a node runs with: the design's, else its highest address (as FRR and most vendors pick). */
export function routerIdOf(n: DesignNode, r: Routing): number | undefined {
  if (r.routerId !== undefined) return r.routerId;
  const all = holdersOf(n).flatMap((h) => h.addresses.map((a) => a.ip));
  return all.length ? Math.max(...all) : undefined;
}

export function checkRouting(d: Design): Finding[] {
  const f: Finding[] = [];
  const ids = new Map<number, string>();
  for (const n of d.nodes) {
    const r = routingOf(n);
    if (!r) continue;
    const id = routerIdOf(n, r);
    if (id !== undefined && (r.ospf || r.bgp)) {
      const other = ids.get(id);
      const at = r.routerId !== undefined ? [...r.path, 'router-id'] : r.path;
      if (other) f.push(error('E-ROUTER-ID-DUP', at, `${n.name} would run with router ID ${formatIp(id)}, which ${other} has already; OSPF and BGP need one ID per router: set "router-id" to an address of ${n.name} no other router uses.`, r.routerId === undefined));
      else ids.set(id, n.name);
    }
    if (r.ospf) checkOspf(n, r, f);
    if (r.bgp) checkBgpShape(n, r, f);
  }
  checkAreas(d, f);
  checkBgpPeers(d, f);
  return f;
}

function checkOspf(n: DesignNode, r: Routing, f: Finding[]): void {
  const o = r.ospf!;
  const hs = holdersOf(n);
  const devs = hs.map((h) => h.dev);
  if (!o.ifaces.length) f.push(error('E-OSPF-EMPTY', [...o.path, 'interfaces'], `OSPF on ${n.name} lists no interface, so it has no area and announces nothing; list the interfaces that run it, e.g. "interfaces: { ${devs[0] ?? 'eth0'}: { area: 0 } }", or remove "ospf".`, true));
  for (const i of o.ifaces) {
    const h = hs.find((x) => x.dev === i.dev);
    if (!h) {
      const hint = closest(i.dev, devs);
      f.push(error('E-OSPF-IFACE', i.path, `${n.name} has no interface "${i.dev}" to run OSPF on; ${hint ? `did you mean "${hint}"?` : `use one of: ${devs.join(', ') || 'none'} ("vlanN" for an SVI).`}`, true));
      continue;
    }
    if (!h.addresses.length) f.push(error('E-OSPF-NO-ADDRESS', i.path, `${n.name}'s OSPF interface ${i.dev} has no address, and OSPF speaks from an address on the interface; give ${i.dev} one, or leave it out of OSPF.`, true));
    if (i.cost < 1 || i.cost > COST_MAX) f.push(error('E-OSPF-COST', [...i.path, 'cost'], `OSPF cost ${i.cost} is outside 1-${COST_MAX}; use e.g. 10 (lower costs attract traffic).`));
    if (i.area > AREA_MAX) f.push(error('E-OSPF-AREA', [...i.path, 'area'], `OSPF area ${i.area} is beyond ${AREA_MAX}.`));
  }
  if (o.defaultInformation === 'originate' && n.kind !== 'l3-switch' && (n as { gateway?: number }).gateway === undefined && !('routes' in n && n.routes.some((x) => x.to.prefix === 0))) {
    f.push(warning('W-OSPF-DEFAULT-NONE', [...o.path, 'default-information'], `${n.name} announces a default route only while it has one, and it has no gateway or default route of its own; give it a "gateway", or write "always".`));
  }
}

/**
 * Areas: every non-backbone area needs a router with interfaces in it and in area 0 (an area
 * border router), or its routes stay inside it; routers meeting on one segment must agree on
 * the area, or they never become neighbours.
 */
function checkAreas(d: Design, f: Finding[]): void {
  const areasOf = new Map<number, Set<string>>();
  const byNode = new Map<string, Set<number>>();
  const onSegment = new Map<number, { node: string; dev: string; area: number; subnets: string[]; path: (string | number)[] }[]>();
  let doms: ReturnType<typeof domainsOf> | undefined;
  for (const n of d.nodes) {
    const o = routingOf(n)?.ospf;
    if (!o) continue;
    const hs = holdersOf(n);
    for (const i of o.ifaces) {
      const h: AddrHolder | undefined = hs.find((x) => x.dev === i.dev);
      if (!h) continue;
      (areasOf.get(i.area) ?? areasOf.set(i.area, new Set()).get(i.area)!).add(n.name);
      (byNode.get(n.name) ?? byNode.set(n.name, new Set()).get(n.name)!).add(i.area);
      if (i.passive) continue;
      doms ??= domainsOf(d);
      const dom = doms.of.get(h.ref);
      if (dom === undefined) continue;
      const list = onSegment.get(dom) ?? [];
      list.push({ node: n.name, dev: i.dev, area: i.area, subnets: h.addresses.map(formatNet), path: [...i.path] });
      onSegment.set(dom, list);
    }
  }
  if (areasOf.has(0) || areasOf.size > 1) {
    for (const [a, nodes] of areasOf) {
      if (a === 0) continue;
      const abr = [...nodes].some((x) => byNode.get(x)!.has(0));
      if (!abr) {
        const first = d.nodes.find((n) => nodes.has(n.name))!;
        const i = routingOf(first)!.ospf!.ifaces.find((x) => x.area === a)!;
        f.push(warning('W-OSPF-AREA-DETACHED', [...i.path], `OSPF area ${formatArea(a)} (${list([...nodes])}) has no router with an interface in it and in area 0, so its routes never leave it and it learns none from outside; give one of its routers an interface in area 0 (an area border router).`, true));
      }
    }
  }
  for (const members of onSegment.values()) {
    for (const m of members) {
      const peers = members.filter((x) => x.node !== m.node && x.subnets.some((s) => m.subnets.includes(s)));
      const other = peers.find((x) => x.area !== m.area);
      if (other) f.push(warning('W-OSPF-AREA-MISMATCH', [...m.path], `${m.node} runs OSPF on ${m.dev} in area ${formatArea(m.area)}, but ${other.node} on the same segment in area ${formatArea(other.area)}: they never become neighbours; put both interfaces in one area.`, true));
    }
  }
}

function checkBgpShape(n: DesignNode, r: Routing, f: Finding[]): void {
  const b = r.bgp!;
  if (b.asn < 1 || b.asn > ASN_MAX) f.push(error('E-BGP-ASN', [...b.path, 'asn'], `AS number ${b.asn} is outside 1-${ASN_MAX}; private ones are 64512-65534 and 4200000000-4294967294.`));
  const seen = new Map<number, number>();
  const own = holdersOf(n).flatMap((h) => h.addresses.map((a) => a.ip));
  for (const nb of b.neighbors) {
    const first = seen.get(nb.address);
    if (first !== undefined) f.push(error('E-BGP-NEIGHBOR-DUP', [...nb.path, 'address'], `neighbour ${formatIp(nb.address)} is already listed (neighbors ${first + 1}); one session per neighbour address, merge the two.`));
    else seen.set(nb.address, nb.index);
    if (own.includes(nb.address)) f.push(error('E-BGP-NEIGHBOR', [...nb.path, 'address'], `neighbour ${formatIp(nb.address)} is ${n.name}'s own address; use the address of the router at the other end of the session.`));
    if (nb.asn < 1 || nb.asn > ASN_MAX) f.push(error('E-BGP-ASN', [...nb.path, 'asn'], `AS number ${nb.asn} is outside 1-${ASN_MAX}.`));
    if (nb.prepend < 0 || nb.prepend > PREPEND_MAX) f.push(error('E-BGP-POLICY', [...nb.path, 'prepend'], `prepend ${nb.prepend} is outside 0-${PREPEND_MAX}; a few prepends already make a path unattractive.`));
    if (nb.localPref !== undefined && (nb.localPref < 0 || nb.localPref > ASN_MAX)) f.push(error('E-BGP-POLICY', [...nb.path, 'local-pref'], `local-pref ${nb.localPref} is outside 0-${ASN_MAX}; the default is 100, higher wins.`));
    for (const flt of [...(nb.import ?? []), ...(nb.export ?? [])]) {
      const ge = flt.ge ?? flt.prefix;
      const le = flt.le ?? (flt.ge !== undefined ? 32 : flt.prefix);
      if (ge < flt.prefix || le > 32 || ge > le) f.push(error('E-BGP-POLICY', flt.path, `prefix-list entry ${formatNet(flt)}${flt.ge !== undefined ? ` ge ${flt.ge}` : ''}${flt.le !== undefined ? ` le ${flt.le}` : ''} matches no length: it needs ${flt.prefix} <= ge <= le <= 32.`));
    }
  }
}

/** Neighbours are BGP speakers of the design, with the AS number given, that list this node back. */
function checkBgpPeers(d: Design, f: Finding[]): void {
  const speakers = new Map<number, { node: DesignNode; asn: number }>();
  const all: string[] = [];
  for (const n of d.nodes) {
    const b = routingOf(n)?.bgp;
    if (!b) continue;
    for (const h of holdersOf(n)) for (const a of h.addresses) {
      speakers.set(a.ip, { node: n, asn: b.asn });
      all.push(formatIp(a.ip));
    }
  }
  for (const n of d.nodes) {
    const b = routingOf(n)?.bgp;
    if (!b) continue;
    const mine = holdersOf(n).flatMap((h) => h.addresses);
    for (const nb of b.neighbors) {
      const peer = speakers.get(nb.address);
      if (!peer) {
        if (mine.some((a) => a.ip === nb.address)) continue; // E-BGP-NEIGHBOR above
        const hint = closest(formatIp(nb.address), all.filter((x) => !mine.some((a) => formatIp(a.ip) === x)));
        f.push(error('E-BGP-NEIGHBOR', [...nb.path, 'address'], `no BGP speaker of the design has the address ${formatIp(nb.address)}; ${hint ? `did you mean ${hint}?` : 'use an address of a router or L3 switch with "routing: { bgp: ... }".'}`));
        continue;
      }
      if (peer.asn !== nb.asn) f.push(error('E-BGP-ASN-MISMATCH', [...nb.path, 'asn'], `${peer.node.name} (${formatIp(nb.address)}) is in AS ${peer.asn}, not ${nb.asn}: the session would be refused (bad peer AS); write "asn: ${peer.asn}".`));
      const back = routingOf(peer.node)!.bgp!.neighbors.some((x) => mine.some((a) => a.ip === x.address));
      if (!back) f.push(error('E-BGP-NOT-MUTUAL', [...nb.path, 'address'], `${peer.node.name} does not list ${n.name} as a neighbour, so the session never comes up; add { address: ${mineOn(mine, nb)}, asn: ${b.asn} } to ${peer.node.name}'s bgp.neighbors.`));
      if (nb.asn !== b.asn && !mine.some((a) => contains(a, nb.address))) f.push(error('E-BGP-EBGP-HOP', [...nb.path, 'address'], `${formatIp(nb.address)} is an external (eBGP) neighbour but on none of ${n.name}'s subnets (${mine.map(formatNet).join(', ') || 'none'}); the twin's eBGP sessions are single-hop, as by default: peer with its address on a shared subnet.`));
    }
  }
}

/** The address of ours a neighbour should use: the one on the neighbour's subnet, else our first. */
function mineOn(mine: { ip: number; network: number; prefix: number }[], nb: BgpNeighbor): string {
  const a = mine.find((c) => contains(c, nb.address)) ?? mine[0];
  return a ? formatIp(a.ip) : 'ADDRESS';
}
