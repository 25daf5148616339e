// Deterministic Linux names for a lab's objects. Namespaced objects keep design names;
// only root-namespace devices need short, lab-unique names.
import { IFNAME_MAX } from '../model/limits.js';
import { FABRIC_NODE } from '../model/reserved.js';

/** 32-bit FNV-1a: stable across runs and platforms. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** 4 base36 characters identifying the lab in root-namespace device names. */
export const labId = (lab: string): string => fnv1a(lab).toString(36).padStart(4, '0').slice(-4);

export const netnsName = (lab: string, node: string): string => `vn-${lab}-${node}`;
/** Compact's shared switching namespace; validation keeps design nodes from taking its name. */
export const L2_NETNS_NODE = FABRIC_NODE;
export const BRIDGE_NAME = 'br0';

/** Root-namespace device name: "vn" + labId + base36 counter, never over IFNAME_MAX. */
export function rootDevName(id: string, n: number): string {
  const name = `vn${id}${n.toString(36)}`;
  if (name.length > IFNAME_MAX) throw new Error(`root device name ${name} exceeds ${IFNAME_MAX} characters`);
  return name;
}

/** Marker written on objects we own (link alias, lo alias of namespaces). */
export const labMarker = (lab: string): string => `vnetmap:${lab}`;
