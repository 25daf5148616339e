// The design language's dynamic routing (routing: on routers and L3 switches) and tunnels (a
// tunnel: on a link). Shapes only, like schema.ts which includes them; what they mean is
// checked in checks/routing.ts and checks/tunnels.ts, and said in docs/routing.md.
import { z } from 'zod';
import { TUNNEL_KINDS } from './limits.js';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

const Ip = d(z.string(), 'IPv4 address without prefix, e.g. 192.168.1.1.');
const Prefix = d(z.string(), 'IPv4 prefix, e.g. 10.1.0.0/16.');
const Area = d(z.union([z.number().int(), z.string()]), 'OSPF area: a number (0) or dotted (0.0.0.1). Area 0 is the backbone.');

export const OspfInterface = z.strictObject({
  area: d(Area.optional(), 'Area of this interface (default: ospf.area, else 0).'),
  cost: d(z.number().int().optional(), 'Interface cost, 1-65535 (default 10). Paths of least total cost win; equal costs share the load (ECMP).'),
  passive: d(z.boolean().optional(), 'Advertise its subnet but form no adjacency on it (no hellos): the usual setting towards hosts.'),
});

export const Ospf = z.strictObject({
  area: d(Area.optional(), 'Default area of the interfaces listed under "interfaces".'),
  interfaces: d(z.record(z.string(), z.union([OspfInterface, z.null()])), 'The interfaces that run OSPF, by name ("vlan10" for the SVI of VLAN 10); "eth0: {}" takes the defaults.'),
  redistribute: d(z.array(z.enum(['connected', 'static'])).optional(), 'Also announce these routes of the node as external (type 2, metric 20): connected subnets outside OSPF, its static routes and gateway.'),
  'default-information': d(z.enum(['originate', 'always']).optional(), 'Announce a default route: "originate" while this node has one itself (its gateway), "always" unconditionally.'),
});

export const PrefixFilter = d(
  z.union([Prefix, z.strictObject({ prefix: Prefix, ge: d(z.number().int().optional(), 'Match longer prefixes too, from this length.'), le: d(z.number().int().optional(), 'Match longer prefixes too, up to this length.') })]),
  'A prefix-list entry: "10.0.0.0/8" matches exactly that prefix; { prefix, ge, le } a range of lengths inside it.',
);

export const BgpNeighbor = z.strictObject({
  address: d(Ip, "The neighbour's address: on a connected subnet for an external (eBGP) neighbour, any address of it for an internal one."),
  asn: d(z.number().int(), "The neighbour's AS number; the same as this node's for an internal (iBGP) session."),
  'local-pref': d(z.number().int().optional(), 'LOCAL_PREF given to the routes learned from this neighbour (default 100; higher wins).'),
  prepend: d(z.number().int().optional(), 'Prepend this AS this many extra times to the routes sent to this neighbour, making them less preferred there.'),
  import: d(z.array(PrefixFilter).optional(), 'Accept only the routes these entries match from this neighbour (a prefix list; all when absent).'),
  export: d(z.array(PrefixFilter).optional(), 'Send only the routes these entries match to this neighbour (a prefix list; all when absent).'),
});

export const Bgp = z.strictObject({
  asn: d(z.number().int(), 'This node\'s autonomous system number, 1-4294967295.'),
  networks: d(z.array(Prefix).optional(), 'Prefixes announced when the node has a route to exactly that prefix (connected, static or learned).'),
  redistribute: d(z.array(z.enum(['connected', 'static', 'ospf'])).optional(), 'Also announce these routes of the node (origin incomplete).'),
  neighbors: d(z.array(BgpNeighbor), 'BGP sessions, one per neighbour address.'),
});

export const Routing = z.strictObject({
  'router-id': d(Ip.optional(), 'Router ID of OSPF and BGP (default: the highest address of the node).'),
  ospf: d(Ospf.optional(), 'OSPFv2 (FRR ospfd in the twin).'),
  bgp: d(Bgp.optional(), 'BGP-4 (FRR bgpd in the twin).'),
});

export const Tunnel = z.strictObject({
  kind: d(z.enum(TUNNEL_KINDS), 'vxlan and gretap carry Ethernet frames (the two ends join one broadcast domain); gre, ipip, wireguard and tun carry IP packets between two addressed interfaces. tun is a userspace tunnel (a TUN device and a process that sends its packets over UDP).'),
  vni: d(z.number().int().min(1).max(16_777_215).optional(), 'VXLAN network identifier, 1-16777215 (vxlan only; required).'),
  port: d(z.number().int().min(1).max(65_535).optional(), 'UDP port: vxlan (default 4789), wireguard (default 51820), tun (default 5555).'),
  key: d(z.number().int().min(0).max(4_294_967_295).optional(), 'GRE key, 0-4294967295 (gre and gretap only).'),
});

/** Per-end setting of a tunnel: the underlay address it sends from. */
export const TunnelLocal = d(Ip.optional(), "Tunnel links only: the underlay address this end sends from (default: the node's first address outside tunnels).");
