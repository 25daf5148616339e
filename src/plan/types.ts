// The plan: pure data listing every Linux object and setting that realises a design under a
// strategy. compile() produces it; render/ turns it into commands; apply/ runs them;
// semantics/ reasons over it. Every object says which design elements it realises.
import type { MacvlanMode, Strategy } from '../model/limits.js';

/**
 * A design element reference (provenance). Stable, human-readable strings:
 *   node:pc1  iface:pc1/eth0  link:3  port:sw1/p2  svi:core/10  route:pc1/0
 *   masquerade:gw/0  snat:gw/0  forward:gw/0  redirect:gw/0  gateway:pc1  domain:2
 *   dhcp:gw/lan  relay:core/vlan20  dns:gw
 * See src/plan/refs.ts for the constructors.
 */
export type Ref = string;

/** What the target kernel and tools can do; from a probe or a named preset. */
export interface Capabilities {
  /** Name of the preset or "probe". */
  source: string;
  /** 8021q VLAN devices (ip link add ... type vlan). */
  vlanDevices: boolean;
  /** Linux bridge vlan_filtering. */
  bridgeVlanFiltering: boolean;
  /** Open vSwitch (ovs-vsctl reachable, a datapath usable). */
  ovs: boolean;
  /** Which OVS datapath to use: the kernel module ("system") or userspace ("netdev"). */
  ovsDatapath: 'system' | 'netdev';
  macvlan: boolean;
  macvtap: boolean;
  vxlan: boolean;
  nftables: boolean;
  /** IPVS, the kernel's load balancer (ipvsadm); absent: not known, taken as no. */
  ipvs?: boolean;
  /**
   * Tunnel devices besides VXLAN, probed only by this machine's probe: presets leave it out and
   * take tunnelCapabilities()'s table by their name (src/plan/capabilities.ts).
   */
  tunnels?: TunnelCapabilities;
}

export interface TunnelCapabilities {
  gre: boolean;
  gretap: boolean;
  ipip: boolean;
  wireguard: boolean;
  tun: boolean;
}

/** null means the host's own (root) network namespace; only OVS ports ever live there. */
export type Netns = string | null;

/** One end of a veth pair. */
export interface VethEnd {
  namespace: Netns;
  name: string;
  /** Linux bridge (in the same namespace) this end is enslaved to. */
  master?: string;
  /** Open vSwitch bridge this end is a port of (namespace must be null). */
  ovsBridge?: string;
  mac?: string;
  mtu?: number;
  /** Disable TX checksum offload (needed on ends whose frames reach an OVS userspace datapath). */
  txOff?: boolean;
}

interface Base {
  /** Design elements this object realises. Never empty. */
  realizes: Ref[];
}

export interface NetnsObj extends Base {
  kind: 'netns';
  name: string;
  /** The design node it stands for, if any (a compact fabric namespace has none). */
  node?: string;
  role: 'host' | 'external' | 'router' | 'switch' | 'l3-switch' | 'server' | 'vm' | 'fabric';
}

export interface BridgeObj extends Base {
  kind: 'bridge';
  namespace: Netns;
  name: string;
  stp: boolean;
  vlanFiltering?: boolean;
  /**
   * With vlanFiltering: the kernel's default_pvid. 0 means new ports join no VLAN, so every
   * port carries exactly the VLANs its bridge-port object lists (a real 802.1Q switch port
   * with no VLAN configured drops frames; Linux would otherwise put it in VLAN 1).
   */
  defaultPvid?: number;
  mtu?: number;
}

export interface VethObj extends Base {
  kind: 'veth';
  a: VethEnd;
  b: VethEnd;
}

/** A TAP device for a real hypervisor (QEMU) to attach to. */
export interface TapObj extends Base {
  kind: 'tap';
  namespace: Netns;
  name: string;
  master?: string;
  mac?: string;
  /** The QEMU arguments that attach a VM to this TAP. */
  qemuArgs: string[];
}

/** macvlan or macvtap child: created on its parent, then moved and renamed. */
export interface MacvlanObj extends Base {
  kind: 'macvlan';
  namespace: Netns;
  name: string;
  parent: { namespace: Netns; name: string };
  mode: MacvlanMode;
  /** macvtap (a character device for QEMU) instead of macvlan. */
  tap: boolean;
  mac?: string;
  qemuArgs?: string[];
}

/** An 802.1Q VLAN device on a parent interface. */
export interface VlanObj extends Base {
  kind: 'vlan';
  namespace: Netns;
  name: string;
  parent: string;
  vid: number;
  master?: string;
}

/** Per-port settings of a Linux bridge port (hairpin, VLAN membership with filtering). */
export interface BridgePortObj extends Base {
  kind: 'bridge-port';
  namespace: Netns;
  dev: string;
  hairpin?: boolean;
  /** With vlan_filtering: the VLANs of this port. */
  vlans?: { vid: number; pvid?: boolean; untagged?: boolean }[];
  /** With vlan_filtering, the bridge itself as a VLAN member (for SVIs on the bridge). */
  self?: boolean;
}

export interface OvsBridgeObj extends Base {
  kind: 'ovs-bridge';
  name: string;
  datapath: 'system' | 'netdev';
  stp: boolean;
}

export interface OvsPortObj extends Base {
  kind: 'ovs-port';
  bridge: string;
  /** The root-namespace device (usually a veth end) that becomes the port. */
  name: string;
  tag?: number;
  trunks?: number[];
  vlanMode?: 'access' | 'trunk' | 'native-untagged' | 'native-tagged';
  /** Reflective relay: OVS does not hairpin, so such ports get an explicit flow. */
  hairpin?: boolean;
}

export interface AddressObj extends Base {
  kind: 'address';
  namespace: Netns;
  dev: string;
  cidr: string;
}

export interface RouteObj extends Base {
  kind: 'route';
  namespace: Netns;
  /** "default" or a prefix. */
  to: string;
  via?: string;
  dev?: string;
}

export interface SysctlObj extends Base {
  kind: 'sysctl';
  namespace: Netns;
  key: string;
  value: string;
  /** Set only where the kernel has the key (a module's setting, absent while it is not loaded). */
  optional?: true;
}

export type NatRule =
  | { type: 'masquerade'; out: string; from?: string; realizes: Ref[] }
  | { type: 'snat'; out: string; to: string; from?: string; realizes: Ref[] }
  /** `notIn`: arrived on any interface but that one; `hairpin`: marked for the hairpin masquerade. */
  | { type: 'dnat'; in?: string; notIn?: string; daddr?: string; hairpin?: boolean; protocol: 'tcp' | 'udp'; port: number; to: string; toPort: number; realizes: Ref[] }
  | { type: 'redirect'; in: string; protocol: 'tcp' | 'udp'; port: number; toPort: number; realizes: Ref[] }
  /** Hairpin NAT: inside clients that reached a port forward through the public address leave with the router's address. */
  | { type: 'hairpin-masquerade'; realizes: Ref[] }
  /**
   * A load balancer realised by nftables: the VIP and port DNATed to a backend chosen by numgen
   * (rr, wrr; lc falls back to rr) or jhash of the source (sh); fullnat also masquerades.
   */
  | { type: 'lb'; name: string; daddr: string; protocol: 'tcp' | 'udp'; port: number; scheduler: 'rr' | 'wrr' | 'lc' | 'sh'; mode: 'nat' | 'fullnat'; backends: { to: string; toPort: number; weight: number }[]; realizes: Ref[] };

/**
 * One rule of a packet filter (plan/firewall.ts, semantics/firewall.ts): devices, prefixes and
 * ports as nftables writes them. Engine-neutral: the kernel engine renders it as nftables
 * (render/firewall-nft.ts); another engine can make its own ACLs of it.
 */
export interface FwRuleObj {
  chain: 'input' | 'forward' | 'output';
  verdict: 'accept' | 'drop' | 'reject';
  /** Devices it came in on / goes out of; absent: any, empty: none. */
  iif?: string[];
  oif?: string[];
  /** Prefixes ("10.0.0.0/8") or addresses. */
  saddr?: string[];
  daddr?: string[];
  protocol?: 'tcp' | 'udp' | 'icmp';
  /** "443" or "8000-8080". */
  dports?: string[];
  /** ICMP type numbers. */
  icmpTypes?: number[];
  /** Only connections this node's port forward (or redirect) translated. */
  dnat?: true;
  /** The design rule's number (1-based) and how it reads. */
  rule: number;
  label: string;
  realizes: Ref[];
}

/** A node's packet filter: stateful or not, the policy of each chain, the rules in order. */
export interface FwTable {
  stateful: boolean;
  policy: { input: 'accept' | 'drop' | 'reject'; forward: 'accept' | 'drop' | 'reject'; output: 'accept' | 'drop' | 'reject' };
  rules: FwRuleObj[];
}

/** One nftables table in a namespace, applied as a single `nft -f` transaction. */
export interface NftObj extends Base {
  kind: 'nft';
  namespace: Netns;
  /** nftables family of the table (default ip: NAT). */
  family?: 'ip' | 'inet';
  table: string;
  rules: NatRule[];
  /** A packet filter table (family inet) instead of NAT: its chains and rules. */
  filter?: FwTable;
}

export interface HostsObj extends Base {
  kind: 'hosts';
  namespace: string;
  entries: { name: string; ip: string }[];
}

/**
 * A long-running process of the twin (a DHCP or DNS server, a routing daemon, a proxy, a
 * workload), started in its namespace when the lab is built, watched by `status` and started
 * again by `up` when it is gone, stopped by `down`. It runs in the foreground (vnetmap puts it
 * in a session of its own); its directory under the lab's run directory holds its files, its
 * log and whatever it writes (leases).
 */
export interface DaemonObj extends Base {
  kind: 'daemon';
  namespace: Netns;
  /** Unique in the lab (letters, digits, '-', '_', '.'): names the daemon's directory. */
  name: string;
  /**
   * Program and arguments; the text {dir} in an argument stands for the daemon's directory, and
   * {dir:NAME} for the directory of daemon NAME of the same lab (FRR daemons share zebra's socket).
   */
  argv: string[];
  /** Files written into its directory before it starts (configuration). */
  files: { name: string; content: string; executable?: true }[];
  /** Files of its directory removed before it starts: what a previous run of it wrote (a DHCP client's lease). */
  clears?: string[];
  /** What it is for, where vnetmap must know (up waits for DHCP clients' leases; status lists leases). */
  role?: 'dhcp-client' | 'dhcp-server' | 'dns' | 'dhcp-dns';
  /** A DNS service: the node it stands for, the addresses it answers on and its domain (hosts' resolv.conf point to it). */
  dns?: { node: string; addresses: string[]; domain?: string };
  /**
   * A DHCP client: the device whose addresses and default route it sets (they are not in the
   * plan, so drift leaves them alone), and the lease the design says it gets.
   */
  client?: { dev: string; node: string; iface: string; subnet: string; pools: string; reserved?: string; server: string; router?: string };
  /**
   * A path ({dir} allowed) that exists once the daemon serves, such as its socket: `up` waits
   * for it, bounded, before starting the daemons that come after it.
   */
  ready?: string;
  /** Daemons (by name) that must be ready before this one starts; `up` starts the rest side by side. */
  after?: string[];
  /** A port it serves, that verify connects to (a workload's declared port). */
  port?: { protocol: 'tcp' | 'udp'; port: number };
}

/** An OSPF interface of a node's routing, by the twin's device name. */
export interface OspfIfaceSpec {
  dev: string;
  /** Area id, 32-bit (0: the backbone). */
  area: number;
  cost: number;
  passive: boolean;
  /** A segment with exactly two OSPF routers: no DR election (the twin's choice; same routes). */
  pointToPoint: boolean;
  realizes: Ref[];
}

export interface PrefixSpec {
  /** "10.0.0.0/8" */
  prefix: string;
  ge?: number;
  le?: number;
}

export interface BgpNeighborSpec {
  address: string;
  asn: number;
  localPref?: number;
  prepend: number;
  import?: PrefixSpec[];
  export?: PrefixSpec[];
  realizes: Ref[];
}

/** What one node's routing daemons are configured with: the design's routing: as the twin names it. */
export interface RoutingSpec {
  node: string;
  routerId: string;
  ospf?: { ifaces: OspfIfaceSpec[]; redistribute: ('connected' | 'static')[]; defaultInformation?: 'originate' | 'always'; realizes: Ref[] };
  bgp?: { asn: number; networks: string[]; redistribute: ('connected' | 'static' | 'ospf')[]; neighbors: BgpNeighborSpec[]; realizes: Ref[] };
}

/**
 * The dynamic routing of one namespace (OSPF, BGP), as data: what its FRR daemons (daemon
 * objects, realizing the same refs) are configured with and what the semantics engine
 * converges. It has no kernel object of its own: its daemons and the routes they install are
 * what `status` and `verify` look at.
 */
export interface RoutingObj extends Base {
  kind: 'routing';
  namespace: string;
  spec: RoutingSpec;
}

/** Kinds of tunnel device (docs/routing.md). */
export type TunnelType = 'vxlan' | 'gretap' | 'gre' | 'ipip' | 'wireguard' | 'tun';

/**
 * One end of a tunnel: a device in its node's namespace that carries what enters it to the
 * other end's underlay address. `peer` names the other end's device, so the semantics engine
 * joins the two while the underlay carries them.
 */
export interface TunnelObj extends Base {
  kind: 'tunnel';
  type: TunnelType;
  namespace: string;
  name: string;
  local: string;
  remote: string;
  /** The underlay device `local` lives on (vxlan: the kernel sizes the MTU from it). */
  dev?: string;
  vni?: number;
  /** UDP port (vxlan, wireguard, tun). */
  port?: number;
  key?: number;
  master?: string;
  mac?: string;
  mtu?: number;
  /** WireGuard: this end's private key and the other end's public key (base64). */
  wireguard?: { privateKey: string; peerPublicKey: string };
  peer: { namespace: string; name: string };
}

/** A virtual service of the kernel's IPVS (ipvsadm), in NAT (masquerading) mode. */
export interface IpvsObj extends Base {
  kind: 'ipvs';
  namespace: string;
  name: string;
  protocol: 'tcp' | 'udp';
  vip: string;
  port: number;
  scheduler: 'rr' | 'wrr' | 'lc' | 'sh';
  backends: { addr: string; port: number; weight: number }[];
}

/** A command run once in a namespace after up built it (a node's exec: list). */
export interface ExecObj extends Base {
  kind: 'exec';
  namespace: string;
  node: string;
  argv: string[];
}

export type PlanObject =
  | NetnsObj
  | BridgeObj
  | VethObj
  | TapObj
  | MacvlanObj
  | VlanObj
  | BridgePortObj
  | OvsBridgeObj
  | OvsPortObj
  | AddressObj
  | RouteObj
  | SysctlObj
  | NftObj
  | HostsObj
  | DaemonObj
  | RoutingObj
  | TunnelObj
  | IpvsObj
  | ExecObj;

export type ObjectKind = PlanObject['kind'];

/** Where the twin knowingly differs from the real network. The verifier checks these. */
export interface Deviation {
  /** Stable code, e.g. "switch-collapsed", "macvtap-bridge-no-host", "private-isolation". */
  code: string;
  message: string;
  realizes: Ref[];
  /** Endpoint pairs whose expected reachability / adjacency changes because of this. */
  affects?: { from: string; to: string; l2?: boolean; reach?: boolean }[];
}

/** A decision the compiler made from the capabilities, recorded so `plan --explain` can say why. */
export interface Choice {
  feature: string;
  chosen: string;
  why: string;
}

export interface Plan {
  lab: string;
  /** Short id derived from the lab name; prefixes host-namespace objects. */
  labId: string;
  strategy: Strategy;
  capabilities: Capabilities;
  choices: Choice[];
  objects: PlanObject[];
  deviations: Deviation[];
  /** Where each endpoint interface of the design lives in the twin, for exec/verify/trace. */
  endpoints: EndpointLocation[];
  /**
   * DNS services the twin answers without a daemon of this plan (the OVN engine's DNS table for
   * a router's `dns:`): hosts' resolv.conf name them and verify asks them, as a dnsmasq's `dns`.
   */
  dns?: NonNullable<DaemonObj['dns']>[];
}

export interface EndpointLocation {
  /** iface ref, e.g. "iface:pc1/eth0", or "svi:core/10". */
  ref: Ref;
  node: string;
  namespace: string;
  dev: string;
  addresses: string[];
  /**
   * A DHCP client: `addresses` holds the address the design assumes (its reservation, or one of
   * its pool); the live twin's lease is read at run time and must lie in `pools` (or be `reserved`).
   */
  dhcp?: { subnet: string; pools: string; reserved?: string };
}
