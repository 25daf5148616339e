// vnetmap up [FILE]: build (or update) the twin of a design on this machine.
import { Option, type Command } from 'commander';
import { isQuiet, note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { formatProblems } from '../model/format.js';
import { execFailure } from '../apply/workloads.js';
import { applyPlan } from '../apply/apply.js';
import { noteKernelCleanup } from './kernel-note.js';
import { defaultDesign, planFromFile } from '../apply/design.js';
import { renderScript } from '../render/script.js';
import { requireRoot } from '../apply/root.js';
import { designHere } from './find-design.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions } from '../engines/index.js';
import { ovnEngine } from '../engines/ovn/index.js';
import { ovnPlanFromFile } from '../engines/ovn/plan-file.js';
import { readState } from '../apply/state.js';
import { UserError } from '../errors.js';

/** `up --engine ovn`: the OVN engine's plan, built and reported through the engine interface. */
async function upOvnCli(file: string, opts: UpOpts, runner: ProcessRunner): Promise<void> {
  const { plan, warnings, designFile } = await ovnPlanFromFile(file, opts, runner);
  if (opts.script && plan.inventory) throw new UserError('--script builds a twin on this machine; with --inventory each machine builds its own part ("vnetmap chassis join"), so there is no one script: leave out --script.');
  if (opts.script) {
    process.stdout.write(ovnEngine.script(plan));
    return;
  }
  if (warnings.length && !opts.json) note(formatProblems(warnings));
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (plan.inventory && !opts.json) {
      const c = plan.inventory.central;
      note(`vnetmap: lab ${plan.lab} over ${plan.chassis.length} machines; on each, run: vnetmap chassis join --central ${c.address}:${c.nbPort} --lab ${plan.lab} --name NAME  (NAME: ${plan.chassis.map((x) => x.name).join(', ')})`);
    }
    const timeout = opts.joinTimeout === undefined ? undefined : Number(opts.joinTimeout) * 1000;
    if (timeout !== undefined && !(timeout > 0)) throw new UserError(`--join-timeout ${opts.joinTimeout}: give a number of seconds.`);
    const res = await ovnEngine.up(plan, runner, {
      designFile,
      force: !!opts.force,
      wait: opts.wait !== false,
      onWait: (m) => note(`vnetmap: ${m}`),
      signal: abort.signal,
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      ...(opts.json ? {} : { onProgress: (done: number, total: number, why: string) => note(`vnetmap: [${done}/${total} joined] ${why}`) }),
    });
    process.stdout.write(opts.json ? JSON.stringify(res.json, null, 2) + '\n' : res.text.join('\n') + '\n');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

interface UpOpts {
  lab?: string;
  strategy?: string;
  macvlanMode?: string;
  capabilities?: string;
  vms?: string;
  json?: boolean;
  script?: boolean;
  force?: boolean;
  wait?: boolean;
  engine?: string;
  chassis?: string;
  inventory?: string;
  joinTimeout?: string;
}

export function register(program: Command): void {
  program
    .command('up')
    .description("build the virtual twin of a design (default: this directory's, else the packaged example); on a running lab, apply what changed and repair what drifted")
    .argument('[file]', "design file (YAML); default: this directory's (vnetmap.yaml, or its one *.vnetmap.yaml), else the packaged example network-a")
    .option('--lab <name>', 'lab name (default: the design name); prefixes every object')
    .option('--strategy <s>', 'faithful | compact | ovs | macvtap (default: the design mapping)')
    .option('--macvlan-mode <m>', 'bridge | vepa | private | passthru (macvtap strategy)')
    .option('--capabilities <c>', 'probe (default) | full | minimal | no-ovs')
    .option('--vms <how>', 'netns (default): VMs as namespaces; qemu: TAP/macvtap devices for real guests')
    .option('--json', 'no progress; print a JSON summary')
    .option('--script', 'print a standalone bash script (up|down) instead of building')
    .option('--force', 'replace a running lab of the same name that was built from another design file')
    .option('--no-wait', 'refuse at once (exit 75) when another vnetmap run holds the lab, instead of waiting for it')
    .addOption(new Option('--engine <e>', 'kernel (default): Linux objects on this machine; ovn: OVN logical switches and routers over chassis').choices([...ENGINES]))
    .option('--chassis <n>', 'with --engine ovn: how many chassis to simulate on this machine (default 2)')
    .option('--inventory <file>', 'with --engine ovn: the machines the chassis run on (each joins with "vnetmap chassis join"); the central part runs here')
    .option('--join-timeout <seconds>', 'with --inventory: how long to wait for every machine to join and its ports to come up (default 300)')
    .action(async (file: string | undefined, opts: UpOpts) => {
      if (!opts.script) requireRoot('building a twin ("vnetmap up")');
      const runner = new ProcessRunner();
      checkEngineOptions(opts);
      // No file named: this directory's design, else the packaged example — said, never silent.
      const here = file ?? designHere();
      if (here === undefined && !opts.json) note(`vnetmap: no design named and none in this directory (vnetmap.yaml, or one *.vnetmap.yaml); building the packaged example ${defaultDesign()}`);
      if (opts.engine === 'ovn') return upOvnCli(here ?? defaultDesign(), opts, runner);
      const done = noteKernelCleanup({ quiet: opts.json || opts.script, clearLine: !opts.json && process.stderr.isTTY });
      const { plan, warnings, designFile } = await planFromFile(here ?? defaultDesign(), opts, runner);
      // A running OVN lab of this name is the OVN engine's to update or repair, not the kernel's.
      if (!opts.script && readState(plan.lab)?.engine === 'ovn') {
        if (!opts.force) throw new UserError(`lab "${plan.lab}" runs on the OVN engine; add --engine ovn to update or repair it, or replace it with --force.`);
        await ovnEngine.down(plan.lab, runner, { wait: opts.wait !== false });
      }
      if (opts.script) {
        done();
        process.stdout.write(renderScript(plan));
        return;
      }
      if (warnings.length && !opts.json) note(formatProblems(warnings));
      const tty = !opts.json && process.stderr.isTTY && !isQuiet();
      // Ctrl-C / SIGTERM: finish the running command, then remove what was built (not half a lab).
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const res = await applyPlan(plan, runner, {
        designFile,
        signal: abort.signal,
        force: !!opts.force,
        wait: opts.wait !== false,
        onWait: (m) => note(`vnetmap: ${m}`),
        ...(tty ? { onProgress: (d: number, t: number, why: string) => process.stderr.write(`\r\x1b[K[${d}/${t}] ${why.slice(0, 70)}`) } : {}),
      });
      done();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (tty) process.stderr.write('\r\x1b[K');
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ...res, strategy: plan.strategy, deviations: plan.deviations.map((d) => d.code) }, null, 2) + '\n');
        return;
      }
      if (res.action === 'unchanged') process.stdout.write(`lab ${res.lab} is up to date (nothing drifted from its plan)\n`);
      else if (res.action === 'repaired') process.stdout.write(`lab ${res.lab} repaired: ${res.repaired.length} object(s) that had drifted from the plan, ${res.commands} commands in ${res.ms} ms\n`);
      else process.stdout.write(`lab ${res.lab} ${res.action} (${plan.strategy}): ${res.namespaces} namespaces, ${res.rebuilt.length} (re)built, ${res.commands} commands in ${res.ms} ms\n`);
      if (res.leases) {
        const l = res.leases;
        process.stdout.write(`  dhcp: ${l.clients - l.missing.length} of ${l.clients} clients leased in ${l.ms} ms${l.missing.length ? `; no lease yet: ${l.missing.join(', ')} (see vnetmap status ${res.lab}, and the log in its daemon directory)` : ''}\n`);
      }
      for (const d of res.repaired) process.stdout.write(`  repaired: ${d.kind} ${d.object}: ${d.detail}\n`);
      for (const l of res.left) process.stdout.write(`  left alone: ${l.drift.object}: ${l.drift.detail} (${l.why})\n`);
      if (!isQuiet()) for (const d of plan.deviations) process.stdout.write(`  note: ${d.message}\n`);
      const failed = res.exec.filter((x) => x.code !== 0);
      if (res.exec.length && !isQuiet()) process.stdout.write(`  exec: ${res.exec.length - failed.length} of ${res.exec.length} command(s) succeeded\n`);
      for (const x of failed) process.stderr.write(`vnetmap: ${execFailure(x)}\n`);
      if (failed.length) process.exitCode = 1;
      if ((res.action === 'created' || res.action === 'updated') && !isQuiet()) process.stdout.write(`  try: vnetmap status ${res.lab} · vnetmap exec ${res.lab} NODE -- ping ... · vnetmap down ${res.lab}\n`);
    });
}
