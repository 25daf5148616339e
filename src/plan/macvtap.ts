// Strategy macvtap (seed figures A_M0, B_M0-B_M3): the rest of the network as faithful, but
// each VM interface is a macvlan/macvtap child of its server's NIC (or of an 8021q device
// <nic>.<vid> for a tagged VM, figure B_M1), whatever the real server does. The mode is the
// command line's, else the server's under "mapping", else the real server's own macvtap mode
// ("attach"), else mapping.macvlan-mode (attach.ts). Where the mode makes the twin differ from
// the real server, attach-deviations.ts says so, pair by pair (MACHINE.md, measured):
//   bridge   - siblings talk directly; a child cannot reach its parent (the server);
//   vepa     - everything goes out to the switch: siblings and server only if that port hairpins;
//   private  - siblings never, the server never;
//   passthru - one child per NIC; more need SR-IOV VFs, which the twin emulates.
import { UserError } from '../errors.js';
import type { NicAttach } from './attach.js';
import type { Ctx } from './context.js';
import { compileFaithful } from './faithful.js';

export function compileMacvtap(ctx: Ctx): void {
  if (!ctx.design.nodes.some((n) => n.kind === 'vm'))
    throw new UserError('macvtap maps VMs onto their server\'s NIC; this design has no vm nodes — use faithful or compact.');
  if (!ctx.caps.macvlan || (ctx.vms === 'qemu' && !ctx.caps.macvtap))
    throw new UserError(`the macvtap strategy needs ${ctx.vms === 'qemu' ? 'macvtap' : 'macvlan'} devices, which the capabilities (${ctx.caps.source}) lack; use faithful or compact.`);
  // compileFaithful realises every NIC attach.ts marked 'macvlan' (all of them, here).
  compileFaithful(ctx, 'macvtap');
  for (const a of ctx.nics.values()) chooseMacvtapMode(ctx, a);
}

/** The plan's choice for one NIC under the macvtap strategy: its mode, and where it came from. */
export function chooseMacvtapMode(ctx: Ctx, a: NicAttach): void {
  const s = a.server;
  const modes = [...new Set(a.ports.map((p) => p.twin))].join(', ');
  const chosen = a.emulatedVfs !== undefined ? `bridge (emulating SR-IOV VFs: ${a.emulatedVfs} offered)` : modes;
  const forced = ctx.macvlanMode ?? ctx.design.mapping.servers[s.name]?.macvlanMode;
  const own = !forced && a.ports.every((p) => p.design === p.twin);
  const src = `mode ${a.emulatedVfs !== undefined ? 'passthru' : modes} for server ${s.name}`;
  let why: string;
  if (a.ports.some((p) => p.twin === 'vepa') && a.upstream)
    why = `${src}; upstream port ${a.upstream.node}:${a.upstream.port} ${a.hairpin ? 'has hairpin on, so VM traffic is reflected back' : 'has no hairpin, so VMs on this NIC cannot reach each other'}.`;
  else why = own ? `${src}, as the real server attaches them (attach).` : `${src}, from the command line or the design's mapping.`;
  ctx.b.choose(`macvtap ${s.name}/${a.nic.name}`, chosen, why);
}
