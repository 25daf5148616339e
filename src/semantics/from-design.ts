// Design -> NetModel: the real network as the forwarding engine sees it. Layer 2 is the
// design's broadcast domains; layer 3 is each routed node's interfaces, routes, gateway and NAT.
import type { Design } from '../model/types.js';
import { isRouted } from '../model/types.js';
import { broadcastDomains, ifaceRef, sviRef, type DomainResult } from './domains.js';
import { routerNat } from './nat-rules.js';
import { indexAddresses, nameEndpoints, type Endpoint, type L2View, type NetIface, type NetModel, type NetNode, type NetRoute } from './net-model.js';

export interface DesignModel extends NetModel {
  domains: DomainResult;
}

/** Nodes whose kind forwards packets between its interfaces in the real network. */
const FORWARDS = new Set(['router', 'l3-switch']);

export function designModel(d: Design, domains: DomainResult = broadcastDomains(d)): DesignModel {
  const nodes = new Map<string, NetNode>();
  const refOf = new Map<NetIface, string>();
  const eps: Omit<Endpoint, 'name'>[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    const ifaces: NetIface[] = [];
    const add = (ref: string, dev: string, addrs: NetIface['addrs']) => {
      const i: NetIface = { node: n.name, dev, addrs, realizes: [ref] };
      ifaces.push(i);
      refOf.set(i, ref);
      if (addrs[0] && domains.of.has(ref)) eps.push({ ref, node: n.name, dev, addr: addrs[0] });
    };
    for (const i of n.interfaces) add(ifaceRef(n.name, i.name), i.name, i.addresses);
    if (n.kind === 'l3-switch') for (const s of n.svis) add(sviRef(n.name, s.vlan), `vlan${s.vlan}`, s.addresses);
    const routes: NetRoute[] = n.routes.map((r, k) => ({
      network: r.to.network,
      prefix: r.to.prefix,
      ...(r.via !== undefined ? { via: r.via } : {}),
      ...(r.dev !== undefined ? { dev: r.dev } : {}),
      realizes: [`route:${n.name}/${k}`],
    }));
    if (n.gateway !== undefined) routes.push({ network: 0, prefix: 0, via: n.gateway, realizes: [`gateway:${n.name}`] });
    nodes.set(n.name, { name: n.name, forwards: FORWARDS.has(n.kind), ifaces, routes, nat: n.kind === 'router' ? routerNat(n) : [], realizes: [`node:${n.name}`] });
  }
  const l2: L2View = {
    adjacent: (a, b) => {
      const da = domains.of.get(refOf.get(a) ?? '');
      return da !== undefined && da === domains.of.get(refOf.get(b) ?? '');
    },
    classKey: (a) => `d${domains.of.get(refOf.get(a) ?? '') ?? 'none:' + refOf.get(a)}`,
    path: (a, b) => {
      const id = domains.of.get(refOf.get(a)!)!;
      const dom = domains.domains[id - 1]!;
      const via = dom.switches.length ? ` through ${dom.switches.join(', ')}` : ' (direct cable)';
      return [{ what: `broadcast domain ${id}${via}: ${a.node}/${a.dev} -> ${b.node}/${b.dev}`, realizes: [`domain:${id}`, ...dom.links.map((l) => `link:${l}`)] }];
    },
    segmentName: (a) => {
      const id = domains.of.get(refOf.get(a) ?? '');
      return id === undefined ? 'not connected' : `broadcast domain ${id}`;
    },
  };
  return { nodes, l2, endpoints: nameEndpoints(eps), byAddr: indexAddresses(nodes.values()), domains };
}
