// The kernel engine's results in words: what `up`, `down` and `status` print for a kernel lab.
import type { UpResult } from '../../apply/apply.js';
import type { DownResult } from '../../apply/destroy.js';
import { formatLease } from '../../apply/leases.js';
import type { LabStatus } from '../../apply/status.js';
import { execFailure } from '../../apply/workloads.js';
import type { Plan } from '../../plan/types.js';
import { impairmentText } from '../../render/tc.js';
import type { Outcome } from '../engine.js';

export function upOutcome(plan: Plan, res: UpResult): Outcome {
  const text: string[] = [];
  if (res.action === 'unchanged') text.push(`lab ${res.lab} is up to date (nothing drifted from its plan)`);
  else if (res.action === 'repaired') text.push(`lab ${res.lab} repaired: ${res.repaired.length} object(s) that had drifted from the plan, ${res.commands} commands in ${res.ms} ms`);
  else text.push(`lab ${res.lab} ${res.action} (${plan.strategy}): ${res.namespaces} namespaces, ${res.rebuilt.length} (re)built, ${res.commands} commands in ${res.ms} ms`);
  if (res.leases) {
    const l = res.leases;
    text.push(`  dhcp: ${l.clients - l.missing.length} of ${l.clients} clients leased in ${l.ms} ms${l.missing.length ? `; no lease yet: ${l.missing.join(', ')} (see vnetmap status ${res.lab}, and the log in its daemon directory)` : ''}`);
  }
  for (const d of res.repaired) text.push(`  repaired: ${d.kind} ${d.object}: ${d.detail}`);
  for (const l of res.left) text.push(`  left alone: ${l.drift.object}: ${l.drift.detail} (${l.why})`);
  const detail = plan.deviations.map((d) => `  note: ${d.message}`);
  const failed = res.exec.filter((x) => x.code !== 0);
  if (res.exec.length) detail.push(`  exec: ${res.exec.length - failed.length} of ${res.exec.length} command(s) succeeded`);
  if (res.action === 'created' || res.action === 'updated') detail.push(`  try: vnetmap status ${res.lab} · vnetmap exec ${res.lab} NODE -- ping ... · vnetmap down ${res.lab}`);
  return { lab: res.lab, text, detail, errors: failed.map(execFailure), json: { ...res, strategy: plan.strategy, deviations: plan.deviations.map((d) => d.code) } };
}

export function downOutcome(res: DownResult): Outcome {
  const nothing = !res.namespaces && !res.rootLinks && !res.ovsBridges;
  return { lab: res.lab, text: [nothing ? `lab ${res.lab}: nothing to remove` : `lab ${res.lab} removed: ${res.namespaces} namespaces, ${res.ovsBridges} OVS bridges (${res.ms} ms)`], json: res };
}

/** One line per lab, or (detail) the lab's namespaces, interfaces, daemons, leases and drift. */
export function statusText(s: LabStatus, detail: boolean): string {
  const cut = s.cuts?.length ? `, ${s.cuts.length} link${s.cuts.length > 1 ? 's' : ''} down` : '';
  const head = `${s.lab}: ${s.running ? `up (${s.strategy}, since ${s.appliedAt})` : 'no state (crashed or removed)'}, ${s.namespaces.filter((n) => n.exists).length} namespaces${cut}, ${s.drift.length ? `${s.drift.length} drift` : 'no drift'}`;
  if (!detail) return head;
  const out = [head];
  if (s.designFile) out.push(`  design: ${s.designFile}`);
  for (const n of s.namespaces) {
    out.push(`  ${n.name}${n.node ? ` (${n.role} ${n.node})` : n.role ? ` (${n.role})` : ''}${n.exists ? '' : ' MISSING'}`);
    for (const l of n.interfaces) if (l.name !== 'lo') out.push(`    ${l.name.padEnd(10)} ${l.up ? 'up  ' : 'down'} ${l.master ? `master ${l.master} ` : ''}${l.addresses.join(' ')}`);
  }
  if (s.ovsBridges.length) out.push(`  ovs bridges: ${s.ovsBridges.join(' ')}`);
  for (const c of s.cuts ?? []) out.push(`  link down: ${c.end} (${c.ref}, ${c.namespace ?? '(root)'}/${c.dev}) since ${c.at}; "vnetmap link ${s.lab} ${c.end} up" brings it back`);
  for (const i of s.impairments ?? []) out.push(`  impaired: ${i.end} (${i.namespace ?? '(root)'}/${i.dev}): ${impairmentText(i.impairment)} (tc ${i.qdisc})`);
  for (const d of s.daemons ?? []) out.push(`  daemon ${d.name} (${d.realizes.join(', ')}): ${d.running ? `running, pid ${d.pid}` : 'NOT RUNNING'}; ${d.argv.join(' ')}; log ${d.log}`);
  for (const l of s.leases ?? []) out.push(`  ${formatLease(l)}`);
  for (const d of s.drift) out.push(`  drift: ${d.kind} ${d.object}: ${d.detail}`);
  return out.join('\n');
}
