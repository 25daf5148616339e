// Strategy compact (seed A_V1, libvirt's default, and B_V2): one Linux bridge per broadcast
// domain of the real network; switch hierarchies, VLAN tags and servers disappear. A domain's
// bridge lives in the namespace of the router or L3 switch that has a leg in it, and takes
// over that leg's name and address (libvirt's virbr0 holds the gateway address: "the NAT
// router folded in"); otherwise it is d<id> in the shared namespace vn-<lab>-l2. A domain of
// exactly two interfaces and no switch in between is just a veth.
import type { DesignNode } from '../model/types.js';
import { isRouted } from '../model/types.js';
import { broadcastDomains, type Member } from '../semantics/domains.js';
import type { Ctx, VmIface } from './context.js';
import { ifaceLook } from './context.js';
import { L2_NETNS_NODE } from './names.js';
import { domainRef, ifaceRef, linkRef, nodeRef } from './refs.js';
import { realizeRouting, type Place } from './routing.js';
import type { NetnsObj } from './types.js';
import { attachVmIface, realizeVms } from './vm-ports.js';
import { unplugged } from './unplugged.js';
import { describeCompactDeviations, type Folded } from './compact-deviations.js';
import { standIns } from './compact-direct.js';

export function compileCompact(ctx: Ctx): void {
  const { b, design } = ctx;
  ctx.b.choose('vlans', 'none (one bridge per broadcast domain)', 'compact realises each broadcast domain as one untagged bridge, so it needs no VLAN support from the kernel.');
  const { domains } = broadcastDomains(design);
  const vmOf = new Map<string, VmIface>();
  for (const list of ctx.vmIfaces.values()) for (const v of list) vmOf.set(ifaceRef(v.vm.name, v.iface.name), v);
  const at = new Map<string, Place>(); // member ref -> where its address goes
  const hasNs = new Set<string>();
  const nsFor = (n: DesignNode): string => {
    const ns = ctx.ns(n.name);
    if (!hasNs.has(n.name)) {
      hasNs.add(n.name);
      b.add({ kind: 'netns', name: ns, node: n.name, role: n.kind as NetnsObj['role'], realizes: [nodeRef(n.name)] });
      if (isRouted(n)) for (const i of n.interfaces) b.claim(ns, i.name);
    }
    return ns;
  };
  let l2: string | undefined;
  const folded: Folded[] = [];
  const stand = standIns(ctx, (node) => nsFor(ctx.byName.get(node)!));
  // Nodes with an IP stack keep their namespace even if no leg is left (servers only with an address).
  for (const n of design.nodes) if (n.kind === 'router' || n.kind === 'l3-switch' || n.kind === 'host' || n.kind === 'external') nsFor(n);

  for (const d of domains) {
    const refs = [domainRef(d.id), ...d.links.map(linkRef)];
    const memberNode = (m: Member) => ctx.byName.get(m.node)!;
    if (d.links.length === 0 && d.switches.length === 0) {
      for (const m of d.members) {
        const n = memberNode(m);
        const iface = isRouted(n) ? n.interfaces.find((i) => i.name === m.dev) : undefined;
        const ns = nsFor(n);
        // An SVI whose VLAN has no port: a bridge with no ports, down like a real SVI without members.
        if (!iface) b.add({ kind: 'bridge', namespace: ns, name: b.claim(ns, m.dev), stp: false, realizes: [domainRef(d.id), m.ref] });
        else unplugged(ctx, ns, iface, m.ref, `${n.kind} ${n.name}`);
        at.set(m.ref, { namespace: ns, dev: m.dev });
      }
      continue;
    }
    if (d.members.length === 2 && d.switches.length === 0 && d.members.every((m) => !vmOf.has(m.ref))) {
      const [x, y] = d.members.map((m) => end(ctx, m, nsFor(memberNode(m)))) as [ReturnType<typeof end>, ReturnType<typeof end>];
      b.add({ kind: 'veth', a: x.end, b: y.end, realizes: [...refs, d.members[0]!.ref, d.members[1]!.ref] });
      at.set(d.members[0]!.ref, x.place).set(d.members[1]!.ref, y.place);
      continue;
    }
    const anchor = d.members.find((m) => {
      const k = memberNode(m).kind;
      return k === 'router' || k === 'l3-switch';
    });
    let brNs: string;
    let br: string;
    if (anchor) {
      brNs = nsFor(memberNode(anchor));
      br = b.claim(brNs, anchor.dev);
      at.set(anchor.ref, { namespace: brNs, dev: br });
      folded.push({ domain: d, anchor });
    } else {
      if (!l2) {
        l2 = ctx.ns(L2_NETNS_NODE);
        b.add({ kind: 'netns', name: l2, role: 'fabric', realizes: [domainRef(d.id)] });
      }
      brNs = l2;
      br = b.claim(brNs, `d${d.id}`);
    }
    b.add({ kind: 'bridge', namespace: brNs, name: br, stp: false, realizes: anchor ? [...refs, anchor.ref] : refs });
    for (const m of d.members) {
      if (m === anchor) continue;
      const v = vmOf.get(m.ref);
      if (v) {
        if (stand.direct(v.vm.server, v.nic)) stand.child(v, brNs, br);
        else attachVmIface(ctx, v, { namespace: brNs, master: br });
        continue;
      }
      // A server's own address on a NIC with macvtap VMs lives on the NIC's stand-in, their parent.
      const parentOf = memberNode(m).kind === 'server' ? stand.direct(m.node, m.dev) : undefined;
      if (parentOf) {
        const p = stand.parent(parentOf, undefined, brNs, br);
        at.set(m.ref, { namespace: p.namespace!, dev: p.name });
        continue;
      }
      const x = end(ctx, m, nsFor(memberNode(m)));
      b.add({ kind: 'veth', a: x.end, b: { namespace: brNs, name: b.fresh(brNs, 'vnet'), master: br }, realizes: [m.ref] });
      at.set(m.ref, x.place);
    }
  }

  for (const n of design.nodes) {
    if (!isRouted(n) || n.kind === 'vm') continue;
    if (!hasNs.has(n.name)) continue; // a server with no address of its own is gone entirely
    for (const i of n.interfaces)
      if (!at.has(ifaceRef(n.name, i.name)) && n.kind !== 'server')
        b.deviate({
          code: 'iface-unaddressed',
          message: `compact: ${n.kind} ${n.name}'s interface ${i.name} has no address, so it joins no broadcast domain; the twin leaves it out.`,
          realizes: [ifaceRef(n.name, i.name)],
        });
    realizeRouting(ctx, n, ctx.ns(n.name), {
      iface: (name) => at.get(ifaceRef(n.name, name)),
      svi: (vid) => at.get(`svi:${n.name}/${vid}`),
    });
  }
  realizeVms(ctx);
  describeCompactDeviations(ctx, domains, folded);
}

/** A member's own end of a veth: its interface name in its namespace (an SVI keeps vlan<vid>). */
function end(ctx: Ctx, m: Member, ns: string) {
  const n = ctx.byName.get(m.node)!;
  const iface = isRouted(n) ? n.interfaces.find((i) => i.name === m.dev) : undefined;
  const cable = ctx.cables.get(`${m.node}/${m.dev}`);
  const dev = ctx.b.claim(ns, m.dev);
  return { end: { namespace: ns, name: dev, ...ifaceLook(iface, cable?.link.mtu) }, place: { namespace: ns, dev } };
}
