// vnetmap down LAB|FILE: remove everything the lab owns (by marker); idempotent.
import type { Command } from 'commander';
import { ProcessRunner } from '../exec/runner.js';
import { labFromArg } from '../apply/design.js';
import { destroyLab } from '../apply/destroy.js';
import { noteKernelCleanup } from './kernel-note.js';
import { requireRoot } from '../apply/root.js';
import { engineOfLab } from '../engines/index.js';
import { ovnEngine } from '../engines/ovn/index.js';

export function register(program: Command): void {
  program
    .command('down')
    .description('remove a lab: its namespaces, links, OVS bridges and state (only objects carrying its marker)')
    .argument('<lab-or-file>', 'lab name, or the design file it was built from')
    .option('--lab <name>', 'lab name, when FILE was deployed with --lab')
    .option('--json', 'print a JSON summary')
    .option('--no-wait', 'refuse at once (exit 75) when another vnetmap run holds the lab, instead of waiting for it')
    .action(async (arg: string, opts: { lab?: string; json?: boolean; wait?: boolean }) => {
      const lab = labFromArg(arg, opts.lab);
      requireRoot('removing a lab ("vnetmap down")');
      const done = noteKernelCleanup({ quiet: opts.json });
      // Ctrl-C while waiting for another run of the lab stops the wait; once removal has
      // begun it runs to the end (half a lab is worse than none).
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      if (engineOfLab(lab) === 'ovn') {
        const out = await ovnEngine.down(lab, new ProcessRunner(), { wait: opts.wait !== false, onWait: (m) => process.stderr.write(`vnetmap: ${m}\n`), signal: abort.signal }).finally(() => process.off('SIGINT', stop));
        done();
        process.stdout.write(opts.json ? JSON.stringify(out.json, null, 2) + '\n' : out.text.join('\n') + '\n');
        return;
      }
      const res = await destroyLab(lab, new ProcessRunner(), { wait: opts.wait !== false, onWait: (m) => process.stderr.write(`vnetmap: ${m}\n`), signal: abort.signal }).finally(() => process.off('SIGINT', stop));
      done();
      if (opts.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
      else if (!res.namespaces && !res.rootLinks && !res.ovsBridges) process.stdout.write(`lab ${res.lab}: nothing to remove\n`);
      else process.stdout.write(`lab ${res.lab} removed: ${res.namespaces} namespaces, ${res.ovsBridges} OVS bridges (${res.ms} ms)\n`);
    });
}
