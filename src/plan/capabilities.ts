// Capability presets, for planning a twin for a machine other than this one.
import type { Capabilities } from './types.js';

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
