// How a VM interface meets its server's virtual switch: with --vms netns (the default) the
// VM is a namespace joined by a veth; with --vms qemu it is a TAP device that a real QEMU
// attaches to (libvirt's vnetN), and the guest configures its own addresses.
import type { Ctx, VmIface } from './context.js';
import { ifaceLook } from './context.js';
import { fnv1a } from './names.js';
import { gatewayRef, ifaceRef, nodeRef, routeRef } from './refs.js';
import { realizeRouting } from './routing.js';
import type { Netns, OvsPortObj } from './types.js';

export interface Attach {
  namespace: Netns;
  /** Linux bridge in that namespace. */
  master?: string;
  /** Or an OVS bridge (namespace must be null). */
  ovsBridge?: string;
  /** OVS access VLAN. */
  tag?: number;
}

/** A stable locally administered MAC (QEMU's 52:54:00 prefix) for interfaces the design gives none. */
export function vmMac(lab: string, v: VmIface): string {
  if (v.iface.mac) return v.iface.mac;
  const h = fnv1a(`${lab}/${v.vm.name}/${v.iface.name}`);
  return ['52', '54', '00', (h >>> 16) & 255, (h >>> 8) & 255, h & 255].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');
}

/** QEMU arguments for a TAP-backed NIC. */
export function tapQemuArgs(ctx: Ctx, v: VmIface, ifname: string): string[] {
  const id = `net-${v.iface.name}`;
  return ['-netdev', `tap,id=${id},ifname=${ifname},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=${id},mac=${vmMac(ctx.design.name, v)}`];
}

/** Connect one VM interface to a switch; returns the server-side device name. */
export function attachVmIface(ctx: Ctx, v: VmIface, at: Attach): string {
  const { b } = ctx;
  const ref = ifaceRef(v.vm.name, v.iface.name);
  const name = at.namespace === null ? b.rootName() : b.fresh(at.namespace, 'vnet');
  const txOff = at.ovsBridge !== undefined && ctx.caps.ovsDatapath === 'netdev';
  const side = { namespace: at.namespace, name, ...(at.master ? { master: at.master } : {}), ...(at.ovsBridge ? { ovsBridge: at.ovsBridge } : {}), ...(txOff ? { txOff } : {}) };
  if (ctx.vms === 'qemu') {
    const tap = { kind: 'tap' as const, namespace: at.namespace, name, mac: vmMac(ctx.design.name, v), qemuArgs: tapQemuArgs(ctx, v, name), realizes: [ref] };
    b.add(at.master ? { ...tap, master: at.master } : tap);
  } else {
    const vmNs = ctx.ns(v.vm.name);
    b.add({ kind: 'veth', a: { namespace: vmNs, name: b.claim(vmNs, v.iface.name), ...ifaceLook(v.iface), ...(txOff ? { txOff } : {}) }, b: side, realizes: [ref] });
  }
  if (at.ovsBridge) {
    const port: OvsPortObj = { kind: 'ovs-port', bridge: at.ovsBridge, name, realizes: [ref] };
    if (at.tag !== undefined) Object.assign(port, { tag: at.tag, vlanMode: 'access' });
    b.add(port);
  }
  return name;
}

/** The VM nodes themselves: a namespace with the VM's IP configuration, or a note that the guest does it. */
export function realizeVms(ctx: Ctx): void {
  for (const n of ctx.design.nodes) {
    if (n.kind !== 'vm') continue;
    if (ctx.vms === 'netns') {
      const ns = ctx.ns(n.name);
      ctx.b.add({ kind: 'netns', name: ns, node: n.name, role: 'vm', realizes: [nodeRef(n.name)] });
      realizeRouting(ctx, n, ns, { iface: (name) => (n.interfaces.some((i) => i.name === name) ? { namespace: ns, dev: name } : undefined) });
      continue;
    }
    const realizes = [nodeRef(n.name), ...(n.gateway !== undefined ? [gatewayRef(n.name)] : []), ...n.routes.map((_, i) => routeRef(n.name, i))];
    const parts = [...n.interfaces.flatMap((i) => i.addresses.map((a) => `${i.name} ${a.text}`))];
    if (n.gateway !== undefined) parts.push('its default gateway');
    if (n.routes.length) parts.push('its static routes');
    const what = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'its interfaces');
    ctx.b.deviate({
      code: 'vm-guest-config',
      message: `--vms qemu: VM ${n.name} is a real guest on TAP/macvtap devices; it must configure ${what} itself.`,
      realizes,
    });
  }
}
