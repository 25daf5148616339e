// A node's services in the twin. Load balancers: IPVS (ipvsadm) in NAT mode where the kernel
// has it, else nftables (a NAT rule of the node's table: numgen or jhash DNAT, and a masquerade
// for fullnat); DR and TUN are refused with what is missing. Proxies run socat and processes run
// as written, both as supervised daemons; exec commands are plan objects run once after up.
import { UserError } from '../errors.js';
import { formatIp } from '../model/ip.js';
import type { DesignNode, Routed } from '../model/types.js';
import type { LoadBalancerService, ProxyService } from '../model/types-services.js';
import type { Ctx } from './context.js';
import { execRef, serviceRef } from './refs.js';
import type { NatRule } from './types.js';

type RoutedNode = Extract<DesignNode, Routed>;

/**
 * Daemons, IPVS services and exec commands of the node's services go into the plan; the
 * nftables load balancers are returned, for the node's NAT table (routing.ts).
 */
export function realizeServices(ctx: Ctx, n: RoutedNode, ns: string): NatRule[] {
  const rules: NatRule[] = [];
  const lbs = (n.services ?? []).filter((s): s is LoadBalancerService => s.kind === 'load-balancer');
  if (lbs.length && n.kind !== 'router' && n.kind !== 'l3-switch')
    // A director routes connections on to its backends (LVS): ip_forward on, as on a router.
    ctx.b.add({ kind: 'sysctl', namespace: ns, key: 'net.ipv4.ip_forward', value: '1', realizes: lbs.map((s) => serviceRef(n.name, s.index)) });
  for (const s of n.services ?? []) {
    const realizes = [serviceRef(n.name, s.index)];
    if (s.kind === 'load-balancer') {
      const r = realizeLb(ctx, n, ns, s);
      if (r) rules.push(r);
    } else if (s.kind === 'tcp-proxy' || s.kind === 'udp-proxy') {
      ctx.b.add({ kind: 'daemon', namespace: ns, name: daemonName(n.name, s.name), argv: socatArgv(s), files: [], realizes });
    } else if (s.kind === 'process') {
      ctx.b.add({ kind: 'daemon', namespace: ns, name: daemonName(n.name, s.name), argv: s.argv, files: [], ...(s.port ? { port: s.port } : {}), realizes });
    }
  }
  n.exec?.forEach((c, i) => ctx.b.add({ kind: 'exec', namespace: ns, node: n.name, argv: c.argv, realizes: [execRef(n.name, i)] }));
  return rules;
}

/** Daemon names are unique in the lab and name a directory: node and service, tamed. */
export const daemonName = (node: string, service: string): string => `${node}.${service}`.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * socat relays each connection (fork: one child per client) to the target; a UDP proxy keeps one
 * child per client address and port. bind= pins the listening address where the design names one.
 */
export function socatArgv(s: ProxyService): string[] {
  const p = s.kind === 'tcp-proxy' ? 'TCP' : 'UDP';
  const bind = s.listenAddr !== undefined ? `,bind=${formatIp(s.listenAddr)}` : '';
  return ['socat', '-d', `${p}-LISTEN:${s.listenPort}${bind},reuseaddr,fork`, `${p}:${formatIp(s.targetAddr)}:${s.targetPort}`];
}

function realizeLb(ctx: Ctx, n: RoutedNode, ns: string, s: LoadBalancerService): NatRule | undefined {
  const realizes = [serviceRef(n.name, s.index)];
  const what = `load balancer ${s.name} on ${n.name}`;
  if (s.mode === 'dr' || s.mode === 'tun') {
    const needs = s.mode === 'dr' ? 'IPVS (the ip_vs module) to send each packet to a backend unchanged, with the VIP on every backend and its ARP suppressed' : 'IPVS (the ip_vs module) and IP-in-IP tunnels (the ipip module) to every backend';
    const here = ctx.caps.ipvs ? 'vnetmap does not build that yet' : `this kernel has no IPVS${s.mode === 'tun' ? ' and no IPIP' : ''}, and nftables cannot forward a packet to a backend without rewriting it`;
    throw new UserError(`${what} uses mode ${s.mode}: that needs ${needs}; ${here}. Use mode nat (backends see the client) or fullnat (backends see ${n.name}).`);
  }
  const backends = s.backends.map((b) => ({ to: formatIp(b.addr), toPort: b.port, weight: b.weight }));
  if (ctx.caps.ipvs && s.mode === 'nat') {
    ctx.b.choose('load balancer', 'ipvs', 'the kernel has IPVS: ipvsadm in NAT (masquerading) mode, its own schedulers');
    ctx.b.add({ kind: 'ipvs', namespace: ns, name: s.name, protocol: s.protocol, vip: formatIp(s.vip), port: s.port, scheduler: s.scheduler, backends: backends.map((b) => ({ addr: b.to, port: b.toPort, weight: b.weight })), realizes });
    return undefined;
  }
  ctx.b.choose('load balancer', 'nftables', ctx.caps.ipvs ? 'fullnat: mainline IPVS has no FULLNAT mode (an out-of-tree patch), so nftables DNAT to a backend and masquerade' : 'the kernel has no IPVS: nftables DNAT to a backend chosen by numgen (rr, wrr) or jhash of the source (sh), and a masquerade for fullnat');
  if (s.scheduler === 'lc')
    ctx.b.deviate({ code: 'lb-lc-as-rr', message: `${what}: nftables has no least-connection scheduler, so new connections go round robin (the same backends answer; only the balance under uneven load differs)`, realizes });
  return { type: 'lb', name: s.name, daddr: formatIp(s.vip), protocol: s.protocol, port: s.port, scheduler: s.scheduler, mode: s.mode, backends, realizes };
}
