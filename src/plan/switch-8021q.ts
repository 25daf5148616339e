// A VLAN-aware switch on a kernel with 8021q devices but neither bridge vlan_filtering nor Open
// vSwitch: the classic Linux construction (seed B_V1's servers, applied to a switch). One bridge
// per VLAN; an access port joins its VLAN's bridge; a trunk port gets an 8021q device <port>.<vid>
// per tagged VLAN in that VLAN's bridge, and itself joins its native VLAN's bridge (tagged frames
// reach the 8021q devices before the bridge sees the port). An L3 switch's VLAN bridge is named
// vlan<vid> and holds the SVI address, so the SVI needs no device of its own.
import type { L3SwitchNode, SwitchNode } from '../model/types.js';
import type { Ctx } from './context.js';
import { nodeRef, portRef, sviRef } from './refs.js';
import type { Place } from './routing.js';
import { claimVlanDev } from './servers.js';
import type { Placements } from './switches.js';

export function realizeSwitch8021q(ctx: Ctx, n: SwitchNode | L3SwitchNode, place: Placements, sviAt: Map<number, Place>, hairpinOff: Set<string>): void {
  const { b } = ctx;
  const ns = ctx.ns(n.name);
  if (n.kind === 'switch') b.add({ kind: 'netns', name: ns, node: n.name, role: 'switch', realizes: [nodeRef(n.name)] });
  const routedPorts = new Set(n.kind === 'l3-switch' ? n.interfaces.map((i) => i.name) : []);
  const cables = (ctx.portsOf.get(n.name) ?? []).filter((c) => !routedPorts.has(c.link.ends[c.end].port));
  const hairpin = (port: string) => n.kind === 'switch' && (n.hairpin === 'all' || n.hairpin.includes(port)) && !hairpinOff.has(`${n.name}/${port}`);
  for (const c of cables) b.claim(ns, c.link.ends[c.end].port);

  const svis = new Map(n.kind === 'l3-switch' ? n.svis.map((s) => [s.vlan, s]) : []);
  const bridges = new Map<number, string>();
  const bridgeOf = (vid: number): string => {
    let br = bridges.get(vid);
    if (!br) {
      br = b.claim(ns, svis.has(vid) ? `vlan${vid}` : `br${vid}`);
      bridges.set(vid, br);
      b.add({ kind: 'bridge', namespace: ns, name: br, stp: n.stp, realizes: [nodeRef(n.name), ...(svis.has(vid) ? [sviRef(n.name, vid)] : [])] });
    }
    return br;
  };
  for (const vid of svis.keys()) {
    bridgeOf(vid);
    sviAt.set(vid, { namespace: ns, dev: bridges.get(vid)! });
  }
  for (const c of cables) {
    const e = c.link.ends[c.end];
    const ref = portRef(n.name, e.port);
    const m = e.mode;
    const untaggedIn = m.mode === 'access' ? m.vlan : m.mode === 'trunk' ? m.native : undefined;
    const master = untaggedIn !== undefined ? bridgeOf(untaggedIn) : undefined;
    place.set(`${n.name}/${e.port}`, { namespace: ns, name: e.port, ...(master ? { master } : {}), ...(c.link.mtu !== undefined ? { mtu: c.link.mtu } : {}) });
    if (master && hairpin(e.port)) b.add({ kind: 'bridge-port', namespace: ns, dev: e.port, hairpin: true, realizes: [ref] });
    if (m.mode !== 'trunk') continue;
    for (const vid of m.vlans) {
      if (vid === m.native) continue;
      const dev = claimVlanDev(b, ns, e.port, vid);
      b.add({ kind: 'vlan', namespace: ns, name: dev, parent: e.port, vid, master: bridgeOf(vid), realizes: [ref] });
      if (hairpin(e.port)) b.add({ kind: 'bridge-port', namespace: ns, dev, hairpin: true, realizes: [ref] });
    }
  }
}
