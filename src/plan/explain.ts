// `vnetmap plan --explain`: the compiler's capability-driven choices and every way the twin
// departs from the real network, as sentences. Given the design, it also compares the two
// (semantics/compare.ts): "Deviations: none" is said only when the comparison finds no
// difference, and a difference no deviation explains is shown as the mapping bug it is.
import type { Design } from '../model/types.js';
import { compare, type Difference } from '../semantics/compare.js';
import { describeCapabilities } from './capabilities.js';
import type { Plan } from './types.js';

/** Lists at most this many unexplained differences; the count says how many there are. */
const MAX_BUGS = 50;

export function explainPlan(plan: Plan, design?: Design): string {
  const out: string[] = [`${plan.lab} under strategy ${plan.strategy}, for capabilities ${describeCapabilities(plan.capabilities)}.`];
  const counts = new Map<string, number>();
  for (const o of plan.objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  out.push(`It builds ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing'}.`);
  out.push('');
  if (plan.choices.length === 0) out.push('Choices: none; nothing in this design depends on what the kernel can do.');
  else {
    out.push('Choices:');
    for (const c of plan.choices) out.push(`- ${c.feature}: ${c.chosen}, because ${c.why}`);
  }
  out.push('');
  const cmp = design ? compare(design, plan) : undefined;
  if (plan.deviations.length === 0) {
    if (!cmp) out.push('Deviations: none declared (not compared with the design).');
    else if (cmp.differences.length === 0) out.push('Deviations: none; compared with the design, every broadcast domain, round trip and port forward is the same.');
    else out.push('Deviations: none declared.');
  } else {
    out.push('Deviations:');
    for (const d of plan.deviations) {
      out.push(`- [${d.code}] ${d.message}`);
      for (const a of d.affects ?? []) {
        const what = [a.l2 !== undefined ? (a.l2 ? 'share a broadcast domain' : 'no longer share a broadcast domain') : '', a.reach !== undefined ? (a.reach ? 'can reach each other' : 'cannot reach each other') : ''].filter(Boolean).join(' and ');
        out.push(`    ${a.from} and ${a.to}: ${what || 'changed'}`);
      }
    }
  }
  if (cmp && (plan.deviations.length || cmp.differences.length)) out.push('', ...comparison(cmp.differences, cmp.bugs));
  return out.join('\n') + '\n';
}

/** The comparison with the design in sentences (also the OVN engine's explanation). */
export function comparison(all: Difference[], bugs: Difference[]): string[] {
  if (!all.length) return ['Compared with the design: every broadcast domain, round trip and port forward is the same.'];
  const explained = all.length - bugs.length;
  const head = `Compared with the design: ${all.length} difference${all.length === 1 ? '' : 's'}, ${explained} explained by the deviations above`;
  if (!bugs.length) return [`${head}.`];
  const out = [`${head}, ${bugs.length} not (mapping bugs: the twin departs from the design where no deviation says so):`];
  for (const x of bugs.slice(0, MAX_BUGS)) {
    const what = x.kind === 'l2' ? 'same broadcast domain' : x.kind === 'reach' ? 'reaches' : x.kind === 'tcp' ? 'TCP lands' : 'endpoint exists';
    out.push(`- MAPPING BUG: ${x.from} -> ${x.to}: ${what}: design ${x.design ? 'yes' : 'no'}, twin ${x.plan ? 'yes' : 'no'}${x.detail ? ` (${x.detail})` : ''}`);
  }
  if (bugs.length > MAX_BUGS) out.push(`- ... ${bugs.length - MAX_BUGS} more`);
  return out;
}
