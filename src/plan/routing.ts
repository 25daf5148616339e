// The IP side of a node with its own stack: addresses, default route, static routes,
// forwarding, NAT and /etc/hosts. Strategies differ only in where each interface ends up
// (a bridge may hold a router's LAN address in compact, a server's address moves to its
// bridge in faithful), so they pass a `where` lookup and this file does the rest.
import { formatIp, formatNet } from '../model/ip.js';
import { routerNat } from '../semantics/nat-rules.js';
import { shadowedByConnected, type DesignNode, type Routed } from '../model/types.js';
import type { Ctx } from './context.js';
import { realizeFirewall } from './firewall.js';
import { realizeServices } from './services.js';
import { gatewayRef, ifaceRef, nodeRef, routeRef, sviRef } from './refs.js';
import type { NatRule } from './types.js';
import { realizeFrr } from './frr.js';
import { realizeDhcpDns } from './dhcp-dns.js';

export interface Place {
  namespace: string;
  dev: string;
}

export interface Where {
  iface(name: string): Place | undefined;
  svi?(vid: number): Place | undefined;
}

type RoutedNode = Extract<DesignNode, Routed>;

export function realizeRouting(ctx: Ctx, n: RoutedNode, ns: string, where: Where): void {
  const { b } = ctx;
  for (const i of n.interfaces) {
    const p = where.iface(i.name);
    if (!p || i.addresses.length === 0) continue;
    if (i.lease) {
      // A DHCP client: its address comes at run time (services.ts); the one assumed here stands for its pool.
      const dhcp = { subnet: formatNet(i.lease.subnet), pools: i.lease.pools, ...(i.lease.reserved !== undefined ? { reserved: formatIp(i.lease.reserved) } : {}) };
      b.endpoint({ ref: ifaceRef(n.name, i.name), node: n.name, namespace: p.namespace, dev: p.dev, addresses: i.addresses.map((a) => a.text), dhcp });
      continue;
    }
    for (const a of i.addresses) b.add({ kind: 'address', namespace: p.namespace, dev: p.dev, cidr: a.text, realizes: [ifaceRef(n.name, i.name)] });
    b.endpoint({ ref: ifaceRef(n.name, i.name), node: n.name, namespace: p.namespace, dev: p.dev, addresses: i.addresses.map((a) => a.text) });
  }
  if (n.kind === 'l3-switch') {
    for (const s of n.svis) {
      const p = where.svi?.(s.vlan);
      if (!p) continue;
      for (const a of s.addresses) b.add({ kind: 'address', namespace: p.namespace, dev: p.dev, cidr: a.text, realizes: [sviRef(n.name, s.vlan)] });
      b.endpoint({ ref: sviRef(n.name, s.vlan), node: n.name, namespace: p.namespace, dev: p.dev, addresses: s.addresses.map((a) => a.text) });
    }
  }
  if (n.gateway !== undefined && !n.gatewayFromDhcp) b.add({ kind: 'route', namespace: ns, to: 'default', via: formatIp(n.gateway), realizes: [gatewayRef(n.name)] });
  n.routes.forEach((r, idx) => {
    if (shadowedByConnected(n, r)) return; // W-ROUTE-CONNECTED: the connected route wins
    const route: Parameters<typeof b.add>[0] & { kind: 'route' } = {
      kind: 'route',
      namespace: ns,
      to: r.to.prefix === 0 ? 'default' : formatNet(r.to),
      realizes: [routeRef(n.name, idx)],
    };
    if (r.via !== undefined) route.via = formatIp(r.via);
    if (r.dev !== undefined) route.dev = where.iface(r.dev)?.dev ?? r.dev;
    b.add(route);
  });
  if (n.kind === 'router' || n.kind === 'l3-switch')
    // Routing between interfaces is the whole point of these nodes; Linux namespaces start with it off.
    b.add({ kind: 'sysctl', namespace: ns, key: 'net.ipv4.ip_forward', value: '1', realizes: [nodeRef(n.name)] });
  realizeNat(ctx, n, ns, where, realizeServices(ctx, n, ns));
  realizeFirewall(ctx, n, ns, where);
  realizeDhcpDns(ctx, n, where);
  const entries = Object.entries(n.hosts);
  if (entries.length) b.add({ kind: 'hosts', namespace: ns, entries: entries.map(([name, ip]) => ({ name, ip })), realizes: [nodeRef(n.name)] });
  realizeFrr(ctx, n, ns, where);
}

/** The node's NAT table: its load balancers (services.ts) first, then a router's NAT rules. */
function realizeNat(ctx: Ctx, n: RoutedNode, ns: string, where: Where, lbs: NatRule[]): void {
  const dev = (name: string) => where.iface(name)?.dev ?? name;
  // The design's own rule list (semantics/nat-rules.ts), with interface names and addresses as
  // nft spells them: the twin's table is that list, in that order.
  const rules = [...lbs, ...(n.kind === 'router' ? routerNat(n) : []).map((r): NatRule => {
    switch (r.type) {
      case 'dnat': {
        const m = { protocol: r.protocol, port: r.port, to: formatIp(r.to), toPort: r.toPort, realizes: r.realizes };
        return { type: 'dnat', ...(r.in ? { in: dev(r.in) } : {}), ...(r.notIn ? { notIn: dev(r.notIn) } : {}), ...(r.daddr !== undefined ? { daddr: formatIp(r.daddr) } : {}), ...(r.hairpin ? { hairpin: true } : {}), ...m };
      }
      case 'redirect':
        return { ...r, in: dev(r.in) };
      case 'hairpin-masquerade':
        return r;
      case 'lb':
        throw new Error('a router\'s NAT has no load balancers (they are services)');
      case 'snat': {
        const from = r.from ? { from: formatNet(r.from) } : {};
        return r.to === undefined ? { type: 'masquerade', out: dev(r.out), ...from, realizes: r.realizes } : { type: 'snat', out: dev(r.out), to: formatIp(r.to), ...from, realizes: r.realizes };
      }
    }
  })];
  if (rules.length === 0) return;
  const realizes = [...new Set(rules.flatMap((r) => r.realizes))];
  ctx.b.add({ kind: 'nft', namespace: ns, table: 'vnetmap', rules, realizes });
}
