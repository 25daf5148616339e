// Names a design may not use because something else already does: the kernel keeps some
// interface names in every network namespace, and the twin names its own devices inside the
// namespaces of switches, L3 switches and servers (src/plan). A design name equal to one of
// them would validate and then fail at `vnetmap up` ("File exists", "Invalid argument").
// test/unit/plan-names.test.ts checks that every name the compiler makes there is listed here.
import type { NodeKind } from './types.js';

/**
 * Interface names the kernel refuses or keeps: lo exists in every namespace; "all" and
 * "default" are the /proc/sys/net/ipv4/conf entries that are not devices; bonding_masters is a
 * file in /sys/class/net wherever the bonding driver is loaded.
 */
export const KERNEL_IFNAMES = ['lo', 'all', 'default', 'bonding_masters'];

/** Devices the twin makes next to the design's ports in switches, L3 switches and servers. */
export const TWIN_IFNAMES: { re: RegExp; what: string }[] = [
  { re: /^br\d+(-\d+)?$/, what: 'its bridges br<N> (br0, br10, br1-10)' },
  { re: /^vlan\d+$/, what: 'its routed VLAN interfaces and VLAN bridges vlan<VLAN>' },
  { re: /\.\d+$/, what: 'its 802.1Q devices <port>.<VLAN>' },
  // Counted names (libvirt's vnet0, vnet1, ...) skip the design names taken so far, but a
  // switch port may be placed after the counter passed its name.
  { re: /^(vnet|unplug|macvtap)\d+$/, what: 'its own ports vnet<N>, unplug<N> and macvtap<N>' },
];

/** Node kinds whose namespace holds devices of the twin's own besides the design's interfaces. */
const BUSY: Partial<Record<NodeKind, string>> = { switch: 'a switch', 'l3-switch': 'an L3 switch', server: 'a server' };

/** Why an interface or port name of a node of this kind is taken, or undefined when it is free. */
export function reservedIfname(name: string, kind: NodeKind): string | undefined {
  if (KERNEL_IFNAMES.includes(name)) return `the kernel keeps "${name}" in every network namespace`;
  const inside = BUSY[kind];
  const t = inside ? TWIN_IFNAMES.find((x) => x.re.test(name)) : undefined;
  return t && `inside ${inside} the twin names ${t.what}`;
}

/**
 * Node names that are namespaces of the twin's own: compact's shared switching namespace
 * vn-<lab>-l2 (src/plan/compact.ts).
 */
export const FABRIC_NODE = 'l2';
