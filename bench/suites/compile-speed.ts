// Pure speed of the offline half of vnetmap on a 10,000-host design: load (YAML + schema +
// checks), compile to a plan, broadcast domains, reachability classes, and the design-vs-twin
// comparison. In-process, median of several runs after a warm-up, so it measures the
// algorithms rather than Node start-up.
import { loadDesign } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';
import { broadcastDomains } from '../../src/semantics/domains.js';
import { designModel } from '../../src/semantics/from-design.js';
import { reachability } from '../../src/semantics/reachability.js';
import { designYaml, treeTopo } from '../gen-designs.js';
import { clock, median } from '../lib/measure.js';
import type { CompileRow, Results } from '../lib/results.js';

async function timeIt(runs: number, f: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  await f(); // warm-up: JIT and lazy module state
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = await clock(f);
    ms.push(c.ms);
    cpu.push(c.cpuMs);
  }
  return { ms: median(ms), cpuMs: median(cpu) };
}

async function row(step: string, fn: string, runs: number, f: () => unknown): Promise<CompileRow> {
  try {
    return { step, fn, ...(await timeIt(runs, f)) };
  } catch (e) {
    return { step, fn, error: `failed: ${(e as Error).message.slice(0, 200)}` };
  }
}

const caps = PRESETS.minimal!;

export async function compileSuite(hosts = 10_000, runs = 5): Promise<Results['compile']> {
  const t = treeTopo(2, Math.round(Math.sqrt(hosts)));
  const text = designYaml(t, { name: 'bench-compile' });
  const loaded = loadDesign(text, 'bench-compile.yaml');
  if (!loaded.design) throw new Error(`generated design does not load: ${loaded.errors[0]?.message}`);
  const d = loaded.design;
  const rows: CompileRow[] = [];
  // Loading is slow enough at this size that one timed run (after the warm-up) is plenty.
  rows.push(await row('load (YAML, schema, checks)', 'src/model/load.ts#loadDesign', 1, () => loadDesign(text, 'x.yaml')));
  for (const strategy of ['faithful', 'compact'] as const) {
    const n = compile(d, { capabilities: caps, strategy }).objects.length;
    rows.push(await row(`compile (${strategy}): ${n.toLocaleString('en')} plan objects`, 'src/plan/compile.ts#compile', runs, () => compile(d, { capabilities: caps, strategy })));
  }
  const domains = broadcastDomains(d);
  rows.push(await row(`broadcast domains: ${domains.domains.length}`, 'src/semantics/domains.ts#broadcastDomains', runs, () => broadcastDomains(d)));
  const r = reachability(designModel(d, domains));
  rows.push(
    await row(`reachability classes: ${r.classes.length} classes for ${r.endpoints.length.toLocaleString('en')} endpoints`, 'src/semantics/reachability.ts#reachability(designModel(d, domains))', runs, () =>
      reachability(designModel(d, domains)),
    ),
  );
  const plan = compile(d, { capabilities: caps, strategy: 'faithful' });
  rows.push(await row('design vs twin comparison (faithful plan)', 'src/semantics/compare.ts#compare', Math.min(runs, 3), () => compare(d, plan)));
  // The target (issue 7) is compile + domains + classes; loading and comparison are reported, not counted.
  const counted = rows.filter((x) => /^compile \(faithful|^broadcast|^reachability/.test(x.step));
  const complete = counted.length === 3 && counted.every((x) => x.ms !== undefined && x.cpuMs !== undefined);
  if (!complete) return { shape: t.shape, hosts: t.hosts.length, rows };
  return { shape: t.shape, hosts: t.hosts.length, rows, totalMs: counted.reduce((s, x) => s + x.ms!, 0), totalCpuMs: counted.reduce((s, x) => s + x.cpuMs!, 0) };
}

/** Number of plan objects of a design under the faithful strategy, for "time per object". */
export function planObjectCount(design: Design): number {
  return compile(design, { capabilities: caps, strategy: 'faithful' }).objects.length;
}

/** Same, from YAML text; undefined when the text does not load. */
export async function planObjectCountYaml(yaml: string): Promise<number | undefined> {
  const d = loadDesign(yaml, 'count.yaml').design;
  return d ? planObjectCount(d) : undefined;
}
