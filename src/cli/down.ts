// vnetmap down LAB|FILE: remove everything the lab owns (by marker); idempotent.
import type { Command } from 'commander';
import { ProcessRunner } from '../exec/runner.js';
import { labFromArg } from '../apply/design.js';
import { destroyLab } from '../apply/destroy.js';
import { noteKernelCleanup } from './kernel-note.js';

export function register(program: Command): void {
  program
    .command('down')
    .description('remove a lab: its namespaces, links, OVS bridges and state (only objects carrying its marker)')
    .argument('<lab-or-file>', 'lab name, or the design file it was built from')
    .option('--lab <name>', 'lab name, when FILE was deployed with --lab')
    .option('--json', 'print a JSON summary')
    .action(async (arg: string, opts: { lab?: string; json?: boolean }) => {
      const done = noteKernelCleanup({ quiet: opts.json });
      const res = await destroyLab(labFromArg(arg, opts.lab), new ProcessRunner());
      done();
      if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else if (!res.namespaces && !res.rootLinks && !res.ovsBridges) process.stdout.write(`lab ${res.lab}: nothing to remove\n`);
      else process.stdout.write(`lab ${res.lab} removed: ${res.namespaces} namespaces, ${res.ovsBridges} OVS bridges (${res.ms} ms)\n`);
    });
}
