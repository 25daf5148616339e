// vnetmap status [LAB] [--json]: running labs; for one lab its namespaces, addresses and drift.
import type { Command } from 'commander';
import { note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { labFromArg } from '../apply/design.js';
import { listLabs, readState } from '../apply/state.js';
import { labStatus, type LabStatus } from '../apply/status.js';
import { formatLease } from '../apply/leases.js';
import { readMember } from '../engines/ovn/chassis/member.js';
import { formatMemberStatus, memberStatus } from '../engines/ovn/chassis/status.js';
import { withLabLock } from '../apply/lock.js';
import { requireRoot } from '../apply/root.js';
import { impairmentText } from '../render/tc.js';
import { engineOfLab } from '../engines/index.js';
import { ovnEngine } from '../engines/ovn/index.js';

function show(s: LabStatus, detail: boolean): string {
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

export function register(program: Command): void {
  program
    .command('status')
    .description('show running labs, or one lab in detail with drift from its plan (exit 1 on drift)')
    .argument('[lab-or-file]', 'lab name or design file')
    .option('--json', 'machine-readable output')
    .option('--no-wait', 'refuse at once (exit 75) while another vnetmap run changes the lab, instead of waiting for it')
    .action(async (arg: string | undefined, opts: { json?: boolean; wait?: boolean }) => {
      const runner = new ProcessRunner();
      const labs = arg ? [labFromArg(arg)] : listLabs();
      requireRoot('looking inside a lab ("vnetmap status")');
      // While up or down changes a lab, its status would be half of each: wait for them (a
      // shared lock: several status runs go together).
      const lockOpts = { what: 'status', shared: true, wait: opts.wait !== false, onWait: (m: string) => note(`vnetmap: ${m}`) };
      // Each lab as its engine reports it: an OVN lab's chassis and daemons, a kernel lab's drift.
      const all = await Promise.all(
        labs.map((l) =>
          withLabLock(l, lockOpts, async () => {
            // A machine that joined an inventory lab (and does not run its central): its own part.
            if (readMember(l) && !readState(l)) {
              const m = await memberStatus(l);
              return { lab: l, ok: m.healthy, text: (detail: boolean) => (detail ? formatMemberStatus(m) : formatMemberStatus(m).split('\n')[0]!), json: m };
            }
            if (engineOfLab(l) === 'ovn') return ovnEngine.status(l, runner);
            const s = await labStatus(l, runner);
            return { lab: l, ok: s.running && !s.drift.length, text: (detail: boolean) => show(s, detail), json: s };
          }),
        ),
      );
      if (opts.json) process.stdout.write(JSON.stringify(arg ? all[0]!.json : all.map((s) => s.json), null, 2) + '\n');
      else if (!all.length) process.stdout.write('no labs running\n');
      else process.stdout.write(all.map((s) => s.text(!!arg)).join('\n') + '\n');
      if (arg && all[0] && !all[0].ok) process.exitCode = 1;
    });
}
