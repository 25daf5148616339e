// Strategy ovs: faithful, but every switch and every server's VM switch is an Open vSwitch
// bridge (VLAN access/trunk ports in one place, the way a distributed virtual switch works).
import type { Ctx } from './context.js';
import { compileFaithful } from './faithful.js';
import { nodeRef, portRef } from './refs.js';
import { requireOvs } from './vlan-switch.js';

export function compileOvs(ctx: Ctx): void {
  requireOvs(ctx, 'the ovs strategy');
  ctx.b.choose('switching', `openvswitch (${ctx.caps.ovsDatapath} datapath)`, 'the ovs strategy was asked for: every switch is an Open vSwitch bridge.');
  compileFaithful(ctx, 'ovs');
  noteDumbSwitches(ctx);
}

/**
 * A plain switch's OVS ports have no tag, so they carry every VLAN with its tag unchanged and
 * flood the same frames to the same ports as the real dumb switch: broadcast domains and
 * reachability stay as designed. What differs is MAC learning: OVS learns per VLAN, a dumb
 * switch learns one table for all tags. That only shows when tagged frames cross it (one MAC in
 * two VLANs), so it is recorded for those switches, without affected pairs.
 */
function noteDumbSwitches(ctx: Ctx): void {
  for (const n of ctx.design.nodes) {
    if (n.kind !== 'switch' || n.vlanAware) continue;
    const cables = ctx.portsOf.get(n.name) ?? [];
    const tagged = cables.some(({ link, end }) => {
      const peer = link.ends[end === 0 ? 1 : 0];
      const pn = ctx.byName.get(peer.node);
      if (peer.mode.mode === 'trunk') return true;
      return pn?.kind === 'server' && pn.vlanAware && (ctx.vmIfaces.get(pn.name) ?? []).some((v) => v.nic === peer.port && v.iface.vlan !== undefined);
    });
    if (!tagged) continue;
    ctx.b.deviate({
      code: 'ovs-dumb-switch-learning',
      message: `ovs: switch ${n.name} is not VLAN-aware but carries tagged frames; as an OVS bridge it forwards them unchanged to the same ports, yet learns MAC addresses per VLAN instead of in one table.`,
      realizes: [nodeRef(n.name), ...cables.map(({ link, end }) => portRef(n.name, link.ends[end].port))],
    });
  }
}
