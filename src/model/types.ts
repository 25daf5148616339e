// The resolved design: what every later stage (compile, semantics, diagram) reads.
// Raw YAML never leaves src/model; these types are normalised (lists instead of maps where
// order matters, parsed addresses, port modes filled in from link defaults) and each element
// keeps its document path so later stages can point back at file:line.
import type { Cidr } from './ip.js';
import type { AttachMode, MacvlanMode, SriovMode, Strategy, TunnelKind } from './limits.js';
import type { PathSeg } from './problems.js';
import type { Firewall } from './types-firewall.js';
import type { ExecCommand, NodeService } from './types-services.js';

export type NodeKind = 'host' | 'switch' | 'l3-switch' | 'router' | 'server' | 'vm' | 'external';

export interface Iface {
  node: string;
  name: string;
  /** Parsed addresses; the first is primary. Unparseable ones were reported and dropped. */
  addresses: Cidr[];
  mac?: string;
  mtu?: number;
  /** vm only: the server NIC it hangs off, and its access VLAN there. */
  uplink?: string;
  vlan?: number;
  /** vm only: how the server attaches it, when it says so (else the server's attach). */
  attach?: AttachMode;
  /** server only: SR-IOV virtual functions offered by this NIC, and its embedded switch's mode. */
  sriovVfs?: number;
  sriovMode?: SriovMode;
  /** Never from a design file: a link cut on purpose left it down or without carrier (semantics/cuts.ts); no routing protocol runs on it. */
  down?: true;
  /** `address: dhcp`: the interface asks a DHCP server for its address (docs/dhcp-dns.md). */
  dhcp?: true;
  /**
   * Filled in after the checks (model/leases.ts) for a DHCP client: where it gets its lease.
   * `addresses` then holds the address the offline stages assume: the reserved one, or one of
   * the pool's (the live twin's lease may be another of the same pool; verify reads it).
   */
  lease?: Lease;
  path: PathSeg[];
}

/** What a DHCP client interface gets, as far as the design says. */
export interface Lease {
  /** The serving node and its interface or SVI ("vlan10") where the scope is configured. */
  server: string;
  dev: string;
  subnet: Cidr;
  /** The scope's pools, "first-last", comma-separated. */
  pools: string;
  /** A reservation gives exactly this address (it is in `addresses`). */
  reserved?: number;
  /** Through this relay (node and its interface), when the server is remote. */
  relay?: { node: string; dev: string };
}

export interface DhcpPool {
  first: number;
  last: number;
  text: string;
  path: PathSeg[];
}

export interface DhcpReservation {
  mac?: string;
  /** The design interface it is for ("client: node:interface"). */
  client?: { node: string; iface: string };
  ip: number;
  path: PathSeg[];
}

/** A DHCP server on one interface or SVI of a node ("dhcp: lan: ..."). */
export interface DhcpScope {
  node: string;
  /** Interface name, or "vlan10" for an SVI of an L3 switch. */
  dev: string;
  /** A remote subnet served through a relay; absent: the interface's own. */
  subnet?: Cidr;
  pools: DhcpPool[];
  reservations: DhcpReservation[];
  lease: number;
  router?: number;
  dns?: number[];
  domain?: string;
  path: PathSeg[];
}

/** A DHCP relay on an interface or SVI, to the server at `server`. */
export interface DhcpRelay {
  node: string;
  dev: string;
  server: number;
  path: PathSeg[];
}

/** A DNS service on a node (dnsmasq) answering for the design's names. */
export interface DnsService {
  node: string;
  domain?: string;
  path: PathSeg[];
}

export interface Route {
  /** Destination; prefix 0 for "default". */
  to: Cidr;
  via?: number;
  dev?: string;
  path: PathSeg[];
}

export type PortMode =
  | { mode: 'plain' }
  | { mode: 'access'; vlan: number }
  | { mode: 'trunk'; vlans: number[]; native?: number };

export interface LinkEnd {
  node: string;
  port: string;
  mode: PortMode;
  /** Tunnel links: the underlay address this end sends from, when the design names it. */
  local?: number;
  path: PathSeg[];
}

/** A link laid as a tunnel over the routed network (docs/routing.md). */
export interface TunnelSpec {
  kind: TunnelKind;
  vni?: number;
  port?: number;
  key?: number;
  path: PathSeg[];
}

export interface Link {
  /** 1-based, as people count links in the file. */
  index: number;
  ends: [LinkEnd, LinkEnd];
  mtu?: number;
  label?: string;
  /** Present when the link is a tunnel over the routed network rather than a cable. */
  tunnel?: TunnelSpec;
  path: PathSeg[];
}

export interface OspfIface {
  /** Interface name, or vlan<vid> for an SVI. */
  dev: string;
  /** Area id as a 32-bit number (0: the backbone). */
  area: number;
  cost: number;
  passive: boolean;
  path: PathSeg[];
}

export interface OspfConfig {
  ifaces: OspfIface[];
  redistribute: ('connected' | 'static')[];
  defaultInformation?: 'originate' | 'always';
  path: PathSeg[];
}

/** A prefix-list entry: the prefix, and the range of lengths it matches (ge..le; exact by default). */
export interface PrefixFilter {
  network: number;
  prefix: number;
  ge?: number;
  le?: number;
  path: PathSeg[];
}

export interface BgpNeighbor {
  /** 0-based position under neighbors. */
  index: number;
  address: number;
  asn: number;
  localPref?: number;
  prepend: number;
  import?: PrefixFilter[];
  export?: PrefixFilter[];
  path: PathSeg[];
}

export interface BgpConfig {
  asn: number;
  networks: { cidr: Cidr; path: PathSeg[] }[];
  redistribute: ('connected' | 'static' | 'ospf')[];
  neighbors: BgpNeighbor[];
  path: PathSeg[];
}

/** Dynamic routing of a router or L3 switch (docs/routing.md). */
export interface Routing {
  routerId?: number;
  ospf?: OspfConfig;
  bgp?: BgpConfig;
  path: PathSeg[];
}

interface NodeBase {
  name: string;
  label?: string;
  /** The chassis this node is pinned to when the twin is spread over several (docs/placement.md). */
  placement?: string;
  path: PathSeg[];
}

/** Nodes with an IP stack of their own. */
export interface Routed {
  interfaces: Iface[];
  gateway?: number;
  routes: Route[];
  hosts: Record<string, string>;
  /** Its packet filter, when the design gives it one (docs/services.md). */
  firewall?: Firewall;
  /** Load balancers, proxies, processes it runs (docs/services.md). */
  services?: NodeService[];
  /** Commands run once after up. */
  exec?: ExecCommand[];
  /** DHCP scopes served and relays (routers, servers, L3 switches). */
  dhcp?: { scopes: DhcpScope[]; relays: DhcpRelay[] };
  dns?: DnsService;
  /** The default gateway comes from DHCP (option router of its lease), not from the design. */
  gatewayFromDhcp?: true;
}

export interface HostNode extends NodeBase, Routed {
  kind: 'host' | 'external';
}

export interface SwitchNode extends NodeBase {
  kind: 'switch';
  vlanAware: boolean;
  stp: boolean;
  /** Ports with reflective relay (hairpin) on; 'all' for every port. */
  hairpin: 'all' | string[];
}

export interface Svi {
  vlan: number;
  addresses: Cidr[];
  mac?: string;
  path: PathSeg[];
}

export interface L3SwitchNode extends NodeBase, Routed {
  kind: 'l3-switch';
  svis: Svi[];
  stp: boolean;
  routing?: Routing;
}

export interface Masquerade {
  out: string;
  from?: Cidr;
  path: PathSeg[];
}
export interface Snat extends Masquerade {
  to: number;
}
export interface PortForward {
  in: string;
  protocol: 'tcp' | 'udp';
  port: number;
  to: number;
  toPort: number;
  path: PathSeg[];
}
export interface Redirect {
  in: string;
  protocol: 'tcp' | 'udp';
  port: number;
  toPort: number;
  path: PathSeg[];
}

export interface Nat {
  masquerade: Masquerade[];
  snat: Snat[];
  portForwards: PortForward[];
  redirects: Redirect[];
  hairpin: boolean;
}

export interface RouterNode extends NodeBase, Routed {
  kind: 'router';
  nat: Nat;
  routing?: Routing;
}

export interface ServerNode extends NodeBase, Routed {
  kind: 'server';
  /** Whether VMs are separated by VLAN on this server (false: one plain bridge, seed B_V0). */
  vlanAware: boolean;
  /** How it attaches its VMs unless a VM interface says otherwise (src/model/attach.ts). */
  attach: AttachMode;
}

export interface VmNode extends NodeBase, Routed {
  kind: 'vm';
  server: string;
}

export type DesignNode = HostNode | SwitchNode | L3SwitchNode | RouterNode | ServerNode | VmNode;

export interface Mapping {
  strategy: Strategy;
  macvlanMode: MacvlanMode;
  servers: Record<string, { macvlanMode?: MacvlanMode }>;
}

export interface Design {
  name: string;
  description?: string;
  /** File the design was read from, for messages. */
  file: string;
  nodes: DesignNode[];
  links: Link[];
  mapping: Mapping;
}

export const isRouted = (n: DesignNode): n is Extract<DesignNode, Routed> => 'interfaces' in n;

/**
 * A static route to exactly one of the node's own subnets: the connected route wins on a real
 * router, and Linux refuses a second route to it ("File exists"), so the twin leaves it out.
 */
export function shadowedByConnected(n: Extract<DesignNode, Routed>, r: Route): boolean {
  const own = [...n.interfaces.flatMap((i) => i.addresses), ...('svis' in n ? n.svis.flatMap((s) => s.addresses) : [])];
  return r.to.prefix > 0 && own.some((c) => c.network === r.to.network && c.prefix === r.to.prefix);
}

/** VLAN-aware L2 devices: their link ends carry access/trunk modes. */
export const isVlanAware = (n: DesignNode): boolean =>
  (n.kind === 'switch' && n.vlanAware) || n.kind === 'l3-switch';

/** Devices whose link ends are switch ports rather than interfaces with an IP stack. */
export const isSwitching = (n: DesignNode): boolean => n.kind === 'switch' || n.kind === 'l3-switch';

/** Nodes that may run dynamic routing. */
export const routingOf = (n: DesignNode): Routing | undefined => (n.kind === 'router' || n.kind === 'l3-switch' ? n.routing : undefined);
