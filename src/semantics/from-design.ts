// Design -> NetModel: the real network as the forwarding engine sees it. Layer 2 is the
// design's broadcast domains, refined pair by pair where a server attaches VMs by macvtap
// (attachments.ts); layer 3 is each routed node's interfaces, routes, gateway and NAT.
import type { Design } from '../model/types.js';
import { isRouted } from '../model/types.js';
import { attachAdjacent, attachClassKey, attachUnstable } from './attachments.js';
import { broadcastDomains, ifaceRef, sviRef, type DomainResult } from './domains.js';
import { converge } from './dynamic.js';
import { carriedDesign, tunnelPorts, underlayOf } from './tunnels.js';
import { formatIp } from '../model/ip.js';
import { routerNat } from './nat-rules.js';
import { routingSpecs } from './routing-spec.js';
import { designAddresses, nodeFirewall } from './firewall.js';
import { balances, lbSteps, netServices } from './services.js';
import { indexAddresses, nameEndpoints, type Endpoint, type L2View, type NetIface, type NetModel, type NetNode, type NetRoute } from './net-model.js';

export interface DesignModel extends NetModel {
  domains: DomainResult;
}

/** Nodes whose kind forwards packets between its interfaces in the real network. */
const FORWARDS = new Set(['router', 'l3-switch']);

export function designModel(d: Design, domains?: DomainResult): DesignModel {
  // Tunnels the underlay does not carry are no cables (tunnels.ts).
  if (d.links.some((l) => l.tunnel)) {
    const carried = carriedDesign(d, (x) => designModel(x));
    if (carried !== d) return designModel(carried);
  }
  return buildModel(d, domains ?? broadcastDomains(d));
}

function buildModel(d: Design, domains: DomainResult): DesignModel {
  const ports = tunnelPorts(d);
  const tunnelByLink = new Map(
    d.links.flatMap((l) => {
      if (!l.tunnel) return [];
      const [a, b] = l.ends.map((e) => underlayOf(d, e, ports));
      return [[l.index, { kind: l.tunnel.kind, vni: l.tunnel.vni, from: `${l.ends[0].node} (${a === undefined ? '?' : formatIp(a)})`, to: `${l.ends[1].node} (${b === undefined ? '?' : formatIp(b)})` }] as const];
    }),
  );
  const nodes = new Map<string, NetNode>();
  const refOf = new Map<NetIface, string>();
  // Firewall rules may name nodes: their addresses (interfaces and SVIs).
  const addressesOf = designAddresses(d);
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
    const fw = n.firewall ? nodeFirewall(n, addressesOf) : undefined;
    const services = netServices(n);
    const nat = [...lbSteps(n), ...(n.kind === 'router' ? routerNat(n) : [])];
    nodes.set(n.name, { name: n.name, forwards: FORWARDS.has(n.kind) || balances(n), ifaces, routes, nat, ...(fw ? { fw } : {}), ...(services.length ? { services } : {}), realizes: [`node:${n.name}`] });
  }
  const at = domains.attachments;
  const refIn = (i: NetIface) => refOf.get(i) ?? '';
  const l2: L2View = {
    adjacent: (a, b) => {
      const da = domains.of.get(refIn(a));
      return da !== undefined && da === domains.of.get(refIn(b)) && (attachAdjacent(at, refIn(a), refIn(b)) ?? true);
    },
    classKey: (a) => `d${domains.of.get(refIn(a)) ?? 'none:' + refOf.get(a)}${attachClassKey(at, refIn(a))}`,
    path: (a, b) => {
      const id = domains.of.get(refOf.get(a)!)!;
      const dom = domains.domains[id - 1]!;
      const via = dom.switches.length ? ` through ${dom.switches.join(', ')}` : ' (direct cable)';
      const steps = [{ what: `broadcast domain ${id}${via}: ${a.node}/${a.dev} -> ${b.node}/${b.dev}`, realizes: [`domain:${id}`, ...dom.links.map((l) => `link:${l}`)] }];
      // Its tunnels: the frame is encapsulated between two underlay addresses (tunnels.ts).
      for (const l of dom.links) {
        const t = tunnelByLink.get(l);
        if (t) steps.push({ what: `encapsulated: ${t.kind}${t.vni !== undefined ? ` VNI ${t.vni}` : ''} from ${t.from} to ${t.to} over the routed network (link ${l})`, realizes: [`link:${l}`] });
      }
      const pa = at.ports.get(refIn(a));
      const pb = at.ports.get(refIn(b));
      // On one parent device only two bridge-mode children meet inside the server; any other
      // pair the attachment lets through meets through the hairpin port (path() is only asked
      // about adjacent pairs).
      const sameParent = pa !== undefined && (pa.parent === pb?.parent || pa.parent === at.parents.get(refIn(b)));
      const sameAsB = pb !== undefined && pb.parent === at.parents.get(refIn(a));
      const reflected = (sameParent || sameAsB) && !(pa?.kind === 'bridge' && pb?.kind === 'bridge');
      for (const [p, i] of [[pa, a], [pb, b]] as const) if (p) steps.push({ what: `${i.node}/${i.dev} is attached by ${p.what} on ${p.parent}`, realizes: [refIn(i), `iface:${p.server}/${p.nic}`] });
      if (reflected) steps.push({ what: `the switch port cabled to ${(pa ?? pb)!.parent} reflects the frame back (hairpin)`, realizes: [] });
      return steps;
    },
    segmentName: (a) => {
      const id = domains.of.get(refOf.get(a) ?? '');
      const p = at.ports.get(refIn(a));
      return id === undefined ? 'not connected' : `broadcast domain ${id}${p ? ` (${p.what} on ${p.parent})` : ''}`;
    },
    unstable: (a, b) => attachUnstable(at, refIn(a), refIn(b)),
  };
  // OSPF and BGP as they converge over this layer 2, beside the static routes.
  const routing = converge(nodes, l2, routingSpecs(d, undefined, domains));
  return { nodes, l2, endpoints: nameEndpoints(eps), byAddr: indexAddresses(nodes.values()), domains, ...(routing ? { routing } : {}) };
}
