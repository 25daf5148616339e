// The OVN plan: pure data, like the kernel Plan, in three parts.
//  - logical: the Northbound rows the twin needs — a logical switch per broadcast domain,
//    a logical router per router and L3 switch, their ports, static routes, NAT and
//    load balancers (port forwards). Every object names the design elements it realises.
//  - chassis and bindings: where each workload port lives (placement), and the daemons each
//    chassis runs.
//  - local: the kernel objects on the chassis side, as a kernel Plan — the namespaces of
//    hosts, external networks, servers and VMs, the veths that plug them into br-int, their
//    addresses and routes, the chassis namespaces and the underlay — so the kernel renderer
//    and its batching build them (src/render), and kernel `down` finds them by marker.
import type { Capabilities, Choice, Deviation, EndpointLocation, FwTable, Plan, Ref } from '../../../plan/types.js';

export type { Ref } from '../../../plan/types.js';

interface Base {
  /** Design elements this object realises. Never empty. */
  realizes: Ref[];
}

/** A broadcast domain of the design (semantics/domains.ts). */
export interface LogicalSwitch extends Base {
  kind: 'ls';
  name: string;
  /** The domain's id in the design's numbering. */
  domain: number;
}

/** A port of a logical switch: a workload's interface (VIF), or the switch side of a router port. */
export interface SwitchPort extends Base {
  kind: 'lsp';
  name: string;
  ls: string;
  /** "MAC" (VIF): OVN learns nothing else, so ARP is answered by the workload itself, as on a real switch. */
  addresses: string[];
  /** type=router: the router port it stands for (options:router-port). */
  routerPort?: string;
  /** VIF: the design node and interface behind it. */
  node?: string;
  dev?: string;
  /** A DHCP client's port: the `dhcp` object (DHCP_Options) OVN answers it from (dhcp-dns.ts). */
  dhcp?: string;
}

export interface LogicalRouter extends Base {
  kind: 'lr';
  name: string;
  node: string;
  /**
   * The router's firewall as its ACLs realise it (firewall-acls.ts): the design's input and
   * forward steps (a logical router sends nothing of its own, so no output chain). The twin's
   * model reads it back, as the kernel engine's reads its nftables table.
   */
  firewall?: FwTable;
}

export interface RouterPort extends Base {
  kind: 'lrp';
  name: string;
  lr: string;
  /** The design's interface (or "vlan10" for an SVI). */
  dev: string;
  mac: string;
  networks: string[];
  /**
   * A distributed gateway port: NAT and port forwards through it are handled on this chassis
   * (the router node's), and only for traffic through this port, as Linux's `oif`/`iif` match.
   */
  gatewayChassis?: string;
}

export interface RouterRoute extends Base {
  kind: 'lr-route';
  lr: string;
  prefix: string;
  nexthop: string;
}

export interface RouterNat extends Base {
  kind: 'nat';
  lr: string;
  type: 'snat';
  externalIp: string;
  logicalIp: string;
  /** The distributed gateway port it applies to (the design's `out`). */
  port: string;
}

/** Port forwards of one router, or one of its load-balancer services: OVN load balancer VIPs on the router. */
export interface LoadBalancer extends Base {
  kind: 'lb';
  name: string;
  lr: string;
  protocol: 'tcp' | 'udp';
  /** "203.0.113.2:8080" -> "192.168.1.11:80" (a service: "10.0.1.11:80,10.0.1.12:80"). */
  vips: Record<string, string>;
  /** A `load-balancer` service (lb-services.ts), not port forwards: its name, and what OVN hashes to choose a backend. */
  service?: { name: string; scheduler: 'sh'; mode: 'nat' };
  selectionFields?: string[];
}

/**
 * An ACL of a logical switch. A port forward's VIP refused on a router's other ports (to-lport,
 * reject): OVN applies a load balancer on a distributed gateway port to every connection the
 * gateway chassis routes, whichever port it came in by; Linux's DNAT (`iif wan`) only to those
 * arriving through that interface, and an inside client gets "connection refused". A router's
 * firewall (from-lport, firewall-acls.ts): its rules where the switch's ports send to the router.
 */
export interface SwitchAcl extends Base {
  kind: 'acl';
  ls: string;
  direction: 'to-lport' | 'from-lport';
  priority: number;
  match: string;
  action: 'reject' | 'drop' | 'allow-related';
}

/** A DHCP scope as OVN's native DHCP: one DHCP_Options row; the ports of its clients name it (dhcp-dns.ts). */
export interface DhcpOptions extends Base {
  kind: 'dhcp';
  /** Unique in the plan (`<lab>.dhcp.<node>.<dev>`); no column of its own in the Northbound. */
  name: string;
  cidr: string;
  /** DHCP_Options options: server_id, server_mac, lease_time, router, dns_server, domain_name. */
  options: Record<string, string>;
}

/** A DNS service's names as OVN's DNS table: one DNS row, on the logical switches of the hosts it serves (dhcp-dns.ts). */
export interface DnsRecords extends Base {
  kind: 'dns';
  /** Unique in the plan (`<lab>.dns.<node>`); no column of its own in the Northbound. */
  name: string;
  records: Record<string, string>;
  /** The logical switches whose dns_records name it. */
  switches: string[];
}

export type LogicalObject = LogicalSwitch | SwitchPort | LogicalRouter | RouterPort | RouterRoute | RouterNat | LoadBalancer | SwitchAcl | DhcpOptions | DnsRecords;
export type LogicalKind = LogicalObject['kind'];

/** One chassis: a hypervisor running ovsdb-server, ovs-vswitchd and ovn-controller. */
export interface ChassisSpec {
  /** OVN system-id, what placement pins name ("chassis-2"). */
  name: string;
  /** Its network namespace on this machine (simulated chassis); none for a machine of an inventory. */
  namespace?: string;
  /** Tunnel endpoint address on the underlay. */
  encapIp: string;
  /** The chassis's underlay device (in `namespace`; simulated chassis). */
  underlayDev?: string;
  /** MAC of the device holding the tunnel address (userspace datapath: br-phy), known to every other chassis (simulated chassis). */
  encapMac?: string;
  /** A real machine of the inventory: it joins with `vnetmap chassis join`, its workloads' ports in its root namespace. */
  machine?: true;
  realizes: Ref[];
}

/** A workload interface plugged into br-int on its chassis, bound to a logical switch port. */
export interface Binding {
  chassis: string;
  /** The port's device on the chassis side (a veth end in the chassis's namespace). */
  dev: string;
  /** The logical switch port (external_ids:iface-id). */
  lsp: string;
  node: string;
  realizes: Ref[];
}

export interface PlacementSummary {
  method: string;
  /** Design node -> chassis (nodes with a namespace, and routers whose gateway port lives there). */
  assign: Record<string, string>;
  cut: number;
  loads: Record<string, number>;
  explain: string[];
}

export interface InventoryRef {
  file: string;
  /** Address and TCP ports of the central part's Northbound and Southbound. */
  central: { address: string; nbPort: number; sbPort: number };
}

export interface OvnPlan {
  engine: 'ovn';
  lab: string;
  labId: string;
  capabilities: Capabilities;
  encap: 'geneve';
  /** OVS datapath of every chassis: userspace (netdev) where the kernel has no openvswitch module. */
  datapath: 'system' | 'netdev';
  /** MTU of the underlay: simulated, big enough that tunnelled frames of 1,500 bytes fit; an inventory's says. */
  underlayMtu: number;
  /** Chassis on real machines (`--inventory`): where the central part listens, and the file. */
  inventory?: InventoryRef;
  chassis: ChassisSpec[];
  placement: PlacementSummary;
  logical: LogicalObject[];
  bindings: Binding[];
  /** Kernel objects: namespaces, veths, addresses, routes (see the file comment). */
  local: Plan;
  choices: Choice[];
  deviations: Deviation[];
  endpoints: EndpointLocation[];
}

export const isOvnPlan = (p: unknown): p is OvnPlan => !!p && typeof p === 'object' && (p as { engine?: unknown }).engine === 'ovn';
