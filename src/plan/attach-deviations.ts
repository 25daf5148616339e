// Where the twin's attachment of a NIC's VMs (attach.ts) behaves unlike the real server's, pair
// by pair: two VMs on one parent device (the NIC, or its 8021q device for a VLAN), and each VM
// on the untagged NIC with the server's own address there. Both sides are judged by the same
// rules (semantics/macvlan-modes.ts), so the affected pairs are exactly those compare.ts finds.
import { attachText, usesVf, vmAttach, type PortKind } from '../model/attach.js';
import type { Strategy } from '../model/limits.js';
import { fromParent, siblings, toParent } from '../semantics/macvlan-modes.js';
import type { NicAttach, VmPort } from './attach.js';
import type { Ctx } from './context.js';
import { vmVlan } from './context.js';
import { ifaceRef, nodeRef } from './refs.js';
import type { Deviation } from './types.js';

type Affects = NonNullable<Deviation['affects']>;

export function attachDeviations(ctx: Ctx, strategy: Strategy): void {
  for (const a of ctx.nics.values()) deviate(ctx, strategy, a);
}

const sw = (k: PortKind) => k === 'switch';
const sib = (x: PortKind, y: PortKind, h: boolean) => sw(x) || sw(y) || siblings(x, y, h);
const up = (k: PortKind, h: boolean) => sw(k) || toParent(k, h);
const down = (k: PortKind, h: boolean) => sw(k) || fromParent(k, h);

/** Pairs whose adjacency (either way) or round trip differs between the real server and the twin. */
export function attachDifferences(a: NicAttach): Affects {
  const out: Affects = [];
  const refOf = (p: VmPort) => ifaceRef(p.v.vm.name, p.v.iface.name);
  const h = a.hairpin;
  // The twin keeps the hairpin only where macvlan children need it (hairpin.ts).
  const th = a.how === 'macvlan' && h;
  const add = (x: string, y: string, d: [boolean, boolean], t: [boolean, boolean]) => {
    const dr = d[0] && d[1];
    const tr = t[0] && t[1];
    const first = d[0] !== t[0] || dr !== tr;
    if (first) out.push({ from: x, to: y, l2: t[0], reach: tr });
    // The way back needs its own entry only where the first does not already say it.
    if ((d[1] !== t[1] || dr !== tr) && !(first && (d[1] === t[1] || t[0] === t[1]))) out.push({ from: y, to: x, l2: t[1], reach: tr });
  };
  const groups = new Map<number | undefined, VmPort[]>();
  for (const p of a.ports) {
    const vid = vmVlan(a.server, p.v);
    groups.set(vid, [...(groups.get(vid) ?? []), p]);
  }
  for (const g of groups.values())
    for (let i = 0; i < g.length; i++)
      for (let j = i + 1; j < g.length; j++) {
        const [p, q] = [g[i]!, g[j]!];
        add(refOf(p), refOf(q), [sib(p.design, q.design, h), sib(q.design, p.design, h)], [sib(p.twin, q.twin, th), sib(q.twin, p.twin, th)]);
      }
  if (a.nic.addresses.length) {
    const server = ifaceRef(a.server.name, a.nic.name);
    for (const p of groups.get(undefined) ?? []) add(refOf(p), server, [up(p.design, h), down(p.design, h)], [up(p.twin, th), down(p.twin, th)]);
  }
  return out;
}

function deviate(ctx: Ctx, strategy: Strategy, a: NicAttach): void {
  const s = a.server;
  const nic = a.nic.name;
  const server = a.nic.addresses.length ? ifaceRef(s.name, nic) : undefined;
  const affects = attachDifferences(a);
  const realizes = [nodeRef(s.name), ifaceRef(s.name, nic), ...a.ports.map((p) => ifaceRef(p.v.vm.name, p.v.iface.name))];
  const dev = (code: string, message: string, always = false) =>
    (always || affects.length) && ctx.b.deviate({ code, message, realizes, ...(affects.length ? { affects } : {}) });
  const vf = a.ports.some((p) => usesVf(vmAttach(s, p.v.iface), a.nic));
  const real = [...new Set(a.ports.map((p) => attachText(vmAttach(s, p.v.iface), a.nic)))].join(', ');
  const vms = a.ports.map((p) => p.v.vm.name).join(', ');
  const twin = [...new Set(a.ports.map((p) => p.twin))].join(', ');
  const direct = a.ports.some((p) => !sw(p.design) && p.design !== 'veb');

  if (a.emulatedVfs !== undefined)
    return void ctx.b.deviate({
      code: 'sriov-vf-emulated',
      message: `macvtap passthru: server ${s.name}'s NIC ${nic} offers ${a.emulatedVfs} SR-IOV VFs; each VF is emulated by a bridge-mode macvlan child (the NIC's embedded switch)${server ? ', which unlike a real VF cannot reach the server itself' : ''}.`,
      realizes,
      ...(affects.length ? { affects } : {}),
    });
  if (a.fallback) return void dev('attach-emulated', `${strategy}: ${s.name} attaches ${vms} to ${nic} by ${real}, but ${a.fallback}, so the twin puts them on ${s.name}'s virtual switch, where every pair listed hears each other.`, true);
  if (vf && !direct && a.how === 'vswitch')
    return void dev('sriov-vf-emulated', `${strategy}: the SR-IOV VFs ${s.name}'s NIC ${nic} gives ${vms} are emulated by ports of a Linux bridge, which switches between them and ${s.name} as the NIC's embedded switch (VEB) does.`, true);
  if (a.how !== 'macvlan') return;
  if (vf && !direct) {
    const lost = [affects.some((x) => x.from !== server && x.to !== server) ? 'each other' : '', affects.some((x) => x.from === server || x.to === server) ? s.name : ''].filter(Boolean);
    const unlike = lost.length ? `, which unlike VFs behind the NIC's embedded switch (VEB) cannot reach ${lost.join(' or ')}` : '';
    return void dev('sriov-vf-emulated', `macvtap: the SR-IOV VFs ${s.name}'s NIC ${nic} gives ${vms} are emulated by macvlan ${twin} children${unlike}.`, true);
  }
  if (!direct) {
    // The real server switches its VMs (a bridge or OVS); the macvtap twin's mode decides what is lost.
    if (twin === 'bridge' && !a.hairpin) dev('macvtap-bridge-no-host', `macvtap bridge: VMs on ${s.name}'s NIC ${nic} cannot reach their own server (${server}).`);
    else if (twin === 'vepa' && !a.hairpin)
      dev('macvtap-vepa-no-hairpin', `macvtap vepa: ${a.upstream!.node}:${a.upstream!.port} does not hairpin, so VMs on ${s.name}'s NIC ${nic} cannot reach each other${server ? ' or the server' : ''}.`);
    else if (twin === 'private') dev('macvtap-private-isolation', `macvtap private: VMs on ${s.name}'s NIC ${nic} are isolated from each other${server ? ' and from the server' : ''}.`);
    else if (twin === 'passthru' && server) dev('macvtap-passthru-host-offline', `macvtap passthru: server ${s.name}'s NIC ${nic} is handed to one VM, so the server's own address on it is unusable.`);
    else dev('macvtap-mode-differs', `macvtap: ${s.name} switches ${vms} with ${real}, but the twin makes them macvlan ${twin} children.`);
    return;
  }
  if (a.ports.some((p) => p.twin !== p.design))
    return void dev('macvtap-mode-differs', `macvtap: ${s.name} attaches ${vms} to ${nic} by ${real}, but the twin uses macvlan mode ${twin} (from the command line or the design's mapping)${affects.length ? '' : '; no pair of endpoints behaves differently'}.`, true);
  if (vf) dev('sriov-vf-emulated', `${strategy}: the SR-IOV VFs ${s.name}'s NIC ${nic} gives ${vms} sit behind an embedded switch in VEPA mode; the twin makes them macvlan vepa children, which behave alike.`, true);
}
