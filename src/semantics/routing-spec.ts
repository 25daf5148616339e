// The design's `routing:` of each router and L3 switch as RoutingSpecs: what the semantics
// engine converges (dynamic.ts) and what the twin's FRR is configured with (plan/frr.ts). One
// function for both, so the two cannot disagree; the compiler passes how the twin names each
// interface (an SVI's device, a compact strategy's bridge).
import { formatIp, formatNet } from '../model/ip.js';
import { routerIdOf } from '../model/checks/routing.js';
import type { Design, DesignNode } from '../model/types.js';
import { routingOf } from '../model/types.js';
import type { OspfIfaceSpec, RoutingSpec } from '../plan/types.js';
import { broadcastDomains, ifaceRef, sviRef, type DomainResult } from './domains.js';

/** How the twin names a design interface of a node (undefined: it has none for it). */
export type DevOf = (node: string, dev: string) => string | undefined;

/** The design element behind a routing interface name: an interface, or the SVI "vlanN". */
export function routingIfaceRef(n: DesignNode, dev: string): string {
  const svi = /^vlan(\d+)$/.exec(dev);
  if (n.kind === 'l3-switch' && svi && n.svis.some((s) => s.vlan === Number(svi[1])) && !n.interfaces.some((i) => i.name === dev)) return sviRef(n.name, Number(svi[1]));
  return ifaceRef(n.name, dev);
}

export const ospfRef = (node: string): string => `routing:${node}/ospf`;
export const bgpRef = (node: string): string => `routing:${node}/bgp`;
export const neighborRef = (node: string, i: number): string => `routing:${node}/bgp/${i}`;
/** Whether a route realizes a routing protocol's (learned) rather than a static one. */
export const learnedBy = (realizes: string[], proto?: 'ospf' | 'bgp'): boolean => realizes.some((r) => r.startsWith('routing:') && (proto === undefined || r.endsWith(`/${proto}`)));

/** Every routing node's spec (the design model's: interfaces keep their design names). */
export function routingSpecs(d: Design, devOf: DevOf = (_, dev) => dev, domains?: DomainResult): RoutingSpec[] {
  const out: RoutingSpec[] = [];
  for (const n of d.nodes) {
    const r = routingOf(n);
    if (r && (r.ospf || r.bgp)) out.push(routingSpec(d, n, devOf, domains));
  }
  return out;
}

/** Domains of a design, computed once (every routing node of a compile asks). */
const domainCache = new WeakMap<Design, DomainResult>();
const domainsOf = (d: Design): DomainResult => domainCache.get(d) ?? domainCache.set(d, broadcastDomains(d)).get(d)!;

/** One routing node's spec; `devOf` says how the twin names its interfaces. */
export function routingSpec(d: Design, n: DesignNode, devOf: DevOf = (_, dev) => dev, domains?: DomainResult): RoutingSpec {
  const r = routingOf(n)!;
  const pointToPoint = (dev: string, subnets: string[]): boolean => {
    const doms = domains ?? domainsOf(d);
    const dom = doms.of.get(routingIfaceRef(n, dev));
    if (dom === undefined) return false;
    let others = 0;
    for (const m of doms.domains[dom - 1]!.members) {
      if (m.node === n.name) continue;
      const peer = d.nodes.find((x) => x.name === m.node)!;
      const oi = routingOf(peer)?.ospf?.ifaces.find((i) => i.dev === m.dev && !i.passive);
      if (oi && addressesOf(peer, m.dev).some((s) => subnets.includes(s))) others++;
    }
    return others === 1;
  };
  const spec: RoutingSpec = { node: n.name, routerId: formatIp(routerIdOf(n, r) ?? 0) };
  if (r.ospf) {
    const ifaces: OspfIfaceSpec[] = [];
    for (const i of r.ospf.ifaces) {
      const dev = devOf(n.name, i.dev);
      if (dev === undefined || ('interfaces' in n && n.interfaces.find((x) => x.name === i.dev)?.down)) continue;
      ifaces.push({ dev, area: i.area, cost: i.cost, passive: i.passive, pointToPoint: !i.passive && pointToPoint(i.dev, addressesOf(n, i.dev)), realizes: [ospfRef(n.name), routingIfaceRef(n, i.dev)] });
    }
    spec.ospf = { ifaces, redistribute: r.ospf.redistribute, ...(r.ospf.defaultInformation ? { defaultInformation: r.ospf.defaultInformation } : {}), realizes: [ospfRef(n.name)] };
  }
  if (r.bgp) {
    const b = r.bgp;
    spec.bgp = {
      asn: b.asn,
      networks: b.networks.map((x) => formatNet(x.cidr)),
      redistribute: b.redistribute,
      neighbors: b.neighbors.map((nb) => ({
        address: formatIp(nb.address),
        asn: nb.asn,
        ...(nb.localPref !== undefined ? { localPref: nb.localPref } : {}),
        prepend: nb.prepend,
        ...(nb.import ? { import: nb.import.map(prefixSpec) } : {}),
        ...(nb.export ? { export: nb.export.map(prefixSpec) } : {}),
        realizes: [bgpRef(n.name), neighborRef(n.name, nb.index)],
      })),
      realizes: [bgpRef(n.name)],
    };
  }
  return spec;
}

const prefixSpec = (p: { network: number; prefix: number; ge?: number; le?: number }) => ({ prefix: formatNet(p), ...(p.ge !== undefined ? { ge: p.ge } : {}), ...(p.le !== undefined ? { le: p.le } : {}) });

function addressesOf(n: DesignNode, dev: string): string[] {
  if (n.kind === 'l3-switch') {
    const svi = /^vlan(\d+)$/.exec(dev);
    const s = svi ? n.svis.find((x) => x.vlan === Number(svi[1])) : undefined;
    if (s && !n.interfaces.some((i) => i.name === dev)) return s.addresses.map(formatNet);
  }
  return 'interfaces' in n ? (n.interfaces.find((i) => i.name === dev)?.addresses.map(formatNet) ?? []) : [];
}
