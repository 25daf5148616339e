// Gateways and static routes must be reachable from the node's own subnets: the kernel refuses
// a next hop that is not on a connected network ("Nexthop has invalid gateway").
import { broadcastOf, contains, formatIp, formatNet, specialAddress, type Cidr } from '../ip.js';
import { error, warning, type Finding } from '../problems.js';
import { closest } from '../suggest.js';
import type { Design } from '../types.js';
import { isRouted, shadowedByConnected } from '../types.js';
import { holdersOf } from './util.js';

export function checkRoutes(d: Design): Finding[] {
  const f: Finding[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    const hs = holdersOf(n);
    const nets = hs.flatMap((h) => h.addresses);
    const netList = nets.map(formatNet).join(', ') || 'none';
    const onLink = (ip: number) => nets.some((c) => contains(c, ip));
    if (n.gateway !== undefined) {
      const g = formatIp(n.gateway);
      const bad = badHop(n.gateway, nets);
      if (bad) f.push(error('E-BAD-HOP', [...n.path, 'gateway'], `${n.name}'s gateway ${g} is ${bad}, which no router can have (Linux refuses it as a gateway); use the router's own address.`));
      else if (nets.some((c) => c.ip === n.gateway)) {
        f.push(error('E-GATEWAY-SELF', [...n.path, 'gateway'], `${n.name}'s gateway ${g} is its own address; use the address of the router on its subnet.`));
      } else if (!onLink(n.gateway)) {
        f.push(
          error('E-GATEWAY-OFF-SUBNET', [...n.path, 'gateway'], `${n.name}'s gateway ${g} is not in any of its subnets (${netList}); use a router address inside one of them.`),
        );
      }
    }
    const devs = hs.map((h) => h.dev);
    for (const r of n.routes) {
      if (r.to.ip !== r.to.network) {
        f.push(
          warning('W-ROUTE-HOST-BITS', [...r.path, 'to'], `route destination ${r.to.text} has host bits set; it means ${formatNet(r.to)}, so write that (or a longer prefix if you meant a smaller network).`),
        );
      }
      if (shadowedByConnected(n, r)) {
        f.push(
          warning('W-ROUTE-CONNECTED', [...r.path, 'to'], `${n.name} is itself on ${formatNet(r.to)}, so its connected route wins and this route is never used (the twin leaves it out; Linux refuses it); remove it, or route a smaller or different prefix.`),
        );
      }
      if (r.via !== undefined) {
        const via = formatIp(r.via);
        const path = [...r.path, 'via'];
        const dev = r.dev === undefined ? undefined : hs.find((h) => h.dev === r.dev);
        const bad = badHop(r.via, nets);
        if (bad) f.push(error('E-BAD-HOP', path, `the next hop ${via} of the route to ${formatNet(r.to)} is ${bad}, which no router can have (Linux refuses it as a gateway); use the router's own address.`));
        else if (!onLink(r.via)) f.push(error('E-ROUTE-VIA', path, `route to ${formatNet(r.to)} goes via ${via}, which is not on a subnet of ${n.name} (${netList}); use a next hop on a connected subnet.`));
        else if (dev && !dev.addresses.some((c) => contains(c, r.via!))) {
          // Linux looks for the next hop on the route's device only ("Nexthop has invalid gateway").
          f.push(
            error('E-ROUTE-VIA', path, `route to ${formatNet(r.to)} goes via ${via} out of ${r.dev}, but ${via} is not on ${r.dev}'s subnet (${dev.addresses.map(formatNet).join(', ') || 'none'}); drop "dev", or name the interface on that subnet.`),
          );
        }
      }
      if (r.dev !== undefined && !devs.includes(r.dev)) {
        const hint = closest(r.dev, devs);
        f.push(
          error('E-ROUTE-DEV', [...r.path, 'dev'], `${n.name} has no interface "${r.dev}" for the route to ${formatNet(r.to)}; ${hint ? `did you mean "${hint}"?` : `use one of: ${devs.join(', ') || 'none (declare interfaces first)'}.`}`),
        );
      }
    }
  }
  return f;
}

/** Why no router can have this gateway or next hop (reserved, or its subnet's broadcast address), if so. */
function badHop(ip: number, nets: Cidr[]): string | undefined {
  const bcast = nets.find((c) => c.prefix < 31 && contains(c, ip) && broadcastOf(c) === ip);
  return specialAddress(ip) ?? (bcast && `the broadcast address of ${formatNet(bcast)}`);
}
