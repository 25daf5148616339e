// How the twin attaches each server NIC's VMs, decided once per compile before any object is
// made (hairpin.ts, servers.ts, direct.ts and compact.ts read it), from how the real server
// attaches them (the design's "attach", src/model/attach.ts), the strategy and the kernel:
//   - faithful, ovs, compact: as the real server does. VMs on a software switch, or on SR-IOV
//     VFs behind a VEB embedded switch (which switches like a bridge), sit on the twin's
//     virtual switch; macvtap VMs, and VFs behind a VEPA embedded switch, become macvlan
//     children in the same mode, where the kernel has macvlan (and, for tagged VMs outside
//     compact, 8021q devices to be their parents); otherwise they fall back to the switch;
//   - macvtap: every VM is a macvlan child; its mode is the command line's, else the
//     server's under "mapping", else the real server's macvtap mode, else mapping.macvlan-mode.
// deviations.ts (attachDeviations) compares the two, pair by pair.
import { portKind, vmAttach, type PortKind } from '../model/attach.js';
import type { MacvlanMode, Strategy } from '../model/limits.js';
import type { Iface, ServerNode } from '../model/types.js';
import type { Cable, Ctx, VmIface } from './context.js';
import { peerOf, vmVlan } from './context.js';

export interface VmPort {
  v: VmIface;
  /** What the real server does. */
  design: PortKind;
  /** What the twin does: 'switch' (its virtual switch) or a macvlan mode. */
  twin: PortKind;
}

export interface NicAttach {
  server: ServerNode;
  nic: Iface;
  cable?: Cable;
  upstream?: { node: string; port: string };
  /** The switch port cabled to the NIC reflects frames back (802.1Qbg hairpin). */
  hairpin: boolean;
  how: 'vswitch' | 'macvlan';
  /** Why VMs the real server attaches directly sit on the twin's switch instead. */
  fallback?: string;
  ports: VmPort[];
  /** macvtap strategy, mode passthru: VFs the NIC offers, emulated by bridge-mode children. */
  emulatedVfs?: number;
}

export const nicKey = (server: string, nic: string): string => `${server}/${nic}`;

const MACVLAN: ReadonlySet<PortKind> = new Set(['bridge', 'vepa', 'private', 'passthru']);
const asMacvlan = (k: PortKind): MacvlanMode | undefined => (MACVLAN.has(k) ? (k as MacvlanMode) : undefined);

export function planAttachments(ctx: Ctx, strategy: Strategy): Map<string, NicAttach> {
  const out = new Map<string, NicAttach>();
  for (const s of ctx.design.nodes) {
    if (s.kind !== 'server') continue;
    for (const v of ctx.vmIfaces.get(s.name) ?? []) {
      const key = nicKey(s.name, v.nic);
      let a = out.get(key);
      if (!a) {
        const nic = s.interfaces.find((i) => i.name === v.nic)!;
        const cable = ctx.cables.get(key);
        const upstream = cable ? peerOf(cable) : undefined;
        const un = upstream && ctx.byName.get(upstream.node);
        const hairpin = un?.kind === 'switch' && (un.hairpin === 'all' || un.hairpin.includes(upstream!.port));
        a = { server: s, nic, ...(cable ? { cable } : {}), ...(upstream ? { upstream: { node: upstream.node, port: upstream.port } } : {}), hairpin, how: 'vswitch', ports: [] };
        out.set(key, a);
      }
      const design = portKind(vmAttach(s, v.iface), a.nic);
      a.ports.push({ v, design, twin: design });
    }
  }
  for (const a of out.values()) decide(ctx, strategy, a);
  return out;
}

function decide(ctx: Ctx, strategy: Strategy, a: NicAttach): void {
  const s = a.server;
  if (strategy === 'macvtap') {
    a.how = 'macvlan';
    const forced = ctx.macvlanMode ?? ctx.design.mapping.servers[s.name]?.macvlanMode;
    for (const p of a.ports) p.twin = forced ?? asMacvlan(p.design) ?? ctx.design.mapping.macvlanMode;
    return;
  }
  const direct = a.ports.some((p) => asMacvlan(p.design));
  if (!direct) {
    for (const p of a.ports) p.twin = 'switch';
    return;
  }
  const devices = ctx.vms === 'qemu' ? 'macvtap' : 'macvlan';
  const tagged = a.ports.some((p) => vmVlan(s, p.v) !== undefined);
  if (!(ctx.vms === 'qemu' ? ctx.caps.macvtap : ctx.caps.macvlan)) a.fallback = `the capabilities (${ctx.caps.source}) lack ${devices} devices`;
  else if (tagged && strategy !== 'compact' && !ctx.caps.vlanDevices)
    a.fallback = `their VLANs would need 8021q devices on ${a.nic.name} as ${devices} parents, which the capabilities (${ctx.caps.source}) lack`;
  if (a.fallback) {
    for (const p of a.ports) p.twin = 'switch';
    ctx.b.choose(`vm-attach ${nicKey(s.name, a.nic.name)}`, 'the server\'s virtual switch', `${s.name} attaches the VMs on ${a.nic.name} directly (macvtap or VEPA VFs), but ${a.fallback}.`);
    return;
  }
  a.how = 'macvlan';
  const modes = [...new Set(a.ports.map((p) => p.twin))].join(', ');
  ctx.b.choose(`vm-attach ${nicKey(s.name, a.nic.name)}`, `${devices} children (${modes})`, `${s.name} attaches the VMs on ${a.nic.name} directly, and the capabilities have ${devices} devices in the same modes.`);
}

/** VM interfaces that sit on a server's virtual switch in the twin (the rest are macvlan children). */
export function onVSwitch(ctx: Ctx, server: string): VmIface[] {
  return (ctx.vmIfaces.get(server) ?? []).filter((v) => ctx.nics.get(nicKey(server, v.nic))?.how !== 'macvlan');
}
