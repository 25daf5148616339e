// The simulated chassis and their underlay, as kernel objects: a namespace per chassis, where
// its ovsdb-server, ovs-vswitchd and ovn-controller run and its workloads' ports sit on br-int;
// and one namespace holding the underlay, a Linux bridge every chassis is cabled to, so the
// tunnels between chassis cross a wire of their own and never the host's network.
import type { PlanBuilder } from '../../../plan/builder.js';
import { macFor, centralNamespace, chassisNamespace, encapIp, underlayNamespace, UNDERLAY_BRIDGE, UNDERLAY_DEV, UNDERLAY_MTU } from './names.js';
import type { ChassisSpec } from './types.js';

export const chassisRef = (name: string): string => `chassis:${name}`;
export const UNDERLAY_REF = 'underlay';
export const CENTRAL_REF = 'central';
/** Tunnel devices' MACs count from here (ports' from 1): two ranges that never meet. */
const ENCAP_MAC_BASE = 0xff0000;

export function chassisObjects(b: PlanBuilder, lab: string, names: string[]): ChassisSpec[] {
  // The central part (Northbound, Southbound, northd) talks over files (unix sockets): its
  // namespace only keeps its processes with the lab's, where `down` finds them.
  b.add({ kind: 'netns', name: centralNamespace(lab), role: 'fabric', realizes: [CENTRAL_REF] });
  const ul = underlayNamespace(lab);
  b.add({ kind: 'netns', name: ul, role: 'fabric', realizes: [UNDERLAY_REF] });
  b.add({ kind: 'bridge', namespace: ul, name: UNDERLAY_BRIDGE, stp: false, mtu: UNDERLAY_MTU, realizes: [UNDERLAY_REF] });
  return names.map((name, i) => {
    const ns = chassisNamespace(lab, name);
    b.add({ kind: 'netns', name: ns, role: 'fabric', realizes: [chassisRef(name)] });
    b.add({
      kind: 'veth',
      a: { namespace: ul, name: b.fresh(ul, 'c'), master: UNDERLAY_BRIDGE, mtu: UNDERLAY_MTU },
      b: { namespace: ns, name: b.claim(ns, UNDERLAY_DEV), mtu: UNDERLAY_MTU },
      realizes: [chassisRef(name), UNDERLAY_REF],
    });
    return { name, namespace: ns, encapIp: encapIp(i + 1), encapMac: macFor(lab, ENCAP_MAC_BASE + i), underlayDev: UNDERLAY_DEV, realizes: [chassisRef(name)] };
  });
}

/** The machines of an inventory as chassis: each joins by itself, so the plan holds no kernel object for it. */
export function machineChassis(inv: { machines: { name: string; address: string }[] }): ChassisSpec[] {
  return inv.machines.map((m) => ({ name: m.name, encapIp: m.address, machine: true, realizes: [chassisRef(m.name)] }));
}
