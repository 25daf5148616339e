// Reflective relay (hairpin) on a switch port exists for VEPA: macvtap children behind the port
// send everything up and the switch sends it back. Behind such a port a bridge (a server's VM
// bridge in faithful or ovs, or another switch) sees its own members' frames come back on its
// uplink, relearns their MACs there and drops the traffic meant for them (MAC flapping;
// measured: network-a-vms under faithful with hairpin on loses all VM traffic). The twin leaves
// hairpin off on those ports and says so; VEPA itself needs macvlan children (attach.ts).
import { nicKey } from './attach.js';
import type { Ctx } from './context.js';
import { portRef } from './refs.js';

/** "switch/port" keys whose hairpin is left off, each with a deviation. */
export function hairpinFacingBridges(ctx: Ctx): Set<string> {
  const off = new Set<string>();
  for (const l of ctx.design.links)
    l.ends.forEach((e, i) => {
      const sw = ctx.byName.get(e.node);
      if (sw?.kind !== 'switch' || !(sw.hairpin === 'all' || sw.hairpin.includes(e.port))) return;
      const peer = l.ends[i === 0 ? 1 : 0];
      const pn = ctx.byName.get(peer.node);
      let behind: string | undefined;
      if (pn?.kind === 'switch' || pn?.kind === 'l3-switch') behind = `${pn.kind} ${pn.name}, whose bridge`;
      else if (pn?.kind === 'server' && ctx.nics.get(nicKey(pn.name, peer.port))?.how === 'vswitch')
        behind = `server ${pn.name}, whose VMs sit on a bridge that`;
      if (!behind) return;
      off.add(`${e.node}/${e.port}`);
      ctx.b.deviate({
        code: 'hairpin-off-toward-bridge',
        message: `${e.node}:${e.port} reflects frames (hairpin) for VEPA, but it faces ${behind} would relearn its members' MACs on the uplink and lose their traffic; the twin leaves hairpin off on that port${pn?.kind === 'server' ? ' (use --strategy macvtap for VEPA)' : ''}.`,
        realizes: [portRef(e.node, e.port)],
      });
    });
  return off;
}
