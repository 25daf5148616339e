// Plan -> diagram graph: the Linux twin. Namespaces are boxes holding their devices; veth pairs
// are edges between their two ends; bridge membership, macvlan parents and OVS ports are
// edges too, labelled with what the kernel is told (mode, tag, trunks). Routes, sysctls and nft
// rules are listed in their namespace's header. With the design at hand, broadcast domains
// are shaded on the twin as on the design, through the objects' provenance refs.
import type { Design } from '../model/types.js';
import type { Netns, Plan, PlanObject } from '../plan/types.js';
import { broadcastDomains } from '../semantics/domains.js';
import { node, uniq, type DEdge, type DGroup, type DiagramGraph, type DNode, type Shape } from './graph.js';
import { devKey, natRuleText, nsKey, nsNodeId, planObjectId, sysctlText } from './plan-objects.js';
import { designRank } from './rank.js';
import { describeCapabilities } from '../plan/capabilities.js';

const ROLE_TONE_SKIP = new Set(['fabric']);

export function planGraph(plan: Plan, design?: Design): DiagramGraph {
  const namespaces = new Map<string, DNode>();
  const devices = new Map<string, DNode>();
  const devNs = new Map<string, Netns>();
  const edges: DEdge[] = [];
  const nsNode = (ns: Netns): DNode => {
    const id = nsNodeId(ns);
    let n = namespaces.get(id);
    if (!n) {
      n = ns === null ? node(id, 'root-ns', 'root namespace (host)') : node(id, 'netns', ns);
      namespaces.set(id, n);
    }
    return n;
  };
  const dev = (ns: Netns, name: string, shape: Shape = 'dev'): DNode => {
    const id = devKey(ns, name);
    let d = devices.get(id);
    if (!d) {
      d = node(id, shape, name);
      devices.set(id, d);
      devNs.set(id, ns);
      nsNode(ns).children.push(d);
    } else if (shape !== 'dev') d.shape = shape;
    return d;
  };
  const own = (n: DNode, o: PlanObject) => {
    n.objects.push(planObjectId(o));
    n.refs = uniq([...n.refs, ...o.realizes]);
  };
  const masters: { dev: string; master: string; obj?: PlanObject }[] = [];
  const ovsPorts = new Map<string, PlanObject & { kind: 'ovs-port' }>();
  for (const o of plan.objects) if (o.kind === 'ovs-port') ovsPorts.set(devKey(null, o.name), o);

  for (const o of plan.objects) {
    switch (o.kind) {
      case 'netns': {
        const n = nsNode(o.name);
        own(n, o);
        n.tone = o.node && !ROLE_TONE_SKIP.has(o.role) ? o.node : undefined;
        n.lines.unshift(o.node ? `${o.role} ${o.node}` : o.role);
        break;
      }
      case 'bridge': {
        const b = dev(o.namespace, o.name, 'bridge');
        own(b, o);
        b.lines.push(['bridge', o.stp ? 'stp' : '', o.vlanFiltering ? 'vlan_filtering' : ''].filter(Boolean).join(' · '));
        break;
      }
      case 'ovs-bridge': {
        const b = dev(null, o.name, 'ovs-bridge');
        own(b, o);
        b.lines.push(['ovs', o.datapath, o.stp ? 'stp' : ''].filter(Boolean).join(' · '));
        break;
      }
      case 'veth': {
        const a = dev(o.a.namespace, o.a.name);
        const b = dev(o.b.namespace, o.b.name);
        own(a, o);
        own(b, o);
        for (const [end, d] of [[o.a, a], [o.b, b]] as const) {
          d.lines.push(end.txOff ? 'veth · tx off' : 'veth');
          if (end.master) masters.push({ dev: d.id, master: devKey(end.namespace, end.master) });
          if (end.ovsBridge) masters.push({ dev: d.id, master: devKey(null, end.ovsBridge) });
        }
        edges.push({ id: `veth:${a.id}|${b.id}`, source: a.id, target: b.id, style: 'veth', refs: o.realizes, objects: [planObjectId(o)] });
        break;
      }
      case 'tunnel': {
        // One end per object; the pair is one edge, drawn once, labelled with its kind.
        const t = dev(o.namespace, o.name);
        own(t, o);
        t.lines.push(`${o.type}${o.vni !== undefined ? ` ${o.vni}` : ''} -> ${o.remote}`);
        if (o.master) masters.push({ dev: t.id, master: devKey(o.namespace, o.master) });
        const peer = dev(o.peer.namespace, o.peer.name);
        if (t.id < peer.id) edges.push({ id: `tunnel:${t.id}|${peer.id}`, source: t.id, target: peer.id, center: o.type, style: 'tunnel', refs: o.realizes, objects: [planObjectId(o)] });
        break;
      }
      case 'tap': {
        const t = dev(o.namespace, o.name);
        own(t, o);
        t.lines.push('tap (qemu)');
        if (o.master) masters.push({ dev: t.id, master: devKey(o.namespace, o.master) });
        break;
      }
      case 'macvlan': {
        const m = dev(o.namespace, o.name);
        own(m, o);
        m.lines.push(`${o.tap ? 'macvtap' : 'macvlan'} ${o.mode}`);
        const p = dev(o.parent.namespace, o.parent.name);
        edges.push({ id: `macvlan:${p.id}|${m.id}`, source: p.id, target: m.id, center: o.mode, style: 'macvlan', refs: o.realizes, objects: [planObjectId(o)] });
        break;
      }
      case 'vlan': {
        const v = dev(o.namespace, o.name);
        own(v, o);
        v.lines.push(`vlan ${o.vid}`);
        const p = dev(o.namespace, o.parent);
        edges.push({ id: `vlan:${p.id}|${v.id}`, source: p.id, target: v.id, center: `vid ${o.vid}`, style: 'vlan', refs: o.realizes, objects: [planObjectId(o)] });
        if (o.master) masters.push({ dev: v.id, master: devKey(o.namespace, o.master) });
        break;
      }
      case 'bridge-port': {
        const p = dev(o.namespace, o.dev);
        own(p, o);
        const vl = o.vlans?.map((v) => `${v.vid}${v.pvid ? 'P' : ''}${v.untagged ? 'U' : ''}`).join(',');
        p.lines.push([o.hairpin ? 'hairpin' : '', vl ? `vlans ${vl}` : '', o.self ? 'self' : ''].filter(Boolean).join(' · ') || 'port');
        break;
      }
      case 'ovs-port':
        own(dev(null, o.name), o);
        break;
      case 'address': {
        const d = dev(o.namespace, o.dev);
        own(d, o);
        d.lines.push(o.cidr);
        break;
      }
      case 'route': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(`route ${o.to}${o.via ? ` via ${o.via}` : ''}${o.dev ? ` dev ${o.dev}` : ''}`);
        break;
      }
      case 'sysctl': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(sysctlText(o.key, o.value));
        break;
      }
      case 'nft': {
        const n = nsNode(o.namespace);
        own(n, o);
        for (const r of o.rules) n.lines.push(`nft ${natRuleText(r)}`);
        if (o.filter) n.lines.push(`firewall: ${o.filter.rules.length} rules, ${o.filter.policy.input}/${o.filter.policy.forward}/${o.filter.policy.output}`);
        break;
      }
      case 'hosts': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(`/etc/hosts: ${o.entries.length} names`);
        break;
      }
      case 'routing': {
        const n = nsNode(o.namespace);
        own(n, o);
        if (o.spec.ospf) n.lines.push(`ospf ${o.spec.ospf.ifaces.map((i) => `${i.dev}:${i.cost}${i.passive ? 'p' : ''}`).join(' ')}`);
        if (o.spec.bgp) n.lines.push(`bgp as ${o.spec.bgp.asn}, ${o.spec.bgp.neighbors.length} neighbours`);
        break;
      }
      case 'ipvs': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(`ipvs ${o.protocol} ${o.vip}:${o.port} ${o.scheduler} → ${o.backends.length} backend${o.backends.length === 1 ? '' : 's'}`);
        break;
      }
      case 'daemon': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(`runs ${o.argv[0]!.slice(o.argv[0]!.lastIndexOf('/') + 1)}${o.port ? ` (${o.port.protocol}/${o.port.port})` : ''}`);
        break;
      }
      case 'exec': {
        const n = nsNode(o.namespace);
        own(n, o);
        n.lines.push(`exec ${o.argv[0]!.slice(o.argv[0]!.lastIndexOf('/') + 1)}`);
        break;
      }
    }
  }

  const rankOf = nsRanker(plan, design);
  const peerRank = new Map<string, number>();
  for (const e of edges)
    if (e.style === 'veth') {
      peerRank.set(e.source, rankOf(devNs.get(e.target)!));
      peerRank.set(e.target, rankOf(devNs.get(e.source)!));
    }
  // Veths run from the upstream namespace down; a bridge port whose peer is upstream sits above
  // its bridge, every other port below it.
  for (const e of edges)
    if (e.style === 'veth' && rankOf(devNs.get(e.target)!) < rankOf(devNs.get(e.source)!)) [e.source, e.target] = [e.target, e.source];
  for (const m of masters) {
    const here = rankOf(devNs.get(m.master) ?? null);
    const above = (peerRank.get(m.dev) ?? Infinity) < here;
    const port = ovsPorts.get(m.dev);
    const label = port ? ovsPortText(port) : undefined;
    edges.push({
      id: `member:${m.dev}`,
      source: above ? m.dev : m.master,
      target: above ? m.master : m.dev,
      center: label,
      style: port ? 'ovs-port' : 'member',
      refs: port?.realizes ?? [],
      objects: port ? [planObjectId(port)] : [],
    });
  }
  for (const n of devices.values()) {
    const ns = namespaces.get(nsNodeId(devNs.get(n.id)!))!;
    n.tone ??= ns.tone;
    // Root-namespace names are generated (vn<labId><n>): say which switch or port they are.
    if (devNs.get(n.id) === null) {
      const what = n.shape === 'ovs-bridge' ? n.refs.filter((r) => r.startsWith('node:')) : n.refs.filter((r) => r.startsWith('port:'));
      if (what.length) n.lines.push(`= ${what.map((r) => r.replace(/^(node|port):/, '')).join(', ')}`);
      const owner = n.refs.find((r) => r.startsWith('node:'));
      if (owner) n.tone ??= owner.slice(5);
    }
  }

  const notes = [
    ...plan.deviations.map((d) => `deviation ${d.code}: ${d.message}`),
    ...plan.choices.map((c) => `choice ${c.feature} → ${c.chosen}: ${c.why}`),
  ];
  return {
    side: 'twin',
    title: `Linux twin: ${plan.strategy}`,
    subtitle: `lab ${plan.lab} · capabilities ${describeCapabilities(plan.capabilities)}`,
    nodes: [...namespaces.values()].sort((a, b) => Number(a.shape === 'root-ns') - Number(b.shape === 'root-ns')),
    edges,
    groups: design ? twinDomains(plan, design, [...devices.values()], edges) : [],
    notes,
  };
}

function ovsPortText(p: { tag?: number; trunks?: number[]; vlanMode?: string; hairpin?: boolean }): string | undefined {
  const parts = [
    p.tag !== undefined ? `tag ${p.tag}` : '',
    p.trunks?.length ? `trunks ${p.trunks.join(',')}` : '',
    p.vlanMode && p.vlanMode !== 'access' && p.vlanMode !== 'trunk' ? p.vlanMode : '',
    p.hairpin ? 'hairpin' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

/** Rank of a namespace: that of the highest design node it realises (root: its OVS bridges'). */
function nsRanker(plan: Plan, design?: Design): (ns: Netns) => number {
  if (!design) return () => 0;
  const rank = designRank(design);
  const nodesOf = new Map<string, Set<string>>();
  const add = (ns: Netns, refs: string[]) => {
    const s = nodesOf.get(nsKey(ns)) ?? new Set<string>();
    for (const r of refs) {
      const m = /^(?:node|port|iface|svi):([^/]+)/.exec(r);
      if (m) s.add(m[1]!);
    }
    nodesOf.set(nsKey(ns), s);
  };
  for (const o of plan.objects) {
    if (o.kind === 'netns') add(o.name, o.node ? [`node:${o.node}`] : o.realizes);
    if (o.kind === 'ovs-bridge') add(null, o.realizes);
  }
  return (ns) => Math.min(1e6, ...[...(nodesOf.get(nsKey(ns)) ?? [])].map((n) => rank.of(n)));
}

function twinDomains(plan: Plan, design: Design, devices: DNode[], edges: DEdge[]): DGroup[] {
  const where = new Map(plan.endpoints.map((e) => [e.ref, devKey(e.namespace, e.dev)]));
  const nsOfNode = new Map<string, string>();
  for (const o of plan.objects) if (o.kind === 'netns' && o.node) nsOfNode.set(o.node, o.name);
  return broadcastDomains(design).domains.map((dom) => {
    const memberRefs = new Set(dom.members.map((m) => m.ref));
    const switchRefs = new Set(dom.switches.map((s) => `node:${s}`));
    const linkRefs = new Set(dom.links.map((l) => `link:${l}`));
    const nodes = new Set<string>();
    for (const m of dom.members) {
      const at = where.get(m.ref) ?? (nsOfNode.has(m.node) ? devKey(nsOfNode.get(m.node)!, m.dev) : undefined);
      if (at && devices.some((d) => d.id === at)) nodes.add(at);
    }
    for (const d of devices) {
      if (d.refs.some((r) => memberRefs.has(r) || r === `domain:${dom.id}`)) nodes.add(d.id);
      if ((d.shape === 'bridge' || d.shape === 'ovs-bridge') && d.refs.some((r) => switchRefs.has(r))) nodes.add(d.id);
    }
    const chosen = new Set<string>();
    for (const e of edges)
      if (e.refs.some((r) => linkRefs.has(r) || r === `domain:${dom.id}`)) {
        chosen.add(e.id);
        nodes.add(e.source);
        nodes.add(e.target);
      }
    // A macvlan child in the domain pulls in its parent (a server's VLAN device, say), which
    // is only ever in the domains of its children.
    for (const e of edges) if (e.style === 'macvlan' && nodes.has(e.target)) nodes.add(e.source);
    // Any edge between two shaded devices carries the domain too (bridge ports, macvlan
    // parents, and veths of a compact twin, which realise interfaces rather than cables).
    for (const e of edges) if (nodes.has(e.source) && nodes.has(e.target)) chosen.add(e.id);
    return {
      id: `domain:${dom.id}`,
      title: `D${dom.id}${dom.vlans.length ? ` · VLAN ${dom.vlans.join(',')}` : ''}`,
      detail: dom.members.map((m) => m.ref.replace(/^(iface|svi):/, '')).join(', '),
      nodes: [...nodes],
      edges: [...chosen],
      refs: [`domain:${dom.id}`, ...memberRefs],
    };
  });
}
