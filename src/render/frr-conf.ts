// A node's RoutingSpec -> the configuration files of its FRR daemons (zebra, ospfd, bgpd), in
// FRR 8.4's syntax: the only place that knows it. The plan's daemon objects carry these files
// (plan/frr.ts), so `status` sees a changed one and `up` writes it back.
//
// Everything that decides a route is written out, never left to FRR's defaults, so that the
// twin converges to what the semantics engine computes (docs/routing.md): interface costs (FRR
// would guess them from the link speed), router IDs, BGP best-path tie-breaking by router ID
// (FRR's default prefers the oldest path, which depends on timing), one BGP path per prefix.
// What only decides how fast it converges is the twin's choice: OSPF hellos every second
// (dead after 4), point-to-point adjacencies on segments with two OSPF routers (no DR election
// to wait for), SPF at once, BGP keepalives every second and connect retries every second.
import { formatArea } from '../model/resolve-routing.js';
import type { BgpNeighborSpec, PrefixSpec, RoutingSpec } from '../plan/types.js';

export const OSPF_HELLO = 1;
export const OSPF_DEAD = 4;
export const BGP_KEEPALIVE = 1;
export const BGP_HOLD = 3;

const header = (s: RoutingSpec, daemon: string): string[] => [`! ${daemon} of ${s.node}, written by vnetmap from the design's routing: (docs/routing.md)`, `hostname ${s.node}`, '!'];

export function zebraConf(s: RoutingSpec): string {
  return [...header(s, 'zebra'), 'line vty', '!', ''].join('\n');
}

export function ospfdConf(s: RoutingSpec): string {
  const o = s.ospf!;
  const lines = header(s, 'ospfd');
  for (const i of o.ifaces) {
    lines.push(`interface ${i.dev}`, ` ip ospf area ${formatArea(i.area)}`, ` ip ospf cost ${i.cost}`);
    if (i.passive) lines.push(' ip ospf passive');
    else {
      if (i.pointToPoint) lines.push(' ip ospf network point-to-point');
      lines.push(` ip ospf hello-interval ${OSPF_HELLO}`, ` ip ospf dead-interval ${OSPF_DEAD}`);
    }
    lines.push('exit', '!');
  }
  lines.push('router ospf', ` ospf router-id ${s.routerId}`, ' timers throttle spf 0 50 1000', ' timers throttle lsa all 0', ' timers lsa min-arrival 0');
  // The design's static routes (and gateway) are the twin's kernel routes: FRR calls them "kernel".
  for (const r of o.redistribute) lines.push(` redistribute ${r === 'static' ? 'kernel' : r}`);
  if (o.defaultInformation) lines.push(` default-information originate${o.defaultInformation === 'always' ? ' always' : ''}`);
  lines.push('exit', '!', '');
  return lines.join('\n');
}

const listName = (i: number, dir: 'in' | 'out'): string => `nb${i}-${dir}`;

function prefixList(name: string, entries: PrefixSpec[]): string[] {
  return entries.map((e, k) => `ip prefix-list ${name} seq ${(k + 1) * 5} permit ${e.prefix}${e.ge !== undefined ? ` ge ${e.ge}` : ''}${e.le !== undefined ? ` le ${e.le}` : ''}`);
}

/** Route maps of one neighbour: what it accepts (prefix list, local-pref) and what it sends (prefix list, prepends). */
function policy(n: BgpNeighborSpec, i: number, asn: number): { lines: string[]; in?: string; out?: string } {
  const lines: string[] = [];
  let inMap: string | undefined;
  let outMap: string | undefined;
  if (n.import || n.localPref !== undefined) {
    inMap = listName(i, 'in');
    if (n.import) lines.push(...prefixList(inMap, n.import));
    lines.push(`route-map ${inMap} permit 10`);
    if (n.import) lines.push(` match ip address prefix-list ${inMap}`);
    if (n.localPref !== undefined) lines.push(` set local-preference ${n.localPref}`);
    lines.push('exit', '!');
  }
  if (n.export || n.prepend) {
    outMap = listName(i, 'out');
    if (n.export) lines.push(...prefixList(outMap, n.export));
    lines.push(`route-map ${outMap} permit 10`);
    if (n.export) lines.push(` match ip address prefix-list ${outMap}`);
    if (n.prepend) lines.push(` set as-path prepend ${Array(n.prepend).fill(asn).join(' ')}`);
    lines.push('exit', '!');
  }
  return { lines, ...(inMap ? { in: inMap } : {}), ...(outMap ? { out: outMap } : {}) };
}

export function bgpdConf(s: RoutingSpec): string {
  const b = s.bgp!;
  const lines = header(s, 'bgpd');
  const maps = b.neighbors.map((n, i) => policy(n, i, b.asn));
  for (const m of maps) lines.push(...m.lines);
  lines.push(
    `router bgp ${b.asn}`,
    ` bgp router-id ${s.routerId}`,
    // Policies are the design's; without any, FRR would drop every eBGP route (RFC 8212).
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' bgp bestpath compare-routerid',
    ` timers bgp ${BGP_KEEPALIVE} ${BGP_HOLD}`,
  );
  for (const n of b.neighbors) lines.push(` neighbor ${n.address} remote-as ${n.asn}`, ` neighbor ${n.address} timers connect 1`, ` neighbor ${n.address} advertisement-interval 0`);
  lines.push(' !', ' address-family ipv4 unicast', '  maximum-paths 1', '  maximum-paths ibgp 1');
  for (const p of b.networks) lines.push(`  network ${p}`);
  for (const r of b.redistribute) lines.push(`  redistribute ${r === 'static' ? 'kernel' : r}`);
  b.neighbors.forEach((n, i) => {
    lines.push(`  neighbor ${n.address} activate`);
    if (maps[i]!.in) lines.push(`  neighbor ${n.address} route-map ${maps[i]!.in} in`);
    if (maps[i]!.out) lines.push(`  neighbor ${n.address} route-map ${maps[i]!.out} out`);
  });
  lines.push(' exit-address-family', 'exit', '!', '');
  return lines.join('\n');
}
