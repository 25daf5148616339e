// Names of a lab's OVN objects. Northbound names are global to the database (ports have a
// unique index), so each starts with the lab; Linux names follow the kernel engine's rules.
//
//   logical switch   <lab>.d<domain>          router         <lab>.<node>
//   workload port    <lab>.<node>.<iface>     router port    <lab>.<node>.<dev>
//   the router port's side on its switch: <lab>.<node>.<dev>/sw
// Switch and router ports share one namespace in the Southbound (Port_Binding), so the two
// sides of a router port need different names; "/" is in no node or interface name.
//   chassis namespace  vn-<lab>.<chassis>     underlay      vn-<lab>.underlay   central  vn-<lab>.central
//
// Node names cannot contain a dot (model/limits.ts) and lab names neither, so a chassis or
// underlay namespace can never be a node's `vn-<lab>-<node>` nor another lab's.
import { fnv1a } from '../../../plan/names.js';

export const lsName = (lab: string, domain: number): string => `${lab}.d${domain}`;
export const vifName = (lab: string, node: string, iface: string): string => `${lab}.${node}.${iface}`;
export const lrName = (lab: string, node: string): string => `${lab}.${node}`;
export const lrpName = (lab: string, node: string, dev: string): string => `${lab}.${node}.${dev}`;
export const routerLspName = (lrp: string): string => `${lrp}/sw`;
export const lbName = (lab: string, node: string, protocol: string): string => `${lab}.${node}.${protocol}-forwards`;

export const chassisNamespace = (lab: string, chassis: string): string => `vn-${lab}.${chassis}`;
export const underlayNamespace = (lab: string): string => `vn-${lab}.underlay`;
export const centralNamespace = (lab: string): string => `vn-${lab}.central`;

/** The chassis's end of its underlay cable, and the underlay bridge. */
export const UNDERLAY_DEV = 'ul0';
export const UNDERLAY_BRIDGE = 'br0';
/** Open vSwitch bridges on a chassis: OVN's integration bridge, and the one holding the tunnel address (userspace datapath). */
export const INTEGRATION_BRIDGE = 'br-int';
export const PHYSICAL_BRIDGE = 'br-phy';

/** external_ids key marking every Northbound row (and chassis OVS object) as the lab's. */
export const LAB_KEY = 'vnetmap-lab';

/** Underlay address of the k-th chassis (1-based): 100.64.0.0/16 lives only inside the lab's underlay namespace. */
export function encapIp(k: number): string {
  return `100.64.${Math.floor(k / 250)}.${(k % 250) + 1}`;
}
export const UNDERLAY_PREFIX = 16;

/**
 * MAC addresses for workload and router ports the design leaves open: locally administered
 * (02:), two bytes from the lab's name (two labs side by side differ), then a counter.
 */
export function macFor(lab: string, n: number): string {
  const h = fnv1a(lab);
  const bytes = [0x02, (h >>> 8) & 0xff, h & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * The simulated underlay carries Geneve frames of a full 1,500-byte workload frame (58 bytes of
 * headers more), so workloads keep the design's MTU; a real underlay of 1,500 would not.
 */
export const UNDERLAY_MTU = 1600;
