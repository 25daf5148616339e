// The design language: one zod schema is the single source of the TypeScript types
// (z.infer) and of the published JSON Schema (scripts/gen-schema.ts). Only shapes and
// types live here; cross-references and network sense are checked in ./checks/.
import { z } from 'zod';
import { Routing, Tunnel, TunnelLocal } from './schema-routing.js';
import { ATTACH_MODES, MACVLAN_MODES, SRIOV_MODES, STRATEGIES, VLAN_MAX, VLAN_MIN } from './limits.js';
import { Firewall } from './schema-firewall.js';
import { Exec, Services } from './services/index.js';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

export const VlanId = d(z.number().int(), `802.1Q VLAN id, ${VLAN_MIN}-${VLAN_MAX}.`);
const Cidr = d(z.string(), 'IPv4 address with prefix length, e.g. 192.168.1.10/24.');
const Ip = d(z.string(), 'IPv4 address without prefix, e.g. 192.168.1.1.');
const Port = d(z.number().int(), 'TCP/UDP port, 1-65535.');
const Protocol = z.enum(['tcp', 'udp']);

export const Route = z.strictObject({
  to: d(z.string(), 'Destination prefix (CIDR) or "default".'),
  via: d(Ip.optional(), 'Next-hop address; must be on a connected subnet.'),
  dev: d(z.string().optional(), 'Outgoing interface, for routes without a next hop.'),
});

export const Interface = z.strictObject({
  address: d(z.union([Cidr, z.array(Cidr)]).optional(), 'One address or a list (first is primary); "dhcp" (hosts and VMs): the interface asks a DHCP server of its broadcast domain for one (docs/dhcp-dns.md).'),
  mac: d(z.string().optional(), 'MAC address, e.g. 52:54:00:12:34:56.'),
  mtu: d(z.number().int().optional(), 'MTU in bytes.'),
});

/** A DHCP server on one interface or SVI, or a relay from it (docs/dhcp-dns.md). */
export const DhcpScope = z.strictObject({
  pools: d(z.array(z.string()).optional(), 'Address ranges handed out, each "first-last", e.g. 192.168.1.100-192.168.1.199.'),
  subnet: d(Cidr.optional(), "The subnet the pools belong to, when it is not this interface's own: a remote subnet whose requests arrive through a DHCP relay."),
  reservations: d(
    z.array(
      z.strictObject({
        mac: d(z.string().optional(), 'The client MAC address this address is reserved for.'),
        client: d(z.string().optional(), 'Or the design\'s interface it is reserved for, "node:interface" (its MAC in the twin is then known).'),
        address: d(Ip, 'The address it always gets.'),
      }),
    ).optional(),
    'Fixed addresses by MAC address.',
  ),
  lease: d(z.number().int().optional(), 'Lease time in seconds (default 3600, at least 120).'),
  router: d(Ip.optional(), "Default gateway given to clients (default: this interface's address)."),
  dns: d(z.array(Ip).optional(), 'DNS servers given to clients (default: this node, when it has a dns service).'),
  domain: d(z.string().optional(), 'DNS domain given to clients.'),
  relay: d(Ip.optional(), 'Instead of serving: relay DHCP requests arriving here to the DHCP server at this address (L3 switches and routers).'),
});

export const Dhcp = d(z.record(z.string(), DhcpScope), 'DHCP service: per interface (or SVI "vlan10") where requests arrive, its pools and options, or a relay.');

export const Dns = d(
  z.union([
    z.boolean(),
    z.strictObject({
      domain: d(z.string().optional(), 'Domain appended to node names (pc1.lab).'),
    }),
  ]),
  "DNS service (dnsmasq) answering for the design's node names and hosts entries; every host's resolv.conf points to it.",
);

const Placement = d(
  z.string().optional(),
  "Pin this node to a chassis when the twin is spread over several (OVN engine): chassis-1 … chassis-N for simulated chassis, or a real chassis's name. A VM runs where its server runs.",
);

const endpointBase = {
  label: d(z.string().optional(), 'Free text shown in diagrams.'),
  placement: Placement,
  gateway: d(Ip.optional(), 'Default gateway.'),
  routes: d(z.array(Route).optional(), 'Static routes.'),
  hosts: d(z.record(z.string(), Ip).optional(), 'Extra /etc/hosts entries inside this node.'),
  firewall: d(Firewall.optional(), 'A stateful packet filter on this node: zones, default policies, ordered rules (docs/services.md).'),
  services: Services.optional(),
  exec: Exec.optional(),
};

export const Host = z.strictObject({
  kind: z.literal('host'),
  interfaces: d(z.record(z.string(), Interface), 'Network interfaces by name (eth0, ...).'),
  ...endpointBase,
});

export const External = z.strictObject({
  kind: z.literal('external'),
  interfaces: d(z.record(z.string(), Interface), 'The outside world as seen from the lab: usually one interface with a public address.'),
  ...endpointBase,
});

export const Switch = z.strictObject({
  kind: z.literal('switch'),
  'vlan-aware': d(z.boolean().optional(), '802.1Q switch: ports are access or trunk. A switch that is not VLAN-aware floods every frame, tagged or not, to every port.'),
  stp: d(z.boolean().optional(), 'Run spanning tree (needed when the cabling has loops).'),
  hairpin: d(z.union([z.boolean(), z.array(z.string())]).optional(), 'Reflective relay (802.1Qbg VEPA): send frames back out of the port they came in on. true for all ports or a list of ports.'),
  label: endpointBase.label,
  placement: Placement,
});

export const Svi = z.strictObject({
  address: d(z.union([Cidr, z.array(Cidr)]), 'Address(es) of the routed VLAN interface.'),
  mac: Interface.shape.mac,
});

export const L3Switch = z.strictObject({
  kind: z.literal('l3-switch'),
  vlans: d(z.record(z.string(), Svi), 'Routed VLAN interfaces (SVIs) by VLAN id.'),
  interfaces: d(z.record(z.string(), Interface).optional(), 'Routed (non-switched) ports by name.'),
  stp: Switch.shape.stp,
  routing: d(Routing.optional(), 'Dynamic routing (OSPF, BGP), beside the static routes (docs/routing.md).'),
  dhcp: Dhcp.optional(),
  dns: Dns.optional(),
  ...endpointBase,
});

export const Masquerade = z.strictObject({
  out: d(z.string(), 'Outgoing interface whose address replaces the source.'),
  from: d(Cidr.optional(), 'Only translate sources in this prefix (default: all).'),
});

export const Snat = z.strictObject({
  out: d(z.string(), 'Outgoing interface.'),
  to: d(Ip, 'Source address to translate to.'),
  from: Masquerade.shape.from,
});

export const PortForward = z.strictObject({
  in: d(z.string(), 'Interface where connections arrive.'),
  protocol: Protocol.optional(),
  port: d(Port, 'Port on the router that is forwarded.'),
  to: d(Ip, 'Inside address the connection is forwarded to.'),
  'to-port': d(Port.optional(), 'Port on the inside host (default: same as port).'),
});

export const Redirect = z.strictObject({
  in: d(z.string(), 'Interface where connections arrive.'),
  protocol: Protocol.optional(),
  port: d(Port, 'Destination port that is captured.'),
  'to-port': d(Port, 'Local port on the router that receives it.'),
});

export const Nat = z.strictObject({
  masquerade: d(z.array(Masquerade).optional(), 'Source NAT to the outgoing interface address.'),
  snat: d(z.array(Snat).optional(), 'Source NAT to a fixed address.'),
  'port-forwards': d(z.array(PortForward).optional(), 'Destination NAT (DNAT) from an outside port to an inside host.'),
  redirects: d(z.array(Redirect).optional(), 'REDIRECT: capture traffic to a local port of the router.'),
  hairpin: d(z.boolean().optional(), 'Also apply port forwards to connections from the inside (hairpin NAT).'),
});

export const Router = z.strictObject({
  kind: z.literal('router'),
  interfaces: d(z.record(z.string(), Interface), 'Routed interfaces by name.'),
  nat: Nat.optional(),
  routing: d(Routing.optional(), 'Dynamic routing (OSPF, BGP), beside the static routes (docs/routing.md).'),
  dhcp: Dhcp.optional(),
  dns: Dns.optional(),
  ...endpointBase,
});

export const Nic = Interface.extend({
  'sriov-vfs': d(z.number().int().optional(), 'Number of SR-IOV virtual functions this NIC offers.'),
  'sriov-mode': d(z.enum(SRIOV_MODES).optional(), "The NIC's embedded switch for its VFs (bridge link set dev NIC hwmode ...): veb (default) switches between VFs and the NIC inside the card; vepa sends everything to the switch port, which must hairpin."),
});

const Attach = d(
  z.enum(ATTACH_MODES),
  'How the real server attaches a VM interface: bridge (Linux bridge), ovs (Open vSwitch), macvtap-bridge / macvtap-vepa / macvtap-private / macvtap-passthru (libvirt "direct"), or sriov-vf (a virtual function of the NIC).',
);

export const Server = z.strictObject({
  kind: z.literal('server'),
  interfaces: d(z.record(z.string(), Nic), 'Physical NICs by name.'),
  'vlan-aware': d(z.boolean().optional(), 'Whether the server separates its VMs by VLAN (default true). false reproduces seed figure B_V0: a plain bridge on the NIC.'),
  attach: d(Attach.optional(), 'How this server attaches its VMs, unless a VM interface says otherwise (default bridge).'),
  dhcp: Dhcp.optional(),
  dns: Dns.optional(),
  ...endpointBase,
});

export const VmInterface = Interface.extend({
  uplink: d(z.string().optional(), "The server NIC this interface is attached to (default: the server's only NIC)."),
  vlan: d(VlanId.optional(), 'Access VLAN of this interface on the server (frames leave the NIC tagged).'),
  attach: d(Attach.optional(), "How the server attaches this interface (default: the server's attach)."),
});

export const Vm = z.strictObject({
  kind: z.literal('vm'),
  server: d(z.string(), 'The server node this VM runs on.'),
  interfaces: d(z.record(z.string(), VmInterface), 'Virtual NICs by name.'),
  ...endpointBase,
});

export const Node = z.discriminatedUnion('kind', [Host, Switch, L3Switch, Router, Server, Vm, External]);
export const NODE_KINDS = ['host', 'switch', 'l3-switch', 'router', 'server', 'vm', 'external'] as const;

export const EndpointObject = z.strictObject({
  node: z.string(),
  interface: z.string(),
  vlan: d(VlanId.optional(), 'Access VLAN of this port (VLAN-aware devices only).'),
  trunk: d(z.array(VlanId).optional(), 'VLANs carried tagged on this port (VLAN-aware devices only).'),
  native: d(VlanId.optional(), 'VLAN carried untagged on a trunk port.'),
  local: TunnelLocal,
});
export const Endpoint = d(
  z.union([z.string(), EndpointObject]),
  '"node:interface", or an object with node, interface and per-end VLAN settings.',
);

export const Link = z.strictObject({
  endpoints: d(z.array(Endpoint), 'The two ends of the cable.'),
  vlan: d(VlanId.optional(), 'Access VLAN, applied to every VLAN-aware end of this link.'),
  trunk: d(z.array(VlanId).optional(), 'Tagged VLANs, applied to every VLAN-aware end.'),
  native: d(VlanId.optional(), 'Untagged VLAN of a trunk, applied to every VLAN-aware end.'),
  mtu: d(z.number().int().optional(), 'MTU of the cable.'),
  label: endpointBase.label,
  tunnel: d(Tunnel.optional(), 'This link is a tunnel laid over the routed network between two nodes, not a cable (docs/routing.md).'),
});

export const ServerMapping = z.strictObject({
  'macvlan-mode': z.enum(MACVLAN_MODES).optional(),
});

export const Mapping = z.strictObject({
  strategy: d(z.enum(STRATEGIES).optional(), 'Default mapping strategy (faithful when absent).'),
  'macvlan-mode': d(z.enum(MACVLAN_MODES).optional(), 'Default macvlan/macvtap mode for the macvtap strategy.'),
  servers: d(z.record(z.string(), ServerMapping).optional(), 'Per-server options.'),
});

export const DesignSchema = z
  .strictObject({
    name: d(z.string(), 'Lab name: lowercase letters, digits and dashes; prefixes every Linux object.'),
    description: z.string().optional(),
    nodes: d(z.record(z.string(), Node), 'The devices of the real network, by name.'),
    links: d(z.array(Link).optional(), 'Cables between ports.'),
    mapping: Mapping.optional(),
  })
  .meta({ title: 'vnetmap design', description: 'A real network, described once; vnetmap builds and verifies its Linux twin.' });

export type RawDesign = z.infer<typeof DesignSchema>;
export type RawNode = z.infer<typeof Node>;
export type RawLink = z.infer<typeof Link>;
export type RawInterface = z.infer<typeof Interface>;
export type RawRoute = z.infer<typeof Route>;
