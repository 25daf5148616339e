// Strategy faithful (seed figures A_V0, B_V0, B_V1): one Linux object per real element. A
// namespace per node, a bridge per switch, one veth per cable whose ends keep the design's
// port and interface names. The ovs and macvtap strategies reuse this and change only the
// switches (all OVS) or the servers (VMs on macvlan children instead of a bridge).
import { realizeTunnel } from './tunnels.js';
import type { DesignNode } from '../model/types.js';
import type { Ctx } from './context.js';
import { ifaceLook } from './context.js';
import { endRef, ifaceRef, linkRef, nodeRef } from './refs.js';
import { realizeRouting, type Place } from './routing.js';
import { realizeServer } from './servers.js';
import { realizeSwitch, type Placements } from './switches.js';
import { chooseVlanBackend } from './vlan-switch.js';
import { realizeVms } from './vm-ports.js';
import { unplugged } from './unplugged.js';
import { stpForced } from './loops.js';
import { hairpinFacingBridges } from './hairpin.js';
import { realizeDirect } from './direct.js';
import type { NetnsObj } from './types.js';

export type Mode = 'faithful' | 'ovs' | 'macvtap';

/** Realise everything; servers.ts puts VMs on a virtual switch, direct.ts makes the macvlan children. */
export function compileFaithful(ctx: Ctx, mode: Mode): void {
  const { b, design } = ctx;
  const backend = chooseVlanBackend(ctx, mode === 'ovs');
  const forced = stpForced(ctx);
  const hairpinOff = hairpinFacingBridges(ctx);
  const stp = <T extends { name: string; stp: boolean }>(n: T): T => (forced.has(n.name) ? { ...n, stp: true } : n);
  const place: Placements = new Map();
  const wheres: { n: Extract<DesignNode, { interfaces: unknown }>; at: Map<string, Place>; svis: Map<number, Place> }[] = [];

  for (const n of design.nodes) {
    if (n.kind === 'vm') continue;
    if (n.kind === 'switch') {
      realizeSwitch(ctx, stp(n), mode === 'ovs' ? 'ovs' : n.vlanAware ? backend! : 'linux', place, new Map(), hairpinOff);
      continue;
    }
    const ns = ctx.ns(n.name);
    if (n.kind === 'server') {
      wheres.push({ n, at: realizeServer(ctx, n, mode, place), svis: new Map() });
      continue;
    }
    b.add({ kind: 'netns', name: ns, node: n.name, role: n.kind as NetnsObj['role'], realizes: [nodeRef(n.name)] });
    const at = new Map<string, Place>();
    for (const i of n.interfaces) {
      const cable = ctx.cables.get(`${n.name}/${i.name}`);
      b.claim(ns, i.name);
      at.set(i.name, { namespace: ns, dev: i.name });
      if (cable) place.set(`${n.name}/${i.name}`, { namespace: ns, name: i.name, ...ifaceLook(i, cable.link.mtu) });
      else unplugged(ctx, ns, i, ifaceRef(n.name, i.name), `${n.kind} ${n.name}`);
    }
    const svis = new Map<number, Place>();
    if (n.kind === 'l3-switch') realizeSwitch(ctx, stp(n), mode === 'ovs' ? 'ovs' : backend!, place, svis, hairpinOff);
    wheres.push({ n, at, svis });
  }

  const idx = { nodes: ctx.byName };
  for (const l of design.links) {
    const [ea, eb] = l.ends;
    const a = place.get(`${ea.node}/${ea.port}`);
    const z = place.get(`${eb.node}/${eb.port}`);
    if (!a || !z) throw new Error(`link ${l.index} has an end with no device (${!a ? ea.node : eb.node}); the design checks should have caught this`);
    // The userspace datapath needs checksum offload off on both ends of any veth that reaches it.
    if ((a.ovsBridge || z.ovsBridge) && ctx.caps.ovsDatapath === 'netdev') a.txOff = z.txOff = true;
    if (l.tunnel) realizeTunnel(ctx, l, a, z);
    else b.add({ kind: 'veth', a, b: z, realizes: [linkRef(l.index), endRef(idx, ea.node, ea.port), endRef(idx, eb.node, eb.port)] });
  }

  for (const { n, at, svis } of wheres) realizeRouting(ctx, n, ctx.ns(n.name), { iface: (name) => at.get(name), svi: (vid) => svis.get(vid) });
  realizeVms(ctx);
  // VMs the twin attaches directly to their server's NIC (attach.ts): macvlan children.
  for (const a of ctx.nics.values()) if (a.how === 'macvlan') realizeDirect(ctx, a, mode);
}
