// The IP-level model both the design and a plan are reduced to, so that one forwarding engine
// (forward.ts) answers "does A reach B" for the real network and for its Linux twin alike.
// Only the layer-2 view differs: the design's broadcast domains vs. bridges, veths, OVS tags
// and macvlan modes (L2View).
import type { Cidr } from '../model/ip.js';
import type { FwModel } from './firewall.js';
import type { NatStep } from './nat-rules.js';
import type { NetService } from './services.js';

export type Ref = string;

export interface NetIface {
  node: string;
  dev: string;
  addrs: Cidr[];
  /** Design element(s) behind this interface, for provenance in traces. */
  realizes: Ref[];
}

export interface NetRoute {
  /** Destination prefix (prefix 0 = default). */
  network: number;
  prefix: number;
  via?: number;
  dev?: string;
  /**
   * A route of a routing protocol (dynamic.ts) with several equal-cost next hops (ECMP): `via`
   * and `dev` are the first, which walks follow; the kernel hashes each flow onto one of them.
   */
  nexthops?: { via: number; dev: string }[];
  /** Its protocol's cost (OSPF), for resolving BGP next hops. */
  metric?: number;
  realizes: Ref[];
}

/** NAT rules in the order netfilter evaluates them (nat-rules.ts says what each matches). */
export type NetNat = NatStep;

export interface NetNode {
  name: string;
  /** ip_forward: routers and L3 switches; hosts never forward. */
  forwards: boolean;
  ifaces: NetIface[];
  routes: NetRoute[];
  nat: NetNat[];
  /** Its packet filter (firewall.ts), when it has one. */
  fw?: FwModel;
  /** What listens in it (proxies, processes; services.ts); load balancers are NAT steps. */
  services?: NetService[];
  realizes: Ref[];
  /**
   * Answers ARP only for the addresses of the interface that hears the request: an OVN logical
   * router. Linux (and real routers, by proxy ARP) answer for any address of the node.
   */
  arpOwnOnly?: boolean;
}

/** One step a frame takes between two IP interfaces, for traces. */
export interface L2Step {
  what: string;
  realizes: Ref[];
}

export interface L2View {
  /** Can a frame from interface a reach interface b (ARP request and reply)? */
  adjacent(a: NetIface, b: NetIface): boolean;
  /** A string equal for interfaces that are adjacent to exactly the same interfaces. */
  classKey(a: NetIface): string;
  /** The objects a frame crosses from a to b (only called when adjacent). */
  path(a: NetIface, b: NetIface): L2Step[];
  /** A short name for the L2 segment of a (domain id, bridge), for messages. */
  segmentName(a: NetIface): string;
  /** Why a frame between a and b may or may not arrive depending on earlier traffic. */
  unstable?(a: NetIface, b: NetIface): string | undefined;
}

/** An IP endpoint of the matrix: an interface (or SVI) with an address. */
export interface Endpoint {
  /** "iface:pc1/eth0" or "svi:core/10". */
  ref: Ref;
  /** Short display name: the node when it has one endpoint, else node/dev. */
  name: string;
  node: string;
  dev: string;
  addr: Cidr;
}

export interface NetModel {
  nodes: Map<string, NetNode>;
  l2: L2View;
  endpoints: Endpoint[];
  /** Interfaces owning each address (more than one: a duplicate address). */
  byAddr: Map<number, NetIface[]>;
  /** What the routing protocols converged to, where the network runs any (dynamic.ts). */
  routing?: import('./dynamic.js').Converged;
}

export function indexAddresses(nodes: Iterable<NetNode>): Map<number, NetIface[]> {
  const byAddr = new Map<number, NetIface[]>();
  for (const n of nodes)
    for (const i of n.ifaces)
      for (const a of i.addrs) {
        const list = byAddr.get(a.ip) ?? [];
        list.push(i);
        byAddr.set(a.ip, list);
      }
  return byAddr;
}

/** Display names: "pc1" for single-endpoint nodes, "gw/lan" otherwise. */
export function nameEndpoints(eps: Omit<Endpoint, 'name'>[]): Endpoint[] {
  const count = new Map<string, number>();
  for (const e of eps) count.set(e.node, (count.get(e.node) ?? 0) + 1);
  return eps.map((e) => ({ ...e, name: count.get(e.node) === 1 ? e.node : `${e.node}/${e.dev}` }));
}
