// Capability presets, for planning a twin for a machine other than this one.
import type { Capabilities, TunnelCapabilities } from './types.js';

export const PRESETS: Record<string, Capabilities> = {
  /** A distribution kernel (Debian, Ubuntu, Fedora) with Open vSwitch installed. */
  full: {
    source: 'full',
    vlanDevices: true,
    bridgeVlanFiltering: true,
    ovs: true,
    ovsDatapath: 'system',
    macvlan: true,
    macvtap: true,
    vxlan: true,
    nftables: true,
    ipvs: true,
  },
  /** Our CI machines: no 8021q, no vlan_filtering, Open vSwitch userspace datapath only. */
  minimal: {
    source: 'minimal',
    vlanDevices: false,
    bridgeVlanFiltering: false,
    ovs: true,
    ovsDatapath: 'netdev',
    macvlan: true,
    macvtap: true,
    vxlan: true,
    nftables: true,
  },
  /** A kernel with VLAN support but no Open vSwitch installed. */
  'no-ovs': {
    source: 'no-ovs',
    vlanDevices: true,
    bridgeVlanFiltering: true,
    ovs: false,
    ovsDatapath: 'system',
    macvlan: true,
    macvtap: true,
    vxlan: true,
    nftables: true,
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

const MEANS: Record<string, string> = {
  probe: 'this machine, as probed',
  full: 'a distribution kernel with Open vSwitch',
  minimal: 'a slim kernel like our CI machines',
  'no-ovs': 'a distribution kernel without Open vSwitch',
};

/**
 * What a plan assumes of the machine, in a few words: "probe (this machine, as probed: no 8021q,
 * no vlan_filtering, OVS netdev, macvlan, macvtap, vxlan, nftables)". Headings say it so that a
 * drawing or an explanation never passes for another machine's twin.
 */
export function describeCapabilities(c: Capabilities): string {
  const has = (ok: boolean, what: string) => (ok ? what : `no ${what}`);
  const features = [
    has(c.vlanDevices, '8021q'),
    has(c.bridgeVlanFiltering, 'vlan_filtering'),
    c.ovs ? `OVS ${c.ovsDatapath}` : 'no OVS',
    has(c.macvlan, 'macvlan'),
    has(c.macvtap, 'macvtap'),
    has(c.vxlan, 'vxlan'),
    has(c.nftables, 'nftables'),
    ...(c.ipvs !== undefined ? [has(c.ipvs, 'ipvs')] : []),
  ];
  return `${c.source} (${MEANS[c.source] ?? 'as given'}: ${features.join(', ')})`;
}

const ALL_TUNNELS: TunnelCapabilities = { gre: true, gretap: true, ipip: true, wireguard: true, tun: true };
/** Tunnel devices of each preset (kept out of PRESETS, whose JSON every plan carries). */
const TUNNEL_PRESETS: Record<string, TunnelCapabilities> = {
  full: ALL_TUNNELS,
  'no-ovs': ALL_TUNNELS,
  /** Our CI machines (MACHINE.md): VXLAN and TUN only. */
  minimal: { gre: false, gretap: false, ipip: false, wireguard: false, tun: true },
};

/** The tunnel devices a kernel has: probed, else its preset's, else (an older state file) all. */
export const tunnelCapabilities = (c: Capabilities): TunnelCapabilities => c.tunnels ?? TUNNEL_PRESETS[c.source] ?? ALL_TUNNELS;

/** Whether the kernel of `c` has the device a tunnel kind needs, and the kernel module it is. */
export function tunnelSupport(c: Capabilities, kind: 'vxlan' | 'gretap' | 'gre' | 'ipip' | 'wireguard' | 'tun'): { ok: boolean; module: string } {
  const t = tunnelCapabilities(c);
  switch (kind) {
    case 'vxlan':
      return { ok: c.vxlan, module: 'vxlan' };
    case 'gre':
      return { ok: t.gre, module: 'ip_gre' };
    case 'gretap':
      return { ok: t.gretap, module: 'ip_gre (gretap)' };
    case 'ipip':
      return { ok: t.ipip, module: 'ipip' };
    case 'wireguard':
      return { ok: t.wireguard, module: 'wireguard' };
    case 'tun':
      return { ok: t.tun, module: 'tun' };
  }
}
