// The IP side of a node with its own stack: addresses, default route, static routes,
// forwarding, NAT and /etc/hosts. Strategies differ only in where each interface ends up
// (a bridge may hold a router's LAN address in compact, a server's address moves to its
// bridge in faithful), so they pass a `where` lookup and this file does the rest.
import { formatIp, formatNet, contains } from '../model/ip.js';
import type { DesignNode, Routed } from '../model/types.js';
import type { Ctx } from './context.js';
import { forwardRef, gatewayRef, ifaceRef, masqueradeRef, nodeRef, redirectRef, routeRef, snatRef, sviRef } from './refs.js';
import type { NatRule, Ref } from './types.js';

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
  if (n.gateway !== undefined) b.add({ kind: 'route', namespace: ns, to: 'default', via: formatIp(n.gateway), realizes: [gatewayRef(n.name)] });
  n.routes.forEach((r, idx) => {
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
  if (n.kind === 'router') realizeNat(ctx, n, ns, where);
  const entries = Object.entries(n.hosts);
  if (entries.length) b.add({ kind: 'hosts', namespace: ns, entries: entries.map(([name, ip]) => ({ name, ip })), realizes: [nodeRef(n.name)] });
}

function realizeNat(ctx: Ctx, n: Extract<DesignNode, { kind: 'router' }>, ns: string, where: Where): void {
  const dev = (name: string) => where.iface(name)?.dev ?? name;
  const rules: NatRule[] = [];
  n.nat.masquerade.forEach((m, i) => {
    const r: NatRule = { type: 'masquerade', out: dev(m.out), realizes: [masqueradeRef(n.name, i)] };
    if (m.from) r.from = formatNet(m.from);
    rules.push(r);
  });
  n.nat.snat.forEach((m, i) => {
    const r: NatRule = { type: 'snat', out: dev(m.out), to: formatIp(m.to), realizes: [snatRef(n.name, i)] };
    if (m.from) r.from = formatNet(m.from);
    rules.push(r);
  });
  n.nat.portForwards.forEach((f, i) => {
    const refs: Ref[] = [forwardRef(n.name, i)];
    const inIface = n.interfaces.find((x) => x.name === f.in);
    const daddr = inIface?.addresses[0] ? formatIp(inIface.addresses[0].ip) : undefined;
    const r: NatRule = { type: 'dnat', protocol: f.protocol, port: f.port, to: formatIp(f.to), toPort: f.toPort, realizes: refs };
    // With hairpin NAT, inside clients use the public address too: match it on any interface.
    if (!(n.nat.hairpin && daddr)) r.in = dev(f.in);
    if (daddr) r.daddr = daddr;
    rules.push(r);
    if (n.nat.hairpin) {
      // Replies must come back through the router, so inside clients are translated to it.
      const lan = n.interfaces.flatMap((x) => x.addresses).find((a) => contains(a, f.to));
      rules.push({ type: 'hairpin-snat', from: lan ? formatNet(lan) : `${formatIp(f.to)}/32`, to: formatIp(f.to), toPort: f.toPort, protocol: f.protocol, realizes: refs });
    }
  });
  n.nat.redirects.forEach((r, i) =>
    rules.push({ type: 'redirect', in: dev(r.in), protocol: r.protocol, port: r.port, toPort: r.toPort, realizes: [redirectRef(n.name, i)] }),
  );
  if (rules.length === 0) return;
  const realizes = [...new Set(rules.flatMap((r) => r.realizes))];
  ctx.b.add({ kind: 'nft', namespace: ns, table: 'vnetmap', rules, realizes });
}
