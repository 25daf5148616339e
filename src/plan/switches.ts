// A switch (or the switching half of an L3 switch) as Linux objects: a bridge br0 in the
// switch's namespace, with or without VLAN filtering, or an Open vSwitch bridge whose ports
// are root-namespace veth ends. Returns where each cabled port's veth end goes; links.ts
// then makes one veth per cable from these placements.
import type { L3SwitchNode, PortMode, SwitchNode } from '../model/types.js';
import type { Ctx } from './context.js';
import { BRIDGE_NAME } from './names.js';
import { nodeRef, portRef, sviRef } from './refs.js';
import type { Place } from './routing.js';
import type { BridgePortObj, OvsPortObj, VethEnd } from './types.js';
import type { SwitchBackend } from './vlan-switch.js';
import { realizeSwitch8021q } from './switch-8021q.js';

/** "node/port" -> the veth end that stands for that port. */
export type Placements = Map<string, VethEnd>;

export function realizeSwitch(
  ctx: Ctx,
  n: SwitchNode | L3SwitchNode,
  backend: SwitchBackend,
  place: Placements,
  sviAt: Map<number, Place>,
  /** "switch/port" keys whose hairpin stays off (see hairpin.ts). */
  hairpinOff: Set<string> = new Set(),
): void {
  if (backend === '8021q') return realizeSwitch8021q(ctx, n, place, sviAt, hairpinOff);
  const { b } = ctx;
  const routedPorts = new Set(n.kind === 'l3-switch' ? n.interfaces.map((i) => i.name) : []);
  const cables = (ctx.portsOf.get(n.name) ?? []).filter((c) => !routedPorts.has(c.link.ends[c.end].port));
  const hairpin = (port: string) => n.kind === 'switch' && (n.hairpin === 'all' || n.hairpin.includes(port)) && !hairpinOff.has(`${n.name}/${port}`);
  const ns = ctx.ns(n.name);
  if (n.kind === 'switch' && backend !== 'ovs') b.add({ kind: 'netns', name: ns, node: n.name, role: 'switch', realizes: [nodeRef(n.name)] });

  if (backend === 'ovs') {
    const bridge = b.rootName();
    b.add({ kind: 'ovs-bridge', name: bridge, datapath: ctx.caps.ovsDatapath, stp: n.stp, realizes: [nodeRef(n.name)] });
    const txOff = ctx.caps.ovsDatapath === 'netdev';
    for (const c of cables) {
      const e = c.link.ends[c.end];
      const name = b.rootName();
      const ref = portRef(n.name, e.port);
      const vlans = n.kind === 'switch' && !n.vlanAware ? { vlanMode: undefined } : ovsVlans(e.mode);
      if (vlans === undefined) {
        // A VLAN-aware port with no VLAN set drops every frame: leave its veth end unattached.
        place.set(`${n.name}/${e.port}`, { namespace: null, name, ...mtu(c.link.mtu) });
        continue;
      }
      place.set(`${n.name}/${e.port}`, { namespace: null, name, ovsBridge: bridge, ...(txOff ? { txOff } : {}), ...mtu(c.link.mtu) });
      const port: OvsPortObj = { kind: 'ovs-port', bridge, name, ...vlans, realizes: [ref] };
      if (port.vlanMode === undefined) delete port.vlanMode;
      if (hairpin(e.port)) port.hairpin = true;
      b.add(port);
    }
    if (n.kind === 'l3-switch')
      for (const s of n.svis) {
        // The SVI is the L3 switch's own leg into VLAN s.vlan: a veth from its namespace to an access port.
        const dev = b.claim(ns, `vlan${s.vlan}`);
        const name = b.rootName();
        b.add({
          kind: 'veth',
          a: { namespace: ns, name: dev, ...(s.mac ? { mac: s.mac } : {}), ...(txOff ? { txOff } : {}) },
          b: { namespace: null, name, ovsBridge: bridge, ...(txOff ? { txOff } : {}) },
          realizes: [sviRef(n.name, s.vlan)],
        });
        b.add({ kind: 'ovs-port', bridge, name, tag: s.vlan, vlanMode: 'access', realizes: [sviRef(n.name, s.vlan)] });
        sviAt.set(s.vlan, { namespace: ns, dev });
      }
    return;
  }

  const filtering = backend === 'filtering';
  b.add({
    kind: 'bridge',
    namespace: ns,
    name: b.claim(ns, BRIDGE_NAME),
    stp: n.stp,
    ...(filtering ? { vlanFiltering: true, defaultPvid: 0 } : {}),
    realizes: [nodeRef(n.name)],
  });
  for (const c of cables) {
    const e = c.link.ends[c.end];
    const dev = b.claim(ns, e.port);
    place.set(`${n.name}/${e.port}`, { namespace: ns, name: dev, master: BRIDGE_NAME, ...mtu(c.link.mtu) });
    const bp: BridgePortObj = { kind: 'bridge-port', namespace: ns, dev, realizes: [portRef(n.name, e.port)] };
    if (hairpin(e.port)) bp.hairpin = true;
    if (filtering) bp.vlans = bridgeVlans(e.mode);
    if (bp.hairpin || bp.vlans) b.add(bp);
  }
  if (n.kind === 'l3-switch' && n.svis.length) {
    for (const s of n.svis) {
      const dev = b.claim(ns, `vlan${s.vlan}`);
      b.add({ kind: 'vlan', namespace: ns, name: dev, parent: BRIDGE_NAME, vid: s.vlan, realizes: [sviRef(n.name, s.vlan)] });
      sviAt.set(s.vlan, { namespace: ns, dev });
    }
    // The bridge itself must be a member of each SVI's VLAN for its 8021q device to see the frames.
    b.add({
      kind: 'bridge-port',
      namespace: ns,
      dev: BRIDGE_NAME,
      self: true,
      vlans: n.svis.map((s) => ({ vid: s.vlan })),
      realizes: n.svis.map((s) => sviRef(n.name, s.vlan)),
    });
  }
}

/** Port VLANs on a vlan_filtering bridge: access = pvid untagged, trunk = tagged, native = pvid untagged. */
export function bridgeVlans(m: PortMode): NonNullable<BridgePortObj['vlans']> {
  if (m.mode === 'access') return [{ vid: m.vlan, pvid: true, untagged: true }];
  if (m.mode === 'plain') return [];
  const out: NonNullable<BridgePortObj['vlans']> = m.vlans.filter((v) => v !== m.native).map((vid) => ({ vid }));
  if (m.native !== undefined) out.push({ vid: m.native, pvid: true, untagged: true });
  return out.sort((x, y) => x.vid - y.vid);
}

/** OVS port VLAN settings; undefined for a VLAN-aware port with no VLAN (it carries nothing). */
export function ovsVlans(m: PortMode): Pick<OvsPortObj, 'tag' | 'trunks' | 'vlanMode'> | undefined {
  if (m.mode === 'access') return { tag: m.vlan, vlanMode: 'access' };
  if (m.mode === 'plain') return undefined;
  const trunks = m.vlans.filter((v) => v !== m.native);
  // OVS reads an empty trunk list as "every VLAN", so the degenerate trunks are spelled out.
  if (trunks.length === 0) return m.native !== undefined ? { tag: m.native, vlanMode: 'access' } : undefined;
  if (m.native !== undefined) return { tag: m.native, trunks, vlanMode: 'native-untagged' };
  return { trunks, vlanMode: 'trunk' };
}

const mtu = (v: number | undefined): { mtu?: number } => (v !== undefined ? { mtu: v } : {});
