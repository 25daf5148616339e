// vnetmap plan FILE: compile a design into the plan of its twin (the kernel engine's Linux
// objects, or the OVN engine's logical network) and show it as a table (default), the
// compiler's reasons (--explain), JSON (--json) or a bash script (--script). Compiling is pure; only the default capability probe touches the host.
import { Command, Option } from 'commander';
import { probeCapabilities } from '../apply/probe.js';
import { UserError } from '../errors.js';
import { ProcessRunner } from '../exec/runner.js';
import { MACVLAN_MODES, STRATEGIES, type MacvlanMode, type Strategy } from '../model/limits.js';
import { loadDesignFile } from '../model/load.js';
import { PRESETS, PRESET_NAMES } from '../plan/capabilities.js';
import { designArg } from './find-design.js';
import type { Capabilities } from '../plan/types.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions, engineNamed } from '../engines/index.js';
import { DEFAULT_CHASSIS } from '../engines/ovn/plan/compile.js';

interface Opts {
  strategy?: Strategy;
  macvlanMode?: MacvlanMode;
  capabilities: string;
  vms: 'netns' | 'qemu';
  explain?: boolean;
  json?: boolean;
  script?: boolean;
  engine: string;
  chassis?: string;
  inventory?: string;
}

/** A preset by name, or what this machine can do ("probe"; falls back to "full" when it cannot probe). */
export async function resolveCapabilities(name: string): Promise<Capabilities> {
  if (name !== 'probe') {
    const p = PRESETS[name];
    if (!p) throw new UserError(`unknown capabilities "${name}"; use probe or one of: ${PRESET_NAMES.join(', ')}.`);
    return p;
  }
  try {
    return await probeCapabilities(new ProcessRunner());
  } catch (e) {
    process.stderr.write(`vnetmap: cannot probe this kernel (${e instanceof Error ? e.message : String(e)}); planning for --capabilities full.\n`);
    return PRESETS.full!;
  }
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('compile a design into the Linux objects of its twin, each with the design element it realises')
    .argument('[file]', "design file (YAML); default: this directory's")
    .addOption(new Option('--strategy <s>', 'mapping strategy (default: the design\'s mapping.strategy)').choices([...STRATEGIES]))
    .addOption(new Option('--macvlan-mode <m>', 'macvtap strategy: mode for every server').choices([...MACVLAN_MODES]))
    .option('--capabilities <c>', `probe this kernel, or plan for a preset: ${PRESET_NAMES.join(', ')}`, 'probe')
    .addOption(new Option('--vms <how>', 'VMs as namespaces, or TAP/macvtap devices for real QEMU guests').choices(['netns', 'qemu']).default('netns'))
    .option('--explain', 'say why: capability choices and deviations from the design')
    .option('--json', 'print the plan as JSON')
    .option('--script', 'print a bash script that builds (up) and removes (down) the twin')
    .addOption(new Option('--engine <e>', 'kernel: Linux objects on this machine; ovn: OVN logical switches and routers over chassis').choices([...ENGINES]).default('kernel'))
    .option('--chassis <n>', `with --engine ovn: how many chassis to simulate (default ${DEFAULT_CHASSIS})`)
    .option('--inventory <file>', 'with --engine ovn: the machines the chassis run on (docs/ovn-inventory.md)')
    // main() sets exitOverride on the program after commands are registered, which subcommands
    // do not inherit: without this a bad option value would exit(1) instead of reaching report().
    .exitOverride()
    .action(async (given: string | undefined, opts: Opts) => {
      const file = designArg(given, 'plan');
      const loaded = loadDesignFile(file);
      if (!loaded.design) throw new UserError(`${file} has ${loaded.errors.length} error(s); fix them first (vnetmap validate ${file}).`, loaded.errors);
      checkEngineOptions(opts);
      const engine = engineNamed(opts.engine);
      const capabilities = await resolveCapabilities(opts.capabilities);
      const plan = engine.compile(loaded.design, engine.request(loaded.design, capabilities, opts));
      if (opts.json) process.stdout.write(JSON.stringify(engine.json(plan), null, 2) + '\n');
      else if (opts.script) process.stdout.write(engine.script(plan));
      else if (opts.explain) process.stdout.write(engine.explain(plan, loaded.design));
      else process.stdout.write(engine.table(loaded.design, plan));
      process.exitCode = 0;
    });
}
