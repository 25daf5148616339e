// Plan -> NetModel: the Linux twin as the forwarding engine sees it. Every namespace is a node
// (named after the design node it realises, so results compare with the design's), with the
// plan's addresses, routes, ip_forward sysctl and nftables NAT rules; layer 2 is PlanL2.
import { parseCidr, parseIp, type Cidr } from '../model/ip.js';
import type { NatRule, Netns, Plan } from '../plan/types.js';
import { indexAddresses, nameEndpoints, type Endpoint, type NetNat, type NetNode, type NetRoute } from './net-model.js';
import { PlanL2, wireOf, type PlanIface } from './plan-l2.js';
import { natRank } from './nat-rules.js';
import { converge, type Converged } from './dynamic.js';
import { carriedPlan } from './tunnels.js';
import { fwFromTable } from './firewall.js';
import { daemonService } from './service-daemons.js';

export interface PlanModel {
  nodes: Map<string, NetNode>;
  l2: PlanL2;
  endpoints: Endpoint[];
  byAddr: ReturnType<typeof indexAddresses>;
  /** Namespace of each model node. */
  namespaceOf: Map<string, string>;
  routing?: Converged;
}

export function planModel(whole: Plan): PlanModel {
  // Tunnel devices whose underlay does not carry them join nothing (tunnels.ts).
  const plan = whole.objects.some((o) => o.kind === 'tunnel') ? carriedPlan(whole, (p) => planModel(p)) : whole;
  const nodeName = new Map<string, string>();
  for (const o of plan.objects) if (o.kind === 'netns') nodeName.set(o.name, o.node ?? o.name);
  const nameOf = (ns: Netns) => (ns === null ? '(host)' : nodeName.get(ns) ?? ns);
  const nodes = new Map<string, NetNode>();
  const namespaceOf = new Map<string, string>();
  const node = (ns: Netns): NetNode => {
    const name = nameOf(ns);
    let n = nodes.get(name);
    if (!n) {
      n = { name, forwards: false, ifaces: [], routes: [], nat: [], realizes: [] };
      nodes.set(name, n);
      if (ns !== null) namespaceOf.set(name, ns);
    }
    return n;
  };
  const ifaceIn = (ns: Netns, dev: string): PlanIface => {
    const n = node(ns);
    let i = n.ifaces.find((x) => x.dev === dev) as PlanIface | undefined;
    if (!i) {
      i = { node: n.name, dev, addrs: [], realizes: [], wire: wireOf(ns, dev) };
      n.ifaces.push(i);
    }
    return i;
  };
  for (const o of plan.objects) {
    if (o.kind === 'netns') node(o.name).realizes.push(...o.realizes);
    else if (o.kind === 'address') {
      const c = parseCidr(o.cidr);
      const i = ifaceIn(o.namespace, o.dev);
      if (c) i.addrs.push(c);
      i.realizes.push(...o.realizes.filter((r) => !i.realizes.includes(r)));
    } else if (o.kind === 'route') {
      const r = route(o.to, o.via, o.dev, o.realizes);
      if (r) node(o.namespace).routes.push(r);
    } else if (o.kind === 'sysctl' && o.key === 'net.ipv4.ip_forward' && o.value === '1') node(o.namespace).forwards = true;
    else if (o.kind === 'ipvs') node(o.namespace).nat.push(...lbStep(o.name, o.vip, o.protocol, o.port, o.scheduler, 'nat', o.backends.map((b) => ({ to: b.addr, toPort: b.port, weight: b.weight })), o.realizes));
    else if (o.kind === 'daemon' && o.namespace !== null) {
      const s = daemonService(o);
      if (s) (node(o.namespace).services ??= []).push(s);
      if (o.client?.router) {
        // A DHCP client's lease brings its default route (plan/dhcp-dns.ts).
        const r = route('default', o.client.router, o.client.dev, o.realizes);
        if (r) node(o.namespace).routes.push(r);
      }
    } else if (o.kind === 'nft') {
      node(o.namespace).nat.push(...o.rules.flatMap(natRule));
      if (o.filter) node(o.namespace).fw = fwFromTable(o.filter, o.realizes);
    }
  }
  // Evaluation order within a hook: hairpin source NAT is more specific than masquerade.
  for (const n of nodes.values()) n.nat.sort((a, b) => natRank(a) - natRank(b));
  const eps: Omit<Endpoint, 'name'>[] = [];
  for (const e of plan.endpoints) {
    const addr = e.addresses.map((a) => parseCidr(a)).find((c): c is Cidr => !!c);
    if (!addr) continue;
    const i = ifaceIn(e.namespace, e.dev);
    if (!i.addrs.some((a) => a.ip === addr.ip)) i.addrs.push(addr);
    eps.push({ ref: e.ref, node: nameOf(e.namespace), dev: e.dev, addr });
  }
  const l2 = new PlanL2(plan);
  // The twin's routing daemons, converged over the twin's own layer 2 (dynamic.ts).
  const routing = converge(nodes, l2, plan.objects.flatMap((o) => (o.kind === 'routing' ? [o.spec] : [])));
  return { nodes, l2, endpoints: nameEndpoints(eps), byAddr: indexAddresses(nodes.values()), namespaceOf, ...(routing ? { routing } : {}) };
}

function route(to: string, via: string | undefined, dev: string | undefined, realizes: string[]): NetRoute | undefined {
  const dst = to === 'default' ? { network: 0, prefix: 0 } : parseCidr(to.includes('/') ? to : `${to}/32`);
  if (!dst) return undefined;
  const r: NetRoute = { network: dst.network, prefix: dst.prefix, realizes };
  if (via !== undefined) {
    const v = parseIp(via);
    if (v === undefined) return undefined;
    r.via = v;
  }
  if (dev !== undefined) r.dev = dev;
  return r;
}

/** "192.168.1.11", "192.168.1.11:80" or a CIDR -> the address. */
const addrOf = (s: string): number | undefined => parseIp(s.split('/')[0]!.split(':')[0]!);
const cidrOf = (s: string | undefined): Cidr | undefined => (s === undefined ? undefined : parseCidr(s.includes('/') ? s : `${s}/32`));

function natRule(r: NatRule): NetNat[] {
  const from = cidrOf('from' in r ? r.from : undefined);
  switch (r.type) {
    case 'masquerade':
      return [{ type: 'snat', out: r.out, ...(from ? { from } : {}), realizes: r.realizes }];
    case 'snat': {
      const to = addrOf(r.to);
      return to === undefined ? [] : [{ type: 'snat', out: r.out, to, ...(from ? { from } : {}), realizes: r.realizes }];
    }
    case 'dnat': {
      const to = addrOf(r.to);
      const daddr = r.daddr !== undefined ? addrOf(r.daddr) : undefined;
      if (to === undefined) return [];
      const match = { ...(r.in !== undefined ? { in: r.in } : {}), ...(r.notIn !== undefined ? { notIn: r.notIn } : {}), ...(daddr !== undefined ? { daddr } : {}), ...(r.hairpin ? { hairpin: true } : {}) };
      return [{ type: 'dnat', ...match, protocol: r.protocol, port: r.port, to, toPort: r.toPort, realizes: r.realizes }];
    }
    case 'redirect':
    case 'hairpin-masquerade':
      return [r];
    case 'lb':
      return lbStep(r.name, r.daddr, r.protocol, r.port, r.scheduler, r.mode, r.backends, r.realizes);
  }
}


/** A load balancer of the twin (an nft rule or an IPVS service) as the semantics' NAT step. */
function lbStep(name: string, vip: string, protocol: 'tcp' | 'udp', port: number, scheduler: 'rr' | 'wrr' | 'lc' | 'sh', mode: 'nat' | 'fullnat', backends: { to: string; toPort: number; weight: number }[], realizes: string[]): NetNat[] {
  const daddr = addrOf(vip);
  const bs = backends.flatMap((b) => {
    const to = addrOf(b.to);
    return to === undefined ? [] : [{ to, toPort: b.toPort, weight: b.weight }];
  });
  return daddr === undefined ? [] : [{ type: 'lb', name, daddr, protocol, port, scheduler, mode, backends: bs, realizes }];
}
