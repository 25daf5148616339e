// `vnetmap plan --explain`: the compiler's capability-driven choices and every way the twin
// departs from the real network, as sentences.
import { describeCapabilities } from './capabilities.js';
import type { Plan } from './types.js';

export function explainPlan(plan: Plan): string {
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
  if (plan.deviations.length === 0) out.push('Deviations: none; the twin matches the design element for element.');
  else {
    out.push('Deviations:');
    for (const d of plan.deviations) {
      out.push(`- [${d.code}] ${d.message}`);
      for (const a of d.affects ?? []) {
        const what = [a.l2 !== undefined ? (a.l2 ? 'share a broadcast domain' : 'no longer share a broadcast domain') : '', a.reach !== undefined ? (a.reach ? 'can reach each other' : 'cannot reach each other') : ''].filter(Boolean).join(' and ');
        out.push(`    ${a.from} and ${a.to}: ${what || 'changed'}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
