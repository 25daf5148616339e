// vnetmap status [LAB] [--json]: running labs; for one lab its namespaces, addresses and drift.
import type { Command } from 'commander';
import { note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { labFromArg } from '../apply/design.js';
import { listLabs, readState } from '../apply/state.js';
import { readMember } from '../engines/ovn/chassis/member.js';
import { formatMemberStatus, memberStatus } from '../engines/ovn/chassis/status.js';
import { withLabLock } from '../apply/lock.js';
import { requireRoot } from '../apply/root.js';
import { engineNamed, engineOfLab } from '../engines/index.js';

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
            return engineNamed(engineOfLab(l)).status(l, runner);
          }),
        ),
      );
      if (opts.json) process.stdout.write(JSON.stringify(arg ? all[0]!.json : all.map((s) => s.json), null, 2) + '\n');
      else if (!all.length) process.stdout.write('no labs running\n');
      else process.stdout.write(all.map((s) => s.text(!!arg)).join('\n') + '\n');
      if (arg && all[0] && !all[0].ok) process.exitCode = 1;
    });
}
