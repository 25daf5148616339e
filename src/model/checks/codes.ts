// Every problem code vnetmap reports, with what it means and how to fix it. docs/errors.md is
// generated from this list (test/unit/model-codes.test.ts keeps the two in step), and the
// error corpus test fails when a code is emitted that is not listed here.
import type { Severity } from '../problems.js';

export interface CodeInfo {
  code: string;
  severity: Severity;
  meaning: string;
  fix: string;
  /**
   * The problem concludes from something being absent (no device has the address, no port
   * carries the VLAN), so it is reported only when the whole design, or the whole node, could
   * be read: a part left out for its own errors might hold what is missing (analyse.ts).
   */
  needsWhole?: 'design' | 'node';
}

const e = (code: string, meaning: string, fix: string, needsWhole?: CodeInfo['needsWhole']): CodeInfo => ({ code, severity: 'error', meaning, fix, ...(needsWhole ? { needsWhole } : {}) });
const w = (code: string, meaning: string, fix: string, needsWhole?: CodeInfo['needsWhole']): CodeInfo => ({ code, severity: 'warning', meaning, fix, ...(needsWhole ? { needsWhole } : {}) });

export const CODES: CodeInfo[] = [
  // Reading and YAML
  e('E-READ', 'The design file cannot be read.', 'Check the path and permissions.'),
  e('E-YAML', 'The file is not valid YAML.', 'Fix indentation or punctuation at the position shown.'),
  e('E-DUP-KEY', 'A name appears twice in one mapping (two nodes, two interfaces with one name).', 'Rename one of them or merge the two entries.'),
  e('E-TOO-DEEP', 'The YAML nests deeper than 64 levels (a design needs about eight), directly or through aliases.', 'Check the brackets and indentation at the position shown; write aliased values out.'),
  e('E-NOT-DESIGN', 'The document is not a mapping (empty file, a list, a bare value).', 'Start from an example: name, nodes, links.'),
  // Shape (schema)
  e('E-UNKNOWN-KEY', 'A key the design language does not know (often a typo).', 'Use the suggested key, or one of those listed.'),
  e('E-MISSING', 'A required key is missing.', 'Add it.'),
  e('E-TYPE', 'A value has the wrong type (text where a list is expected, ...).', 'Write the type named in the message.'),
  e('E-BAD-KIND', 'A node has no kind or an unknown one.', 'Use host, switch, l3-switch, router, server, vm or external.'),
  e('E-BAD-VALUE', 'A value is not one of the allowed words (strategy, macvlan mode, protocol).', 'Use one of the listed values.'),
  e('E-SCHEMA', 'Any other shape problem.', 'Follow the message; see docs/design-language.md.'),
  // Names
  e('E-LAB-NAME', 'The lab name cannot prefix Linux object names.', 'Lowercase letters, digits and dashes, starting with a letter, at most 16 characters.'),
  e('E-NODE-NAME', 'A node name cannot become part of a namespace name, or is taken by the twin ("l2").', 'A letter, then letters, digits, "-" or "_", at most 24 characters.'),
  e('E-DUP-NODE', 'Two node names differ only in letter case.', 'Rename one.'),
  e('E-IFNAME', 'An interface or port name is not a valid Linux interface name, or is one the kernel (lo, all, default) or the twin (br0, vlan10, p1.10 inside switches and servers) keeps.', 'At most 15 characters of letters, digits, ".", "-", "_", and not a taken name; the message says which.'),
  e('E-HOSTNAME', 'A name under "hosts" is not a host name (RFC 1123).', 'Letters, digits and inner hyphens in dot-separated labels of at most 63 characters, e.g. web-1.lab.'),
  e('E-TEXT', 'A description or label holds an invisible control character (a terminal escape, a bidi override).', 'Remove it; free text may span lines and hold any other Unicode.'),
  // Addresses and routes
  e('E-BAD-CIDR', 'An address or prefix cannot be parsed, or lacks its prefix length.', 'Write it like 192.168.1.10/24.'),
  e('E-BAD-IP', 'A gateway, next hop, NAT or hosts-entry address cannot be parsed (or has a prefix length).', 'Write a plain address like 192.168.1.1.'),
  e('E-ADDR-NO-HOST', 'An interface address is the network or broadcast address of its subnet.', 'Pick an address between the two.'),
  e('E-ADDR-RESERVED', 'An interface or SNAT address is a loopback, multicast, 0.x or limited-broadcast address, which no interface of the real network has.', 'Use a unicast address.'),
  e('E-DUP-ADDRESS', 'Two interfaces of one device, or of one broadcast domain, have the same address.', 'Give each interface its own address.'),
  w('W-DUP-ADDRESS', 'Two interfaces in different broadcast domains have the same address (sites behind separate NAT routers often do).', 'Nothing, if a NAT router separates them; otherwise give one another address: a router that reaches both reaches only one.', 'design'),
  e('E-BAD-MAC', 'A MAC address is malformed or multicast (Linux refuses it for an interface).', 'Six hex pairs with the lowest bit of the first octet clear, e.g. 52:54:00:12:34:56.'),
  e('E-DUP-MAC', 'Two interfaces have the same MAC address.', 'Change one of them.'),
  e('E-MTU-RANGE', 'An MTU is outside 68-65535.', 'Use e.g. 1500, or 9000 for jumbo frames.'),
  e('E-SRIOV-RANGE', 'A NIC offers a negative or impossible number of SR-IOV virtual functions.', 'Use 0 to 65535 (the PCI limit); real NICs offer up to a few hundred.'),
  e('E-SUBNET-OVERLAP', 'Two interfaces of one device are in overlapping subnets.', 'Give each interface its own subnet.'),
  e('E-GATEWAY-OFF-SUBNET', "A node's default gateway is not inside any of its subnets.", 'Use a router address on one of its subnets.', 'node'),
  e('E-GATEWAY-SELF', "A node's default gateway is one of its own addresses.", "Use the router's address."),
  e('E-BAD-HOP', 'A gateway or next hop is the broadcast address of its subnet, or a multicast, loopback or 0.x address: Linux refuses it as a gateway.', "Use the router's own address."),
  e('E-ROUTE-NO-HOP', 'A route has neither "via" nor "dev".', 'Add a next hop or an interface.'),
  w('W-ROUTE-CONNECTED', 'A static route goes to exactly a subnet the node is on: the connected route wins, so it is never used (the twin leaves it out).', 'Remove it, or route a smaller or different prefix.'),
  w('W-ROUTE-HOST-BITS', 'A route destination has host bits set (10.7.0.1/16): it is read as its network (10.7.0.0/16).', 'Write the network address, or a longer prefix.'),
  e('E-ROUTE-VIA', "A route's next hop is not on a connected subnet (or not on the subnet of the route's \"dev\").", 'Use a next hop inside one of the node\'s subnets.', 'node'),
  e('E-ROUTE-DEV', 'A route names an interface the node does not have.', 'Use one of its interfaces ("vlanN" for an SVI).'),
  w('W-DOMAIN-MIXED', 'Hosts of different subnets share one broadcast domain, e.g. through a switch that is not VLAN-aware (seed network B\'s "broadcast domain crossing").', 'Make the switch VLAN-aware with access ports, or separate the subnets.', 'design'),
  w('W-GATEWAY-UNREACHABLE', "No device in a node's broadcast domain has its default gateway's address, so it cannot leave its subnet.", 'Cable the node into the domain (VLAN) that holds its gateway.', 'design'),
  // Links and references
  e('E-LINK-ENDS', 'A link does not have exactly two endpoints.', 'A cable has two ends; split it into several links through a switch.'),
  e('E-ENDPOINT', 'An endpoint is not "node:interface".', 'Write it like "pc1:eth0".'),
  e('E-LINK-SELF', 'A link connects a port to itself.', 'Connect two different ports.'),
  e('E-NO-NODE', 'A link names a node that is not defined.', 'Fix the name or define the node.'),
  e('E-NO-IFACE', 'A link uses an interface a host, router or server does not declare.', 'Fix the name or declare the interface.'),
  e('E-PORT-REUSED', 'One port is used by two links.', 'A port takes one cable; use another port.'),
  w('W-NODE-UNLINKED', 'A device is not cabled to anything.', 'Add a link or remove the node.', 'design'),
  w('W-L2-LOOP', 'Switches form a loop and spanning tree is off: a broadcast storm.', 'Set "stp: true" on the switches of the loop, or remove a link.'),
  e('E-HAIRPIN-PORT', 'A switch enables hairpin on a port no link uses.', 'Name a cabled port.'),
  // VLANs
  e('E-VLAN-RANGE', 'A VLAN id is outside 1-4094, or an SVI key is not a number written plainly (no leading zeros).', 'Use an id from 1 to 4094.'),
  e('E-VLAN-AND-TRUNK', 'A port is given both an access VLAN and trunk settings.', 'Keep one of "vlan" or "trunk"/"native".'),
  e('E-VLAN-NOT-AWARE', 'VLAN settings on a port of a device that is not VLAN-aware (host, router, server, plain switch, routed port).', 'Put them on the VLAN-aware switch\'s end, or make the switch VLAN-aware.'),
  e('E-TRUNK-DUP', 'A VLAN is listed twice in one trunk.', 'Remove the repeat or correct it.'),
  w('W-NATIVE-IN-TRUNK', 'The native VLAN of a trunk is also listed as tagged.', 'Drop it from "trunk".'),
  w('W-PORT-NO-VLAN', 'A port of a VLAN-aware switch has neither access VLAN nor trunk, so it carries nothing.', 'Add "vlan:" or "trunk:" to the link.'),
  w('W-VLAN-NO-ROUTER', 'Hosts in a VLAN have no SVI or router interface in their domain and can only reach each other.', 'Add an SVI for the VLAN on an L3 switch, if they should reach other subnets.', 'design'),
  w('W-SVI-UNUSED', 'An L3 switch has an SVI for a VLAN none of its ports carries.', 'Carry the VLAN on a port or remove the SVI.', 'design'),
  w('W-VLAN-IGNORED', 'A VM has a VLAN but its server is not VLAN-aware (seed B_V0), so the VLAN is not applied.', 'Make the server VLAN-aware, or drop the VLAN.'),
  // Servers and VMs
  e('E-NO-SERVER', 'A VM runs on a server that is not defined.', 'Fix the name or add the server.'),
  e('E-NOT-SERVER', 'A VM runs on a node that is not a server.', 'Point it at a node of kind server.'),
  e('E-VM-UPLINK', "A VM interface's uplink is missing (server with several NICs) or names no NIC of the server.", 'Set "uplink:" to one of the server\'s NICs.'),
  e('E-VM-MTU', "A VM interface's MTU is larger than its server NIC's (the NIC's, its cable's, or 1500).", 'Raise the NIC\'s MTU or lower the VM\'s.'),
  w('W-VM-VLAN-NOT-CARRIED', "A VM's VLAN leaves its VLAN-aware server tagged, but the switch port on the NIC's cable does not trunk it.", 'Add the VLAN to that port\'s "trunk".', 'design'),
  e('E-VM-LINK', 'A VM is cabled directly.', "Cable the server's NIC; VMs attach to it through \"uplink\"."),
  e('E-NOT-VM', '"uplink"/"vlan" on an interface of a node that is not a VM.', 'Put the VLAN on the switch port of the link instead.'),
  e('E-ATTACH-MIX', 'VM interfaces on one server NIC attach in ways Linux cannot combine on one device (a bridge and macvtap, OVS and SR-IOV VFs, ...).', 'Give them the same "attach", or move some to another NIC with "uplink".'),
  e('E-ATTACH-PASSTHRU', 'More than one VM interface attaches by macvtap passthru to a NIC without SR-IOV VFs; passthru takes the whole device.', 'Let the NIC offer VFs ("sriov-vfs") so each VM gets one (seed B_M3), or attach by macvtap-bridge.'),
  e('E-ATTACH-VFS', 'More VM interfaces take SR-IOV VFs of a NIC (sriov-vf, or macvtap-passthru on a NIC with VFs) than it offers.', 'Raise "sriov-vfs" on the NIC, or attach some VMs another way.'),
  e('E-ATTACH-UNCABLED', 'VMs attach by macvtap or SR-IOV to a NIC without a cable: they follow its link and have no carrier.', "Cable the server's NIC, or attach them by bridge.", 'design'),
  w('W-ATTACH-PASSTHRU-HOST', 'A VM takes a NIC whole by macvtap passthru while the server has its own address on that NIC, which becomes unusable.', 'Move the address to another NIC, or attach by macvtap-bridge.'),
  w('W-SRIOV-MODE', '"sriov-mode" on a NIC that offers no SR-IOV VFs has no effect.', 'Add "sriov-vfs", or remove "sriov-mode".'),
  w('W-VM-NIC-UNCABLED', "A VM's uplink NIC is not cabled, so the VM only reaches VMs on that NIC.", "Cable the server's NIC to a switch.", 'design'),
  // NAT
  e('E-NAT-IFACE', 'A NAT rule names an interface the router does not have.', 'Use the suggested interface, or one of those listed.'),
  e('E-FORWARD-TARGET', 'A port forward goes to an address no device of the design has.', 'Use the address of the inside machine (or of the router that forwards it on).', 'design'),
  e('E-FORWARD-DUP', 'Two port forwards or redirects claim the same interface, protocol and port.', 'Remove one or change its port.'),
  e('E-PORT-RANGE', 'A TCP/UDP port is outside 1-65535.', 'Use a port in range.'),
  w('W-SNAT-ADDRESS', 'An SNAT address is not an address of its "out" interface, so replies may not come back.', 'Add the address to the interface, or use masquerade.', 'node'),
  // Firewalls
  e('E-FW-ZONE', 'A firewall rule\'s "from" or "to" names no zone, interface or "self" of its node, or a zone is called "self".', 'Use a zone of the firewall, an interface of the node, or "self".'),
  e('E-FW-IFACE', 'A firewall zone lists an interface its node does not have.', 'Use the node\'s interface names ("vlanN" for an SVI).'),
  e('E-FW-ZONE-OVERLAP', 'One interface is listed in two zones of a firewall.', 'Put each interface in one zone.'),
  w('W-FW-ZONE-EMPTY', 'A firewall zone has no interface, so rules naming it never match.', 'List its interfaces or remove it.'),
  e('E-FW-ADDRESS', 'A firewall source or destination is neither an address, a prefix nor a node of the design with an address.', 'Write 192.168.1.10, 10.0.0.0/8, or a node\'s name.', 'design'),
  e('E-FW-PROTOCOL', 'A firewall rule has a port without protocol tcp or udp, or an ICMP type without protocol icmp.', 'Add the protocol the port or type belongs to.'),
  w('W-FW-SHADOWED', 'A firewall rule can never match: an earlier rule matches every packet it would.', 'Move it above that rule, or remove it.'),
  w('W-FW-NEVER', 'A firewall rule applies to no traffic its node sees: routed traffic on a node that does not route, loopback, or "dnat" on a node without port forwards.', 'Use "to: self" / "from: self" on hosts; drop "dnat" where nothing is forwarded.'),
  w('W-FW-FORWARD-DROPPED', "A port forward, redirect or load balancer leads into a firewall (the router's, or the target's own) that drops it for every client.", 'Allow it before the rule that drops it, e.g. { action: allow, from: outside, to: inside, dnat: true }.'),
  // Services and workloads
  e('E-SVC-VALUE', 'A service value is out of range (a backend weight).', 'Use a value in the range the message gives.'),
  e('E-SVC-BACKENDS', 'A load balancer lists no backends.', 'List the real servers it spreads connections over.'),
  e('E-SVC-ADDRESS', 'A proxy\'s "listen" or "target" is not a port or "address:port".', 'Write 8080 or "10.0.0.1:8080" for listen, "192.168.1.10:80" for target.'),
  e('E-SVC-NAME', 'Two services of one node have the same name.', 'Give one of them another "name".'),
  e('E-SVC-PORT', 'Two services of one node listen on the same protocol and port.', 'Use another port for one of them.'),
  e('E-SVC-VIP', "A load balancer's vip is not an address of its node.", 'Add the VIP to one of the node\'s interfaces, or use one of its addresses.', 'node'),
  e('E-SVC-LISTEN', "A proxy listens on an address its node does not have.", 'Use one of the node\'s addresses, or give the port alone.', 'node'),
  w('W-SVC-WEIGHT', 'Backends have weights, but the scheduler is not wrr.', 'Use scheduler wrr, or drop the weights.'),
  w('W-SVC-UNREACHABLE', 'A load balancer backend or a proxy target cannot be reached from its node in the design.', 'Fix the address, or the routes and firewalls on the way.', 'design'),
  e('E-EXEC-EMPTY', 'A command of exec: or a process\'s run: is empty.', 'Write the program and its arguments.'),
  e('E-EXEC-QUOTE', 'A command line has a quote that is never closed.', 'Close the quote, or write the command as a list of words.'),
  // Mapping
  e('E-MAPPING-SERVER', 'mapping.servers names a node that does not exist or is not a server.', 'Use the name of a server node.'),
  w('W-PASSTHRU-VFS', 'macvlan passthru gives a NIC to one VM, but several VM interfaces use it and it has too few SR-IOV functions.', 'Set "sriov-vfs" to at least the number of VM interfaces minus one (the NIC itself takes one), or use mode bridge.'),
  w('W-MAPPING-ATTACH', "mapping.servers gives a server a macvlan mode that differs from how the real server attaches its VMs by macvtap, so the macvtap twin will differ.", 'Remove the entry to follow the design; plan --explain lists the pairs that differ.'),
  // Placement over several chassis
  e('E-PLACEMENT-CHASSIS', 'A node is pinned ("placement") to a chassis that cannot exist: a misspelt simulated chassis (chassis2, chassis-0), or one the engine does not run.', 'Write chassis-N with N from 1 to the number of chassis, or the name of a real chassis.'),
  e('E-PLACEMENT-VM', 'A VM is pinned to another chassis than its server (or than another VM of that server): a VM runs where its server runs.', 'Pin the server only (its VMs follow), or pin them alike.'),
  // Dynamic routing (docs/routing.md)
  e('E-OSPF-EMPTY', 'OSPF is configured on a node but lists no interface, so it has no area and announces nothing.', 'List the interfaces that run OSPF under "interfaces", or remove "ospf".'),
  e('E-OSPF-IFACE', 'OSPF names an interface the node does not have.', 'Use one of its interfaces ("vlanN" for the SVI of VLAN N).'),
  e('E-OSPF-NO-ADDRESS', 'An OSPF interface has no address; OSPF speaks from an address on the interface.', 'Give the interface an address, or leave it out of OSPF.'),
  e('E-OSPF-AREA', 'An OSPF area is not an area id.', 'Write a number from 0 to 4294967295 or a dotted id like 0.0.0.1.'),
  e('E-OSPF-COST', 'An OSPF interface cost is outside 1-65535.', 'Use e.g. 10; lower costs attract traffic.'),
  w('W-OSPF-AREA-DETACHED', 'An OSPF area has no router with an interface in it and in area 0 (no area border router): its routes never leave it.', 'Give one of its routers an interface in area 0.', 'design'),
  w('W-OSPF-AREA-MISMATCH', 'Two routers run OSPF on one segment in different areas: they never become neighbours.', 'Put both interfaces in one area.', 'design'),
  w('W-OSPF-DEFAULT-NONE', '"default-information: originate" on a node without a default route of its own announces nothing.', 'Give it a gateway, or write "always".'),
  e('E-ROUTER-ID-DUP', 'Two routers would run OSPF or BGP with the same router ID.', 'Set "router-id" on one of them to an address no other router uses.', 'design'),
  e('E-BGP-ASN', 'An AS number is outside 1-4294967295.', 'Use a private AS (64512-65534) for a lab.'),
  e('E-BGP-NEIGHBOR', 'A BGP neighbour address belongs to no BGP speaker of the design (or is the node\'s own).', 'Use an address of a router or L3 switch that runs BGP.', 'design'),
  e('E-BGP-NEIGHBOR-DUP', 'A BGP neighbour is listed twice.', 'One session per neighbour address: merge the entries.'),
  e('E-BGP-ASN-MISMATCH', "A BGP neighbour is given another AS number than the neighbour's own: the session would be refused.", 'Write the AS number the neighbour has.', 'design'),
  e('E-BGP-NOT-MUTUAL', 'A BGP neighbour does not list this node back, so the session never comes up.', "Add this node's address to the neighbour's bgp.neighbors.", 'design'),
  e('E-BGP-EBGP-HOP', 'An external (eBGP) neighbour is not on a subnet of the node; the twin\'s eBGP sessions are single-hop.', 'Peer with the neighbour\'s address on a shared subnet.', 'node'),
  e('E-BGP-POLICY', 'A BGP policy value is out of range: prepend beyond 0-10, local-pref beyond 0-4294967295, or a prefix-list entry whose ge/le match no length.', 'Follow the message.'),
  // Tunnels (docs/routing.md)
  e('E-TUNNEL-VNI', 'A VXLAN tunnel has no VNI, or one outside 1-16777215.', 'Add "vni", one per stretched network.'),
  e('E-TUNNEL-VNI-DUP', 'Two VXLAN tunnels ending at one node have the same VNI: their networks would merge (the kernel has one device per VNI there).', 'Give each tunnel its own VNI.', 'design'),
  e('E-TUNNEL-OPTION', 'A tunnel has an option its kind does not have (vni off VXLAN, key off GRE, a UDP port on GRE or IP in IP).', 'Remove it.'),
  e('E-TUNNEL-ENDPOINT', 'A tunnel end has no underlay address to send from (a switch, a node without addresses, or a "local" that is not its address).', 'End tunnels at routers, L3 switches, hosts or servers with an address in the routed network.', 'node'),
  e('E-TUNNEL-UNREACHABLE', 'The routed network does not carry a tunnel between its two ends: one has no route to the other.', 'Give the ends routes to each other (gateway, routes, routing:), or name reachable addresses with "local".', 'design'),
  w('W-TUNNEL-MTU', 'An Ethernet tunnel carries smaller frames than the hosts behind it send (its header takes room on a 1,500-byte underlay): larger packets are lost.', 'Set the link\'s and the hosts\' mtu to what the tunnel carries (1450 for VXLAN).', 'design'),
  // Inventory (OVN engine over real machines: `up --inventory FILE`)
  e('E-INVENTORY-MACHINE', 'Two machines of an inventory share a name or an address, a name is no chassis name, or an address is no IPv4 address.', 'Give every machine its own name and tunnel address.'),
  e('E-INVENTORY-CENTRAL', "The inventory's central address is no IPv4 address, its ports are out of range or equal, or the underlay MTU is out of range.", 'Write an address of the machine that runs `vnetmap up`, two different ports from 1 to 65535, an MTU from 1280 to 9216.'),
  e('E-INVENTORY-PIN', 'An inventory pins a node the design does not have, pins one node to two machines, or contradicts the design\'s own `placement:`.', 'Pin each design node once, to one machine, agreeing with the design.'),
  // DHCP and DNS (docs/dhcp-dns.md)
  e('E-DHCP-CLIENT-KIND', '"address: dhcp" on a node that is not a host or VM.', 'Give routers, L3 switches and servers fixed addresses.'),
  e('E-DHCP-NO-SERVER', 'An interface asks for an address by DHCP, but no DHCP server or relay is in its broadcast domain.', 'Add "dhcp:" with a pool on the router or L3 switch of its subnet, or "relay:" on its SVI.', 'design'),
  w('W-DHCP-SERVERS', 'More than one DHCP server answers in one broadcast domain: in a real network the fastest wins.', 'Keep one server (or relay) per broadcast domain.'),
  e('E-DHCP-SCOPE-DEV', 'A "dhcp:" key names no interface or SVI of the node, or one without an address.', 'Key it by an interface name, or "vlan10" for an SVI, with a fixed address.'),
  e('E-DHCP-EMPTY', 'A DHCP scope has neither pools nor reservations.', 'Add "pools" or "reservations", or "relay" to relay instead.'),
  e('E-DHCP-POOL', 'A pool is not written as "first-last", or ends before it starts.', 'Write it like 192.168.1.100-192.168.1.199.'),
  e('E-DHCP-POOL-SUBNET', "A pool is not inside the subnet its scope serves (the interface's, or \"subnet:\"), or holds its network, broadcast or the server's own address.", "Pick addresses of that subnet, other than the server's."),
  e('E-DHCP-POOL-TAKEN', "A fixed address of the pool's broadcast domain lies inside the pool.", 'Move the address out of the pool, or shrink the pool.'),
  e('E-DHCP-POOL-OVERLAP', 'Two pools of one node, or of servers in one broadcast domain, overlap.', 'Make the ranges disjoint.'),
  e('E-DHCP-RESERVATION', 'A reservation names its client by both or neither of "mac" and "client", or a client node that does not exist.', 'Write exactly one: "mac: 52:54:00:12:34:56" or "client: pc1:eth0".'),
  e('E-DHCP-RESERVATION-OUTSIDE', 'A reserved address is outside the subnet its scope serves.', 'Reserve an address of that subnet.'),
  e('E-DHCP-DUP-RESERVATION', 'Two reservations of one node for one client, or for one address.', 'Keep one reservation per client and per address.'),
  e('E-DHCP-LEASE', 'A lease time shorter than dnsmasq hands out (120 s).', 'Use at least 120 seconds.'),
  e('E-DHCP-RELAY', 'A relay entry also has pools or options of its own.', 'Either relay ("relay: <server>") or serve (pools, options), not both.'),
  e('E-DHCP-RELAY-TARGET', "A relay's server address has no scope for the relay's subnet, or the relay cannot reach it in the design.", 'Add a scope with "subnet:" on the server, or a route from the relay to it.', 'design'),
  // Bugs
  e('E-INTERNAL', 'A check crashed: a bug in vnetmap. The other checks still ran.', 'Report it with the design file.'),
];

const list = (cs: CodeInfo[]): string => cs.map((c) => `\`${c.code}\``).join(', ');

/** docs/errors.md, generated so the table never drifts from the code. */
export function errorsMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = CODES.map((c) => `| \`${c.code}\` | ${c.severity} | ${esc(c.meaning)} | ${esc(c.fix)} |`);
  return [
    '# vnetmap problem codes',
    '',
    '<!-- Generated from src/model/checks/codes.ts; run UPDATE_GOLDEN=1 npx vitest run test/unit/model-codes.test.ts after editing it. -->',
    '',
    '`vnetmap validate` prints every problem as `file:line:column: severity CODE: message`; with `--json`',
    'it prints `{ "errors": [...], "warnings": [...] }`, each item `{ code, message, file, line, column }`.',
    'An error means the design cannot be built: `validate` exits with code 2 and commands that read the',
    'design (`plan`, `draw`, `up`, ...) refuse it. A warning describes a network that probably behaves',
    'differently from what its author meant; vnetmap still builds the twin exactly as written, so the',
    'twin shows the same behaviour as the real network (seed network B relies on this). Each code below',
    'is demonstrated by a small bad design in `test/errors/`, with its exact output next to it (`.log`),',
    'except `E-READ` and `E-INTERNAL` (no file can show them) and `E-SCHEMA` and `E-NOT-VM` (the current',
    'schema catches those mistakes earlier, as other codes).',
    '',
    'Every problem is reported in one pass: a node or link with a shape error (a wrong type, an unknown',
    'key) is reported and left out of the checks, but its name still counts as defined, so links to it',
    'are not also "no such node". Problems that conclude from an absence could be wrong while a part is',
    'left out, so they wait until it is fixed: for the whole design',
    `${list(CODES.filter((c) => c.needsWhole === 'design'))}; for the node that lost a`,
    `value, ${list(CODES.filter((c) => c.needsWhole === 'node'))}. A warning at the very place of an error`,
    'is left out too: the error says what to fix there. Messages show any control character of the',
    'design as an escape (`\\u001b`), never raw. `docs/faults.md` describes the generated bad designs',
    '(650 of them) that check all this, and how to run them.',
    '',
    '| Code | Severity | Meaning | Fix |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
