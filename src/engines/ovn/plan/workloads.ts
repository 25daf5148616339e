// Workloads: every node with an IP stack that is not a router — hosts, external networks,
// servers, VMs — is a namespace on its chassis, as in the kernel engine (`vn-<lab>-<node>`,
// interfaces keep the design's names), so `exec`, `shell` and verify's probes find it the same
// way. Each interface in a broadcast domain is a veth: the node's end carries the design's
// name, address and MAC; the other end is a port of the chassis's br-int (named like the kernel
// engine's root-namespace devices, `vn<labId><n>`, so a real chassis can hold them in its root
// namespace too), bound to the interface's logical switch port by external_ids:iface-id.
import type { DesignNode } from '../../../model/types.js';
import { isRouted } from '../../../model/types.js';
import { ifaceLook, type Ctx } from '../../../plan/context.js';
import { ifaceRef, nodeRef } from '../../../plan/refs.js';
import { realizeRouting, type Place } from '../../../plan/routing.js';
import type { NetnsObj } from '../../../plan/types.js';
import { unplugged } from '../../../plan/unplugged.js';
import { vifName } from './names.js';
import type { Binding, LogicalObject } from './types.js';

export interface WorkloadCtx {
  lab: string;
  datapath: 'system' | 'netdev';
  switchOf(ref: string): string | undefined;
  chassisOf(node: string): string | undefined;
  /** The namespace a chassis's br-int ports live in: its own (simulated), or the machine's root (null). */
  chassisNs(chassis: string): string | null;
  /** Largest workload MTU the underlay carries (an inventory's underlay minus the tunnel's headers). */
  maxMtu?: number;
  mac(): string;
  add(o: LogicalObject): void;
}

type Workload = Extract<DesignNode, { kind: 'host' | 'external' | 'server' | 'vm' }>;

export const isWorkload = (n: DesignNode): n is Workload => isRouted(n) && n.kind !== 'router' && n.kind !== 'l3-switch';

export function realizeWorkloads(ctx: Ctx, w: WorkloadCtx): Binding[] {
  const { b } = ctx;
  const bindings: Binding[] = [];
  for (const n of ctx.design.nodes) {
    if (!isWorkload(n)) continue;
    const chassis = w.chassisOf(n.name);
    if (chassis === undefined) throw new Error(`placement left ${n.name} without a chassis`);
    const ns = ctx.ns(n.name);
    const cns = w.chassisNs(chassis);
    b.add({ kind: 'netns', name: ns, node: n.name, role: n.kind as NetnsObj['role'], realizes: [nodeRef(n.name)] });
    const at = new Map<string, Place>();
    for (const i of n.interfaces) {
      const ref = ifaceRef(n.name, i.name);
      const ls = w.switchOf(ref);
      if (!ls) {
        // A server NIC without an address only carries its VMs, which are ports of their own.
        if (n.kind === 'server' && i.addresses.length === 0) continue;
        at.set(i.name, { namespace: ns, dev: i.name });
        unplugged(ctx, ns, i, ref, `${n.kind} ${n.name}`);
        continue;
      }
      const given = ifaceLook(i, ctx.cables.get(`${n.name}/${i.name}`)?.link.mtu);
      const look = w.maxMtu !== undefined && (given.mtu ?? 1500) > w.maxMtu ? { ...given, mtu: w.maxMtu } : given;
      const mac = look.mac ?? w.mac();
      const port = b.rootName();
      const lsp = vifName(w.lab, n.name, i.name);
      // The userspace datapath reads the workload's frames through a socket: checksums must be
      // complete when they leave the workload (MACHINE.md), the chassis side needs nothing.
      b.add({
        kind: 'veth',
        a: { namespace: ns, name: b.claim(ns, i.name), ...look, mac, ...(w.datapath === 'netdev' ? { txOff: true } : {}) },
        b: { namespace: cns, name: b.claim(cns, port), ...(look.mtu ? { mtu: look.mtu } : {}) },
        realizes: [ref, ...(ctx.cables.get(`${n.name}/${i.name}`) ? [`link:${ctx.cables.get(`${n.name}/${i.name}`)!.link.index}`] : [])],
      });
      at.set(i.name, { namespace: ns, dev: i.name });
      w.add({ kind: 'lsp', name: lsp, ls, addresses: [mac], node: n.name, dev: i.name, realizes: [ref] });
      bindings.push({ chassis, dev: port, lsp, node: n.name, realizes: [ref] });
    }
    realizeRouting(ctx, n, ns, { iface: (name) => at.get(name) });
  }
  return bindings;
}
