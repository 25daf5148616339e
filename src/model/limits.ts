// Limits of the design language. Checks and their messages read the same constants, so a
// message can never name a different bound than the one enforced.

/** 802.1Q VLAN ids: 0 and 4095 are reserved by the standard. */
export const VLAN_MIN = 1;
export const VLAN_MAX = 4094;

/** Linux IFNAMSIZ is 16 including the terminating NUL. */
export const IFNAME_MAX = 15;

/**
 * Node names become parts of namespace names and, where a node needs a device in the root
 * namespace, of interface names; keep them short, lowercase-friendly and shell-safe.
 */
export const NODE_NAME_MAX = 24;
export const NODE_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Port / interface names live inside a node's namespace, so only the kernel's rules apply. */
export const PORT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Lab names prefix every object vnetmap creates. */
export const LAB_NAME_MAX = 16;
export const LAB_NAME_RE = /^[a-z][a-z0-9-]*$/;

export const STRATEGIES = ['faithful', 'compact', 'macvtap', 'ovs'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const MACVLAN_MODES = ['bridge', 'vepa', 'private', 'passthru'] as const;
export type MacvlanMode = (typeof MACVLAN_MODES)[number];

/**
 * How a real server attaches a VM interface (docs/design-language.md): a software switch
 * (Linux bridge or Open vSwitch), a macvtap in one of its modes, or an SR-IOV virtual function.
 */
export const ATTACH_MODES = ['bridge', 'ovs', 'macvtap-bridge', 'macvtap-vepa', 'macvtap-private', 'macvtap-passthru', 'sriov-vf'] as const;
export type AttachMode = (typeof ATTACH_MODES)[number];

/** The embedded switch of an SR-IOV NIC: between its VFs and the NIC (veb), or out to the wire (vepa). */
export const SRIOV_MODES = ['veb', 'vepa'] as const;
export type SriovMode = (typeof SRIOV_MODES)[number];

/**
 * Tunnels a link can be laid as over the routed network (docs/routing.md): Ethernet over
 * UDP (vxlan) or GRE (gretap), IP over GRE, IP in IP, WireGuard, and a userspace TUN tunnel.
 */
export const TUNNEL_KINDS = ['vxlan', 'gretap', 'gre', 'ipip', 'wireguard', 'tun'] as const;
export type TunnelKind = (typeof TUNNEL_KINDS)[number];
/** Kinds that carry Ethernet frames: their two ends join one broadcast domain. */
export const L2_TUNNELS: readonly TunnelKind[] = ['vxlan', 'gretap'];
