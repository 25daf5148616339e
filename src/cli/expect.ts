// vnetmap expect FILE [--strategy S] [--capabilities P] [--json]: the broadcast domains and the
// reachability the design promises, offline; with --strategy also the prediction for the twin
// `up` would build here (capabilities probed like `up`, unless a preset is named) and every
// difference no deviation explains (exit 1 when there is one).
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { MACVLAN_MODES, STRATEGIES, type MacvlanMode, type Strategy } from '../model/limits.js';
import { loadDesignFile } from '../model/load.js';
import type { Design } from '../model/types.js';
import { PRESET_NAMES } from '../plan/capabilities.js';
import { compile } from '../plan/compile.js';
import { predict } from '../semantics/prediction.js';
import { designWithCuts, planWithCuts, type Cut } from '../semantics/cuts.js';
import { findLinkEnd } from '../apply/link.js';
import type { Plan } from '../plan/types.js';
import { designArg } from './find-design.js';
import { resolveCapabilities } from './plan.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions } from '../engines/index.js';
import { ovnEngine } from '../engines/ovn/index.js';
import { chassisCount } from '../engines/ovn/plan-file.js';

export function register(program: Command): void {
  program
    .command('expect')
    .description('print the broadcast domains and reachability a design promises (offline); with --strategy, check the twin would keep them')
    .argument('[file]', "design file (YAML); default: this directory's")
    .option('--strategy <strategy>', `also predict the twin built with this strategy (${STRATEGIES.join(', ')})`)
    .option('--macvlan-mode <mode>', `with --strategy macvtap: ${MACVLAN_MODES.join(' | ')}`)
    .option('--capabilities <c>', `with --strategy: probe this kernel (default, as up does), or plan for a preset: ${PRESET_NAMES.join(', ')}`, 'probe')
    .option('--down <end...>', 'expect what happens with these link ends (NODE:PORT) set down, as "vnetmap link LAB NODE:PORT down" does')
    .option('--json', 'print JSON instead of text')
    .option('--engine <e>', `also predict the twin built by this engine (${ENGINES.join(', ')}); ovn: OVN logical switches and routers over chassis`)
    .option('--chassis <n>', 'with --engine ovn: how many chassis to simulate')
    .action(async (given: string | undefined, opts: { strategy?: string; macvlanMode?: string; capabilities: string; json?: boolean; engine?: string; chassis?: string; down?: string[] }) => {
      const d = loadOrThrow(designArg(given, 'expect'));
      if (opts.down?.length && opts.engine === 'ovn') throw new UserError('--down follows cuts in the kernel engine\'s twin; leave out --engine ovn.');
      if (opts.engine !== undefined && !(ENGINES as readonly string[]).includes(opts.engine)) throw new UserError(`unknown engine "${opts.engine}"; use ${ENGINES.join(' or ')}.`);
      checkEngineOptions(opts);
      if (opts.engine === 'ovn') {
        const plan = ovnEngine.compile(d, { capabilities: await resolveCapabilities(opts.capabilities), chassis: chassisCount(opts.chassis) });
        const p = predict(d, undefined, ovnEngine.twin(d, plan));
        process.stdout.write(opts.json ? JSON.stringify(p.json, null, 2) + '\n' : p.text);
        process.exitCode = p.bugs.length ? 1 : 0;
        return;
      }
      let plan;
      if (opts.strategy !== undefined) {
        if (!(STRATEGIES as readonly string[]).includes(opts.strategy)) throw new UserError(`unknown strategy "${opts.strategy}"; use one of ${STRATEGIES.join(', ')}.`);
        const caps = await resolveCapabilities(opts.capabilities);
        const mode = opts.macvlanMode;
        if (mode !== undefined && !(MACVLAN_MODES as readonly string[]).includes(mode)) throw new UserError(`unknown macvlan mode "${mode}"; use one of ${MACVLAN_MODES.join(', ')}.`);
        plan = compile(d, { strategy: opts.strategy as Strategy, capabilities: caps, ...(mode ? { macvlanMode: mode as MacvlanMode } : {}) });
      }
      const p = predict(...withCuts(d, plan, opts.down ?? []));
      process.stdout.write(opts.json ? JSON.stringify(p.json, null, 2) + '\n' : p.text);
      process.exitCode = p.bugs.length ? 1 : 0;
    });
}

/** The design and plan as they behave with the link ends `down` set down (semantics/cuts.ts). */
function withCuts(d: Design, plan: Plan | undefined, down: string[]): [Design, Plan | undefined] {
  if (!down.length) return [d, plan];
  const cuts: Cut[] = down.map((spec) => {
    const e = plan ? findLinkEnd(d, plan, spec) : designEnd(d, spec);
    return { ref: e.ref, end: e.end, namespace: e.namespace, dev: e.dev, ...(e.peer ? { peer: e.peer } : {}), at: '' };
  });
  return [designWithCuts(d, cuts), plan ? planWithCuts(plan, cuts) : undefined];
}

/** A link end of the design alone (no twin device). */
function designEnd(d: Design, spec: string): { ref: string; end: string; namespace: null; dev: string; peer?: undefined } {
  const [node, port] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  const l = d.links.find((x) => x.ends.some((e) => e.node === node && e.port === port));
  if (!l || !node) throw new UserError(`--down ${spec}: no link of the design has this end; write NODE:PORT as in its links.`);
  return { ref: `link:${l.index}`, end: spec, namespace: null, dev: port };
}

/** The design, or a UserError carrying every problem at file:line. */
export function loadOrThrow(file: string): Design {
  const r = loadDesignFile(file);
  if (!r.design) throw new UserError(`${file} is not a valid design; fix the errors above (vnetmap validate ${file}).`, r.errors);
  return r.design;
}
