// `vnetmap plan --engine ovn`: the plan as text. The table (default) lists each design
// element with the OVN rows and Linux objects that realise it; --explain says where each node
// runs (the placement, its cut and balance), the choices, the deviations, and whether the
// twin, compared with the design, differs anywhere no deviation explains.
import { pushTo } from '../../../collections.js';
import type { Design } from '../../../model/types.js';
import { describeCapabilities } from '../../../plan/capabilities.js';
import { describe } from '../../../plan/describe.js';
import { comparison } from '../../../plan/explain.js';
import { designRefs } from '../../../plan/refs.js';
import type { PlanObject, Ref } from '../../../plan/types.js';
import type { Comparison } from '../../../semantics/compare.js';
import type { LogicalObject, OvnPlan } from './types.js';

export function describeLogical(o: LogicalObject): string {
  switch (o.kind) {
    case 'ls':
      return `logical switch ${o.name}`;
    case 'lsp':
      return o.routerPort ? `switch port ${o.name} on ${o.ls}: router port ${o.routerPort}` : `switch port ${o.name} on ${o.ls} (${o.addresses.join(' ')}): ${o.node}/${o.dev}`;
    case 'lr':
      return `logical router ${o.name}`;
    case 'lrp':
      return `router port ${o.name} ${o.networks.join(' ')} (${o.mac})${o.gatewayChassis ? `, gateway port on ${o.gatewayChassis}` : ''}`;
    case 'lr-route':
      return `static route on ${o.lr}: ${o.prefix} via ${o.nexthop}`;
    case 'nat':
      return `${o.type} on ${o.lr} through ${o.port}: ${o.logicalIp} -> ${o.externalIp}`;
    case 'lb':
      return `load balancer ${o.name} on ${o.lr} (${o.protocol}): ${Object.entries(o.vips).map(([v, b]) => `${v} -> ${b}`).join(', ')}`;
    case 'acl':
      return `ACL on ${o.ls} (${o.direction}, ${o.priority}): ${o.match} => ${o.action}`;
    case 'dhcp':
      return `DHCP options ${o.name} for ${o.cidr}: ${Object.entries(o.options).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    case 'dns':
      return `DNS records ${o.name} on ${o.switches.join(', ') || '(no switch)'}: ${Object.keys(o.records).length} names`;
  }
}

/** "2 simulated chassis, userspace datapath, Geneve". */
export const describeChassis = (p: OvnPlan): string =>
  p.inventory
    ? `${p.chassis.length} machine${p.chassis.length === 1 ? '' : 's'} of inventory ${p.inventory.file} (${p.chassis.map((c) => c.name).join(', ')}), central on ${p.inventory.central.address}, each machine's own datapath, ${p.encap === 'geneve' ? 'Geneve' : p.encap} tunnels`
    : `${p.chassis.length} simulated chassis (${p.chassis.map((c) => c.name).join(', ')}), ${p.datapath === 'netdev' ? 'userspace (netdev)' : 'kernel'} datapath, ${p.encap === 'geneve' ? 'Geneve' : p.encap} tunnels`;

export function ovnTable(design: Design, plan: OvnPlan): string {
  const byRef = new Map<Ref, string[]>();
  for (const o of plan.logical) for (const r of o.realizes) pushTo(byRef, r, describeLogical(o));
  for (const o of plan.local.objects) for (const r of o.realizes) pushTo(byRef, r, local(o));
  for (const b of plan.bindings) for (const r of b.realizes) pushTo(byRef, r, `bound on ${b.chassis}: ${b.dev} on br-int, iface-id ${b.lsp}`);
  const devByRef = new Map<Ref, string[]>();
  for (const d of plan.deviations) for (const r of d.realizes) pushTo(devByRef, r, d.code);
  const out = [`${plan.lab}: engine ovn, ${describeChassis(plan)}, ${plan.logical.length} northbound rows, ${plan.local.objects.length} Linux objects, ${plan.deviations.length} deviation${plan.deviations.length === 1 ? '' : 's'}`];
  const emit = (ref: Ref, label: string, depth: number) => {
    const pad = '  '.repeat(depth);
    out.push(`${pad}${label}`);
    const lines = byRef.get(ref) ?? [];
    for (const l of lines) out.push(`${pad}  ${l}`);
    if (!lines.length) out.push(`${pad}  ${devByRef.has(ref) ? `(no object: see deviation ${[...new Set(devByRef.get(ref))].join(', ')})` : '(no object)'}`);
  };
  const under = new Map<string, Ref[]>();
  const top: Ref[] = [];
  for (const r of designRefs(design)) {
    const m = /^(\w[\w-]*):([^/]+)\/.+$/.exec(r);
    if (m && !r.startsWith('node:')) pushTo(under, m[2]!, r);
    else if (!r.startsWith('node:')) top.push(r);
  }
  for (const n of design.nodes) {
    const at = plan.placement.assign[n.name];
    emit(`node:${n.name}`, `${n.kind} ${n.name}${at ? ` (on ${at})` : ''}`, 0);
    for (const r of under.get(n.name) ?? []) emit(r, r.replace(/^([\w-]+):[^/]+\//, '$1 '), 1);
  }
  for (const r of top) {
    const l = design.links[Number(r.slice(5)) - 1];
    emit(r, l ? `link ${l.index} ${l.ends[0].node}:${l.ends[0].port} - ${l.ends[1].node}:${l.ends[1].port}` : r, 0);
  }
  const domains = [...byRef.keys()].filter((r) => r.startsWith('domain:')).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  for (const r of domains) emit(r, `broadcast domain ${r.slice(7)}`, 0);
  for (const c of plan.chassis) emit(`chassis:${c.name}`, `${c.machine ? 'machine' : 'chassis'} ${c.name} (tunnel endpoint ${c.encapIp})`, 0);
  if (plan.deviations.length) {
    out.push('deviations (vnetmap plan --engine ovn --explain for details):');
    for (const d of plan.deviations) out.push(`  [${d.code}] ${d.message}`);
  }
  return out.join('\n') + '\n';
}

const local = (o: PlanObject): string => describe(o);

export function explainOvn(plan: OvnPlan, cmp?: Comparison): string {
  const out = [`${plan.lab} on engine ovn: ${describeChassis(plan)}, for capabilities ${describeCapabilities(plan.capabilities)}.`];
  const counts = new Map<string, number>();
  const names: Record<string, [string, string]> = { ls: ['logical switch', 'logical switches'], lsp: ['switch port', 'switch ports'], lr: ['logical router', 'logical routers'], lrp: ['router port', 'router ports'], 'lr-route': ['static route', 'static routes'], nat: ['SNAT rule', 'SNAT rules'], lb: ['load balancer', 'load balancers'], acl: ['ACL', 'ACLs'], dhcp: ['DHCP options row', 'DHCP options rows'], dns: ['DNS row', 'DNS rows'] };
  for (const o of plan.logical) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const netns = plan.local.objects.filter((o) => o.kind === 'netns').length;
  out.push(`It writes ${[...counts].map(([k, n]) => `${n} ${names[k]?.[n === 1 ? 0 : 1] ?? k}`).join(', ') || 'nothing'} to the Northbound database, binds ${plan.bindings.length} workload port${plan.bindings.length === 1 ? '' : 's'}, and makes ${netns} namespaces${plan.inventory ? `, each on the machine its node runs on (made by that machine's "vnetmap chassis join", from its part of this plan: docs/ovn-inventory.md)` : ` (${plan.chassis.length} chassis, the underlay and the central part included)`}.`);
  // Where everything runs in the end (after the gateway rule), then how placement decided.
  out.push('', 'Where each node runs (routers: their gateway ports; a router without one is flows on every chassis):');
  const routers = new Set(plan.logical.flatMap((o) => (o.kind === 'lr' ? [o.node] : [])));
  for (const c of plan.chassis) {
    const here = Object.entries(plan.placement.assign).filter(([, x]) => x === c.name).map(([n]) => n);
    const gw = here.filter((n) => routers.has(n) && plan.logical.some((o) => o.kind === 'lrp' && o.gatewayChassis === c.name && o.lr.endsWith(`.${n}`)));
    out.push(`  ${c.name}: ${here.filter((n) => !routers.has(n)).join(', ') || '(no workload)'}${gw.length ? `; gateway ports of ${gw.join(', ')}` : ''}`);
  }
  out.push(`  ${plan.placement.cut} design link${plan.placement.cut === 1 ? '' : 's'} cross chassis; load per chassis: ${Object.entries(plan.placement.loads).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  out.push('', 'Placement:', ...plan.placement.explain.map((l) => `  ${l}`));
  out.push('', 'Choices:', ...plan.choices.map((c) => `- ${c.feature}: ${c.chosen}, because ${c.why}`));
  out.push('');
  if (!plan.deviations.length) out.push(cmp && !cmp.differences.length ? 'Deviations: none; compared with the design, every broadcast domain, round trip and port forward is the same.' : 'Deviations: none declared.');
  else {
    out.push('Deviations:');
    for (const d of plan.deviations) {
      out.push(`- [${d.code}] ${d.message}`);
      for (const a of d.affects ?? []) out.push(`    ${a.from} and ${a.to}: ${[a.l2 !== undefined ? (a.l2 ? 'share a broadcast domain' : 'no longer share a broadcast domain') : '', a.reach !== undefined ? (a.reach ? 'can reach each other' : 'cannot reach each other') : ''].filter(Boolean).join(' and ') || 'changed'}`);
    }
  }
  if (cmp && (plan.deviations.length || cmp.differences.length)) out.push('', ...comparison(cmp.differences, cmp.bugs));
  return out.join('\n') + '\n';
}
