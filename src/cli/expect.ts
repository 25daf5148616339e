// vnetmap expect FILE [--strategy S] [--capabilities P] [--json]: the broadcast domains and the
// reachability the design promises, offline; with --strategy also the prediction for the twin
// `up` would build here (capabilities probed like `up`, unless a preset is named) and every
// difference no deviation explains (exit 1 when there is one).
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { MACVLAN_MODES, STRATEGIES } from '../model/limits.js';
import { loadDesignFile } from '../model/load.js';
import type { Design } from '../model/types.js';
import { PRESET_NAMES } from '../plan/capabilities.js';
import { predict } from '../semantics/prediction.js';
import { designWithCuts, type Cut } from '../semantics/cuts.js';
import { findLinkEnd } from '../apply/link.js';
import { designArg } from './find-design.js';
import { resolveCapabilities } from './plan.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions, engineNamed } from '../engines/index.js';

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
      checkEngineOptions(opts);
      // The twin is predicted when an engine or a strategy is named (a strategy is the kernel engine's).
      const engine = opts.engine !== undefined || opts.strategy !== undefined ? engineNamed(opts.engine) : undefined;
      if (opts.down?.length && engine && !engine.withCuts) throw new UserError(`--down follows cuts in the twin offline, which the ${engine.name} engine's twin cannot; leave out --engine ${engine.name}.`);
      if (engine) {
        const plan = engine.compile(d, engine.request(d, await resolveCapabilities(opts.capabilities), opts));
        const cuts = (opts.down ?? []).map((spec) => cutOf(findLinkEnd(d, engine.probed(plan), spec)));
        const cut = designWithCuts(d, cuts);
        const p = predict(cut, undefined, engine.twin(cut, cuts.length ? engine.withCuts!(plan, cuts) : plan));
        process.stdout.write(opts.json ? JSON.stringify(p.json, null, 2) + '\n' : p.text);
        process.exitCode = p.bugs.length ? 1 : 0;
        return;
      }
      const p = predict(designWithCuts(d, (opts.down ?? []).map((spec) => cutOf(designEnd(d, spec)))));
      process.stdout.write(opts.json ? JSON.stringify(p.json, null, 2) + '\n' : p.text);
      process.exitCode = p.bugs.length ? 1 : 0;
    });
}

/** A link end set down, as the semantics takes it (semantics/cuts.ts). */
function cutOf(e: { ref: string; end: string; namespace: string | null; dev: string; peer?: Cut['peer'] }): Cut {
  return { ref: e.ref, end: e.end, namespace: e.namespace, dev: e.dev, ...(e.peer ? { peer: e.peer } : {}), at: '' };
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
