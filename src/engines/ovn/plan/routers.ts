// Routers and L3 switches as OVN logical routers: a router port per addressed interface and
// per SVI (on the logical switch of its broadcast domain), the design's static routes and
// default gateway, NAT as SNAT rows and port forwards as load-balancer VIPs.
//
// NAT needs a gateway in OVN. A distributed gateway port — the design's `out`/`in` interface,
// handled on the router node's chassis — matches what Linux does: SNAT only for traffic leaving
// by that port (`oif wan`), DNAT of a port forward only for connections arriving through it.
// (A gateway router, pinned whole to one chassis, would SNAT everything leaving any port.)
import { formatIp, formatNet } from '../../../model/ip.js';
import { shadowedByConnected, type DesignNode } from '../../../model/types.js';
import { forwardRef, gatewayRef, ifaceRef, masqueradeRef, nodeRef, routeRef, snatRef, sviRef } from '../../../plan/refs.js';
import type { Deviation } from '../../../plan/types.js';
import { realizeLbServices } from './lb-services.js';
import { lbName, lrName, lrpName, routerLspName } from './names.js';
import type { LoadBalancer, LogicalObject, RouterPort } from './types.js';

type RouterNode = Extract<DesignNode, { kind: 'router' | 'l3-switch' }>;

export interface RouterCtx {
  lab: string;
  /** Logical switch of a design interface or SVI ref (absent: the interface has no cable). */
  switchOf(ref: string): string | undefined;
  mac(): string;
  /** Chassis of a gateway port (gateways.ts). */
  gatewayOf(node: string, dev: string): string | undefined;
  add(o: LogicalObject): void;
  deviate(d: Deviation): void;
}

export function realizeRouter(c: RouterCtx, n: RouterNode): void {
  const lr = lrName(c.lab, n.name);
  c.add({ kind: 'lr', name: lr, node: n.name, realizes: [nodeRef(n.name)] });
  const ports = new Map<string, RouterPort>();
  const port = (ref: string, dev: string, addrs: { text: string }[], mac: string | undefined): void => {
    const ls = c.switchOf(ref);
    if (!addrs.length) return; // a router port needs an address; an unaddressed one carries nothing routed
    const p: RouterPort = { kind: 'lrp', name: lrpName(c.lab, n.name, dev), lr, dev, mac: mac ?? c.mac(), networks: addrs.map((a) => a.text), realizes: [ref] };
    ports.set(dev, p);
    c.add(p);
    // The switch side of the router port: on the logical switch of its broadcast domain.
    if (ls) c.add({ kind: 'lsp', name: routerLspName(p.name), ls, addresses: ['router'], routerPort: p.name, realizes: [ref] });
  };
  for (const i of n.interfaces) port(ifaceRef(n.name, i.name), i.name, i.addresses, i.mac);
  if (n.kind === 'l3-switch') for (const s of n.svis) port(sviRef(n.name, s.vlan), `vlan${s.vlan}`, s.addresses, s.mac);
  if (n.gateway !== undefined) c.add({ kind: 'lr-route', lr, prefix: '0.0.0.0/0', nexthop: formatIp(n.gateway), realizes: [gatewayRef(n.name)] });
  n.routes.forEach((r, k) => {
    if (shadowedByConnected(n, r)) return; // the connected route wins, as in the kernel engine
    if (r.via === undefined) {
      c.deviate({ code: 'ovn-route-without-nexthop', message: `${n.name}'s route to ${formatNet(r.to)} names only a device; an OVN static route needs a next hop, so the twin leaves it out.`, realizes: [routeRef(n.name, k)] });
      return;
    }
    c.add({ kind: 'lr-route', lr, prefix: formatNet(r.to), nexthop: formatIp(r.via), realizes: [routeRef(n.name, k)] });
  });
  if (n.kind === 'router') {
    realizeNat(c, n, lr, ports);
    realizeLbServices(c, n, lr, ports);
  }
}


function realizeNat(c: RouterCtx, n: Extract<RouterNode, { kind: 'router' }>, lr: string, ports: Map<string, RouterPort>): void {
  const gateway = (dev: string, ref: string): RouterPort | undefined => {
    const p = ports.get(dev);
    if (!p) {
      c.deviate({ code: 'ovn-nat-without-port', message: `${n.name}'s NAT names interface ${dev}, which has no address in the twin; the rule is left out.`, realizes: [ref] });
      return undefined;
    }
    const chassis = c.gatewayOf(n.name, dev);
    if (chassis) p.gatewayChassis = chassis;
    return p;
  };
  const primary = (p: RouterPort) => p.networks[0]!.split('/')[0]!;
  n.nat.snat.forEach((s, k) => {
    const p = gateway(s.out, snatRef(n.name, k));
    if (p) c.add({ kind: 'nat', lr, type: 'snat', externalIp: formatIp(s.to), logicalIp: s.from ? formatNet(s.from) : '0.0.0.0/0', port: p.name, realizes: [snatRef(n.name, k)] });
  });
  n.nat.masquerade.forEach((s, k) => {
    const p = gateway(s.out, masqueradeRef(n.name, k));
    if (p) c.add({ kind: 'nat', lr, type: 'snat', externalIp: primary(p), logicalIp: s.from ? formatNet(s.from) : '0.0.0.0/0', port: p.name, realizes: [masqueradeRef(n.name, k)] });
  });
  // One load balancer per protocol; a VIP per forwarded address and port.
  const lbs = new Map<string, LoadBalancer>();
  n.nat.portForwards.forEach((f, k) => {
    const p = gateway(f.in, forwardRef(n.name, k));
    if (!p) return;
    let lb = lbs.get(f.protocol);
    if (!lb) lbs.set(f.protocol, (lb = { kind: 'lb', name: lbName(c.lab, n.name, f.protocol), lr, protocol: f.protocol, vips: {}, realizes: [] }));
    for (const net of p.networks) lb.vips[`${net.split('/')[0]}:${f.port}`] = `${formatIp(f.to)}:${f.toPort}`;
    lb.realizes.push(forwardRef(n.name, k));
  });
  for (const lb of lbs.values()) c.add(lb);
  refuseInside(c, n, ports);
  n.nat.redirects.forEach((r, k) =>
    c.deviate({
      code: 'ovn-router-no-stack',
      message: `${n.name} redirects ${r.protocol}/${r.port} on ${r.in} to a port of its own; an OVN logical router runs no programs, so nothing can listen there: the redirect is left out.`,
      realizes: [`redirect:${n.name}/${k}`],
    }),
  );
  if (n.nat.hairpin && n.nat.portForwards.length)
    c.deviate({
      code: 'ovn-no-hairpin-nat',
      message: `${n.name}'s hairpin NAT (inside clients using the public address of a port forward) is not reproduced: OVN applies the port forward only to connections arriving through ${[...new Set(n.nat.portForwards.map((f) => f.in))].join(', ')}.`,
      realizes: [nodeRef(n.name)],
    });
}

/**
 * Connections to a port forward's address that do not come in by its `in` interface are
 * refused, as by Linux (nothing listens on the router): a reject ACL where each other router
 * port meets its switch. OVN would otherwise DNAT them on the gateway chassis.
 */
function refuseInside(c: RouterCtx, n: Extract<RouterNode, { kind: 'router' }>, ports: Map<string, RouterPort>): void {
  if (n.nat.hairpin) return; // said as a deviation above: the forward is not reproduced from inside
  n.nat.portForwards.forEach((f, k) => {
    const wan = ports.get(f.in);
    if (!wan) return;
    const vips = wan.networks.map((x) => x.split('/')[0]!);
    for (const [dev, p] of ports) {
      const ls = dev === f.in ? undefined : c.switchOf(p.realizes[0]!);
      if (!ls) continue;
      const dst = vips.length === 1 ? vips[0]! : `{${vips.join(', ')}}`;
      c.add({ kind: 'acl', ls, direction: 'to-lport', priority: 1000, match: `outport == "${routerLspName(p.name)}" && ip4.dst == ${dst} && ${f.protocol}.dst == ${f.port}`, action: 'reject', realizes: [forwardRef(n.name, k)] });
    }
  });
}
