// Reflective relay (hairpin) on the switch port that faces a server exists for VEPA: macvtap
// children send everything up and the switch sends it back. Behind such a port a bridge in the
// server (faithful, ovs) would see its VMs' own frames come back on its uplink, relearn their
// MACs there and drop the traffic meant for them (MAC flapping). The real server would use VEPA
// there, so outside the macvtap strategy the twin leaves hairpin off on those ports and says so.
import type { Ctx } from './context.js';
import { peerOf } from './context.js';
import { portRef } from './refs.js';

/** "switch/port" keys whose hairpin is left off, each with a deviation. */
export function hairpinFacingBridges(ctx: Ctx): Set<string> {
  const off = new Set<string>();
  for (const [server, vms] of ctx.vmIfaces) {
    for (const nic of new Set(vms.map((v) => v.nic))) {
      const cable = ctx.cables.get(`${server}/${nic}`);
      if (!cable) continue;
      const up = peerOf(cable);
      const sw = ctx.byName.get(up.node);
      if (sw?.kind !== 'switch' || !(sw.hairpin === 'all' || sw.hairpin.includes(up.port))) continue;
      off.add(`${up.node}/${up.port}`);
      ctx.b.deviate({
        code: 'hairpin-off-toward-bridge',
        message: `${up.node}:${up.port} reflects frames (hairpin) for VEPA, but here server ${server}'s VMs sit on a bridge, which would relearn their MACs on its uplink and lose their traffic; the twin leaves hairpin off on that port (use --strategy macvtap for VEPA).`,
        realizes: [portRef(up.node, up.port)],
      });
    }
  }
  return off;
}
