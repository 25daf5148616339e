// vnetmap down LAB|FILE | --all: remove everything the lab owns (by marker); idempotent.
import type { Command } from 'commander';
import { note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { labFromArg } from '../apply/design.js';
import { listLabs, readState } from '../apply/state.js';
import { readMember } from '../engines/ovn/chassis/member.js';
import { leaveChassis } from '../engines/ovn/chassis/leave.js';
import { UserError } from '../errors.js';
import { noteKernelCleanup } from './kernel-note.js';
import { designHere } from './find-design.js';
import { requireRoot } from '../apply/root.js';
import { engineNamed, engineOfLab } from '../engines/index.js';

interface Opts {
  lab?: string;
  json?: boolean;
  wait?: boolean;
  all?: boolean;
}

export function register(program: Command): void {
  program
    .command('down')
    .description('remove a lab: its namespaces, links, OVS bridges, daemons and state (only objects carrying its marker)')
    .argument('[lab-or-file]', "lab name, or the design file it was built from (default: this directory's design)")
    .option('--lab <name>', 'lab name, when FILE was deployed with --lab')
    .option('--all', 'remove every lab vnetmap runs on this machine')
    .option('--json', 'print a JSON summary')
    .option('--no-wait', 'refuse at once (exit 75) when another vnetmap run holds the lab, instead of waiting for it')
    .action(async (arg: string | undefined, opts: Opts) => {
      if (opts.all && (arg !== undefined || opts.lab)) throw new UserError('--all removes every lab; name none with it.');
      const labs = opts.all ? listLabs() : [labFromArg(arg ?? designOrSay(), opts.lab)];
      requireRoot('removing a lab ("vnetmap down")');
      const done = noteKernelCleanup({ quiet: opts.json });
      // Ctrl-C while waiting for another run of a lab stops the wait; once removal has begun it
      // runs to the end (half a lab is worse than none).
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      const results: { json: unknown; text: string }[] = [];
      const lockOpts = { wait: opts.wait !== false, onWait: (m: string) => note(`vnetmap: ${m}`), signal: abort.signal };
      try {
        for (const lab of labs) {
          // A machine that joined the lab as a chassis: its own part goes (and the central's, if it runs here too).
          const member = readMember(lab);
          if (member) {
            const r = await leaveChassis(lab, new ProcessRunner(), opts.wait !== false);
            results.push({ json: r, text: `${r.name} left lab ${lab}: ${r.daemons} daemons, ${r.namespaces} namespaces removed (${r.ms} ms)` });
            if (!readState(lab)) continue;
          }
          const out = await engineNamed(engineOfLab(lab)).down(lab, new ProcessRunner(), lockOpts);
          results.push({ json: out.json, text: out.text.join('\n') });
        }
      } finally {
        process.off('SIGINT', stop);
        done();
      }
      if (opts.json) process.stdout.write(JSON.stringify(opts.all ? results.map((r) => r.json) : results[0]!.json, null, 2) + '\n');
      else if (opts.all && !results.length) process.stdout.write('no labs to remove\n');
      else for (const r of results) process.stdout.write(`${r.text}\n`);
    });
}

function designOrSay(): string {
  const here = designHere();
  if (here) return here;
  throw new UserError('which lab? run "vnetmap down LAB" (or FILE, or --all); "vnetmap status" lists the running labs.');
}
