// What every strategy needs while compiling: the design indexed by name, cables by port,
// VMs by server, the options, and the builder. Built once per compile with Maps so the
// compiler stays linear in the size of the design.
import type { Design, DesignNode, Iface, Link, ServerNode, VmNode } from '../model/types.js';
import type { MacvlanMode } from '../model/limits.js';
import type { NicAttach } from './attach.js';
import { PlanBuilder } from './builder.js';
import { labId, netnsName } from './names.js';
import type { Capabilities, VethEnd } from './types.js';

export interface CompileOptions {
  macvlanMode?: MacvlanMode;
  capabilities: Capabilities;
  /** 'netns': each VM is a namespace (default); 'qemu': TAP / macvtap devices for real guests. */
  vms?: 'netns' | 'qemu';
}

export interface Cable {
  link: Link;
  end: 0 | 1;
}

/** A VM interface together with its VM and the server NIC it hangs off. */
export interface VmIface {
  vm: VmNode;
  iface: Iface;
  nic: string;
}

export interface Ctx {
  design: Design;
  caps: Capabilities;
  vms: 'netns' | 'qemu';
  macvlanMode?: MacvlanMode;
  b: PlanBuilder;
  byName: Map<string, DesignNode>;
  /** "node/port" -> the cable plugged into it. */
  cables: Map<string, Cable>;
  /** node -> the cables plugged into it, in link order. */
  portsOf: Map<string, Cable[]>;
  /** server name -> its VMs' interfaces, in document order. */
  vmIfaces: Map<string, VmIface[]>;
  /** "server/nic" -> how the twin attaches that NIC's VMs (attach.ts; set by compile). */
  nics: Map<string, NicAttach>;
  ns(node: string): string;
}

export function makeCtx(design: Design, opts: CompileOptions): Ctx {
  const byName = new Map(design.nodes.map((n) => [n.name, n]));
  const cables = new Map<string, Cable>();
  const portsOf = new Map<string, Cable[]>();
  for (const link of design.links)
    link.ends.forEach((e, i) => {
      const c: Cable = { link, end: i as 0 | 1 };
      cables.set(`${e.node}/${e.port}`, c);
      const list = portsOf.get(e.node) ?? [];
      list.push(c);
      portsOf.set(e.node, list);
    });
  const vmIfaces = new Map<string, VmIface[]>();
  for (const n of design.nodes) {
    if (n.kind !== 'vm') continue;
    const server = byName.get(n.server);
    if (server?.kind !== 'server') continue;
    for (const iface of n.interfaces) {
      const nic = iface.uplink ?? server.interfaces[0]?.name;
      if (nic === undefined) continue;
      const list = vmIfaces.get(server.name) ?? [];
      list.push({ vm: n, iface, nic });
      vmIfaces.set(server.name, list);
    }
  }
  const ctx: Ctx = {
    design,
    caps: opts.capabilities,
    vms: opts.vms ?? 'netns',
    b: new PlanBuilder(design.name, labId(design.name)),
    byName,
    cables,
    portsOf,
    vmIfaces,
    nics: new Map(),
    ns: (node) => netnsName(design.name, node),
  };
  if (opts.macvlanMode !== undefined) ctx.macvlanMode = opts.macvlanMode;
  return ctx;
}

export const cableOf = (ctx: Ctx, node: string, port: string): Cable | undefined => ctx.cables.get(`${node}/${port}`);

/** The node and port at the other end of a cable. */
export const peerOf = (c: Cable) => c.link.ends[c.end === 0 ? 1 : 0];

/** The VLAN a VM interface's frames carry on its server's NIC (undefined: untagged). */
export const vmVlan = (server: ServerNode, v: VmIface): number | undefined => (server.vlanAware ? v.iface.vlan : undefined);

/** MAC/MTU settings a design interface gives the device that realises it. */
export function ifaceLook(iface: Iface | undefined, linkMtu?: number): Pick<VethEnd, 'mac' | 'mtu'> {
  const out: Pick<VethEnd, 'mac' | 'mtu'> = {};
  if (iface?.mac !== undefined) out.mac = iface.mac;
  const mtu = iface?.mtu ?? linkMtu;
  if (mtu !== undefined) out.mtu = mtu;
  return out;
}

