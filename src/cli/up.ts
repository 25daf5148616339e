// vnetmap up [FILE]: build (or update) the twin of a design on this machine, with the engine
// chosen (--engine; the kernel's by default), through the Engine interface.
import { Option, type Command } from 'commander';
import { isQuiet, note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { formatProblems } from '../model/format.js';
import { noteKernelCleanup } from './kernel-note.js';
import { defaultDesign } from '../apply/design.js';
import { requireRoot } from '../apply/root.js';
import { designHere } from './find-design.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions, engineNamed, planFromDesignFile } from '../engines/index.js';
import { UserError } from '../errors.js';

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
      const engine = engineNamed(opts.engine);
      const done = noteKernelCleanup({ quiet: opts.json || opts.script, clearLine: !opts.json && process.stderr.isTTY });
      const timeout = opts.joinTimeout === undefined ? undefined : Number(opts.joinTimeout) * 1000;
      if (timeout !== undefined && !(timeout > 0)) throw new UserError(`--join-timeout ${opts.joinTimeout}: give a number of seconds.`);
      const { plan, warnings, designFile } = await planFromDesignFile(engine, here ?? defaultDesign(), opts, runner);
      if (opts.script) {
        done();
        process.stdout.write(engine.script(plan));
        return;
      }
      if (warnings.length && !opts.json) note(formatProblems(warnings));
      const tty = !opts.json && process.stderr.isTTY && !isQuiet();
      // Ctrl-C / SIGTERM: finish the running command, then remove what was built (not half a lab).
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let res;
      try {
        res = await engine.up(plan, runner, {
          designFile,
          signal: abort.signal,
          force: !!opts.force,
          wait: opts.wait !== false,
          onWait: (m) => note(`vnetmap: ${m}`),
          ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
          // A note goes on a line of its own, not after the progress line.
          ...(opts.json ? {} : { onNote: (m: string) => note(`${tty ? '\r\x1b[K' : ''}vnetmap: ${m}`) }),
          ...(tty ? { onProgress: (d: number, t: number, why: string) => process.stderr.write(`\r\x1b[K[${d}/${t}] ${why.slice(0, 70)}`) } : {}),
        });
      } finally {
        done();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        if (tty) process.stderr.write('\r\x1b[K');
      }
      if (opts.json) process.stdout.write(JSON.stringify(res.json, null, 2) + '\n');
      else process.stdout.write([...res.text, ...(isQuiet() ? [] : (res.detail ?? []))].map((l) => `${l}\n`).join(''));
      for (const e of res.errors ?? []) process.stderr.write(`vnetmap: ${e}\n`);
      if (res.errors?.length) process.exitCode = 1;
    });
}
