// The OVN twin as a diagram graph (src/diagram/graph.ts), for `draw --engine ovn`: a frame
// per chassis holding the workloads placed there; logical switches and routers outside any
// frame (they are flows on every chassis), routers with their gateway ports' chassis named;
// an edge per bound port (workload to its logical switch) and per router port. Broadcast
// domains are shaded through the logical switch that realises each.
import type { Design } from '../../model/types.js';
import { describeCapabilities } from '../../plan/capabilities.js';
import { node, uniq, type DEdge, type DGroup, type DiagramGraph, type DNode, type Shape } from '../../diagram/graph.js';
import { broadcastDomains } from '../../semantics/domains.js';
import { describeLogical } from './plan/explain.js';
import type { LogicalSwitch, OvnPlan } from './plan/types.js';

const SHAPE: Record<string, Shape> = { host: 'host', external: 'external', server: 'server', vm: 'vm' };

export function ovnGraph(plan: OvnPlan, design?: Design): DiagramGraph {
  const nodes: DNode[] = [];
  const edges: DEdge[] = [];
  const frames = new Map<string, DNode>();
  for (const c of plan.chassis) {
    const f = node(`chassis:${c.name}`, 'root-ns', c.name, { lines: [`ovs-vswitchd ${plan.datapath} · ovn-controller`, `tunnel ${c.encapIp}`], refs: c.realizes });
    frames.set(c.name, f);
    nodes.push(f);
  }
  const workloads = new Map<string, DNode>();
  const kinds = new Map(plan.local.objects.flatMap((o) => (o.kind === 'netns' && o.node ? [[o.node, o.role] as const] : [])));
  for (const b of plan.bindings) {
    let w = workloads.get(b.node);
    if (!w) {
      const addrs = plan.endpoints.filter((e) => e.node === b.node).flatMap((e) => e.addresses.map((a) => `${e.dev} ${a}`));
      w = node(`node:${b.node}`, SHAPE[kinds.get(b.node) ?? 'host'] === 'server' ? 'host' : (SHAPE[kinds.get(b.node) ?? 'host'] ?? 'host'), b.node, { lines: addrs, refs: [`node:${b.node}`], tone: b.node });
      workloads.set(b.node, w);
      frames.get(b.chassis)!.children.push(w);
    }
    w.refs = uniq([...w.refs, ...b.realizes]);
    w.objects.push(`binding:${b.lsp}`);
  }
  const switches = new Map<string, DNode>();
  for (const o of plan.logical) {
    if (o.kind === 'ls') {
      const s = node(`ls:${o.name}`, 'switch', o.name, { lines: [`logical switch · domain ${o.domain}`], refs: o.realizes, objects: [`ls:${o.name}`] });
      switches.set(o.name, s);
      nodes.push(s);
    } else if (o.kind === 'lr') {
      const gws = uniq(plan.logical.flatMap((p) => (p.kind === 'lrp' && p.lr === o.name && p.gatewayChassis ? [`${p.dev} on ${p.gatewayChassis}`] : [])));
      const extra = plan.logical.filter((x) => (x.kind === 'nat' || x.kind === 'lb' || x.kind === 'lr-route') && x.lr === o.name).map(describeLogical).map((t) => t.replace(` on ${o.name}`, ''));
      nodes.push(node(`lr:${o.name}`, 'router', o.name, { lines: [`logical router${gws.length ? ` · gateway ${gws.join(', ')}` : ''}`, ...extra], refs: o.realizes, tone: o.node, objects: [`lr:${o.name}`] }));
    }
  }
  for (const o of plan.logical) {
    if (o.kind !== 'lsp') continue;
    const ls = switches.get(o.ls)!;
    if (o.node) edges.push({ id: `vif:${o.name}`, source: `node:${o.node}`, target: ls.id, tail: o.dev!, style: 'veth', refs: o.realizes, objects: [`lsp:${o.name}`] });
    else if (o.routerPort) {
      const p = plan.logical.find((x) => x.kind === 'lrp' && x.name === o.routerPort);
      if (p?.kind === 'lrp') edges.push({ id: `rp:${o.name}`, source: `lr:${p.lr}`, target: ls.id, tail: `${p.dev} ${p.networks.join(' ')}`, style: 'link', refs: p.realizes, objects: [`lrp:${p.name}`, `lsp:${o.name}`] });
    }
  }
  return {
    side: 'twin',
    title: `${plan.lab} — OVN twin`,
    subtitle: `engine ovn · ${plan.chassis.length} chassis · ${plan.datapath} datapath · capabilities ${describeCapabilities(plan.capabilities)}`,
    nodes,
    edges,
    groups: design ? domainGroups(plan, design, edges) : [],
    notes: [...plan.placement.explain, ...plan.deviations.map((d) => `[${d.code}] ${d.message}`)],
  };
}

function domainGroups(plan: OvnPlan, design: Design, edges: DEdge[]): DGroup[] {
  const lsOf = new Map(plan.logical.flatMap((o) => (o.kind === 'ls' ? [[o.domain, o] as const] : [])));
  return broadcastDomains(design).domains.flatMap((dom) => {
    const ls: LogicalSwitch | undefined = lsOf.get(dom.id);
    if (!ls) return [];
    const mine = edges.filter((e) => e.target === `ls:${ls.name}`);
    return [
      {
        id: `domain:${dom.id}`,
        title: `D${dom.id}${dom.vlans.length ? ` · VLAN ${dom.vlans.join(',')}` : ''}`,
        detail: dom.members.map((m) => m.ref.replace(/^(iface|svi):/, '')).join(', '),
        nodes: uniq([`ls:${ls.name}`, ...mine.map((e) => e.source)]),
        edges: mine.map((e) => e.id),
        refs: [`domain:${dom.id}`, ...dom.members.map((m) => m.ref)],
      },
    ];
  });
}
