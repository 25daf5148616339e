// compact: VMs a real server attaches directly (macvtap, VFs behind a VEPA embedded switch)
// keep that attachment, since no bridge port can reproduce it (a private child hears nobody
// on its parent, a bridge-mode child everybody but the parent). Their server's NIC stays as a
// stand-in: a veth from the domain's bridge into the server's namespace, with hairpin on its
// bridge port where the real switch port reflects frames, and the VMs are macvlan children of
// it in their real modes. A VLAN's stand-in is named like the 8021q device it replaces.
import { nicKey, type NicAttach } from './attach.js';
import type { Ctx, VmIface } from './context.js';
import { ifaceLook, vmVlan } from './context.js';
import { addChild } from './direct.js';
import { ifaceRef } from './refs.js';
import { claimVlanDev } from './servers.js';
import type { MacvlanMode } from '../model/limits.js';
import type { Netns } from './types.js';

export interface StandIns {
  /** The NIC's direct attachment, when the twin keeps one for it. */
  direct(server: string, nic: string): NicAttach | undefined;
  /** The stand-in for a server NIC (and VLAN) on a domain's bridge, made on first use. */
  parent(a: NicAttach, vid: number | undefined, brNs: string, br: string): { namespace: Netns; name: string };
  /** A VM interface as a child of its stand-in. */
  child(v: VmIface, brNs: string, br: string): void;
}

export function standIns(ctx: Ctx, nsFor: (node: string) => string): StandIns {
  const made = new Map<string, { namespace: Netns; name: string }>();
  const direct = (server: string, nic: string) => {
    const a = ctx.nics.get(nicKey(server, nic));
    return a?.how === 'macvlan' ? a : undefined;
  };
  const parent = (a: NicAttach, vid: number | undefined, brNs: string, br: string) => {
    const key = `${nicKey(a.server.name, a.nic.name)}.${vid ?? ''}`;
    let p = made.get(key);
    if (p) return p;
    const { b } = ctx;
    const ns = nsFor(a.server.name);
    const name = vid === undefined ? b.claim(ns, a.nic.name) : claimVlanDev(b, ns, a.nic.name, vid);
    const port = b.fresh(brNs, 'vnet');
    const ref = ifaceRef(a.server.name, a.nic.name);
    b.add({ kind: 'veth', a: { namespace: ns, name, ...ifaceLook(a.nic, a.cable?.link.mtu) }, b: { namespace: brNs, name: port, master: br }, realizes: [ref] });
    if (a.hairpin) b.add({ kind: 'bridge-port', namespace: brNs, dev: port, hairpin: true, realizes: [ref, `port:${a.upstream!.node}/${a.upstream!.port}`] });
    made.set(key, (p = { namespace: ns, name }));
    return p;
  };
  return {
    direct,
    parent,
    child: (v, brNs, br) => {
      const a = direct(v.vm.server, v.nic)!;
      const mode = a.ports.find((p) => p.v === v)!.twin as MacvlanMode;
      addChild(ctx, v, parent(a, vmVlan(a.server, v), brNs, br), mode);
    },
  };
}
