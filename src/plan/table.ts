// `vnetmap plan` default output: each design element, then the Linux objects that realise
// it, indented (provenance read backwards). Elements no object realises name the deviation
// that explains why.
import type { Design } from '../model/types.js';
import { pushTo } from '../collections.js';
import { describeCapabilities } from './capabilities.js';
import { describe, ruleText } from './describe.js';
import { designRefs } from './refs.js';
import type { Plan, PlanObject, Ref } from './types.js';

export function planTable(design: Design, plan: Plan): string {
  const byRef = new Map<Ref, PlanObject[]>();
  for (const o of plan.objects) for (const r of o.realizes) pushTo(byRef, r, o);
  const devByRef = new Map<Ref, string[]>();
  for (const d of plan.deviations) for (const r of d.realizes) pushTo(devByRef, r, d.code);

  // Node-scoped refs ("iface:pc1/eth0") go under their node; links and domains follow.
  const refs = designRefs(design);
  const under = new Map<string, Ref[]>();
  const top: Ref[] = [];
  for (const r of refs) {
    const m = /^(\w[\w-]*):([^/]+)\/.+$/.exec(r);
    if (m && !r.startsWith('node:')) pushTo(under, m[2]!, r);
    else if (!r.startsWith('node:')) top.push(r);
  }
  const domains = [...byRef.keys()].filter((r) => r.startsWith('domain:')).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));

  const out: string[] = [`${plan.lab}: strategy ${plan.strategy}, capabilities ${describeCapabilities(plan.capabilities)}, ${plan.objects.length} objects, ${plan.deviations.length} deviation${plan.deviations.length === 1 ? '' : 's'}`];
  const emit = (ref: Ref, label: string, depth: number) => {
    const pad = '  '.repeat(depth);
    out.push(`${pad}${label}`);
    const objs = byRef.get(ref) ?? [];
    for (const o of objs) {
      if (o.kind === 'nft' && o.filter) {
        const rules = o.filter.rules.filter((x) => x.realizes.includes(ref));
        for (const r of rules) out.push(`${pad}  nft ${o.family ?? 'ip'} ${o.table} in ${o.namespace}: ${r.chain} ${r.label} -> ${r.verdict}`);
        if (!rules.length) out.push(`${pad}  ${describe(o)}`);
      } else if (o.kind === 'nft') for (const rule of o.rules.filter((x) => x.realizes.includes(ref))) out.push(`${pad}  nft ${o.table} in ${o.namespace}: ${ruleText(rule)}`);
      else out.push(`${pad}  ${describe(o)}`);
    }
    if (objs.length === 0) {
      const devs = devByRef.get(ref);
      out.push(`${pad}  ${devs ? `(no object: see deviation ${[...new Set(devs)].join(', ')})` : '(no object)'}`);
    }
  };
  for (const n of design.nodes) {
    emit(`node:${n.name}`, `${n.kind} ${n.name}`, 0);
    for (const r of under.get(n.name) ?? []) emit(r, r.replace(/^([\w-]+):[^/]+\//, '$1 '), 1);
  }
  for (const r of top) {
    const l = design.links[Number(r.slice(5)) - 1];
    emit(r, l ? `link ${l.index} ${l.ends[0].node}:${l.ends[0].port} - ${l.ends[1].node}:${l.ends[1].port}` : r, 0);
  }
  for (const r of domains) emit(r, `broadcast domain ${r.slice(7)}`, 0);
  if (plan.deviations.length) {
    out.push('deviations (vnetmap plan --explain for details):');
    for (const d of plan.deviations) out.push(`  [${d.code}] ${d.message}`);
  }
  return out.join('\n') + '\n';
}
