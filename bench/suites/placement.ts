// Placement quality and speed (issue 26): place() against round-robin and random on the
// generated tree and campus designs, at about 1,000 and 10,000 nodes, over 2, 4 and 8 chassis.
// In-process and CPU-bound, so it needs no root and runs alone (bench/placement.ts); times are
// the median of several runs after a warm-up, wall and CPU (the machine is shared).
// Targets: ≥ 3× fewer cut links than round-robin, loads within ±10 % of each other
// (max/min ≤ 1.10), and place() under 1 s for the ~10,000-node designs.
import { loadDesign } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { chassisNames, loadRatio, place, randomPlacement, roundRobin, type Placement } from '../../src/placement/index.js';
import { campusShape, campusYaml, designYaml, treeForHosts, treeTopo } from '../gen-designs.js';
import { clock, median } from '../lib/measure.js';

export interface PlacementRow {
  design: string;
  nodes: number;
  links: number;
  chassis: number;
  method: Placement['method'];
  cut: number;
  /** Heaviest over lightest chassis load. */
  maxMin: number;
  /** Largest |load − share| / share over the chassis. */
  maxDev: number;
  ms: number;
  cpuMs: number;
}

export interface PlacementResults {
  rows: PlacementRow[];
  /** Seconds to generate and load each design (not part of the placement's time). */
  loadSeconds: Record<string, number>;
}

export interface PlacementOptions {
  /** Approximate node counts of the designs (default 1,000 and 10,000). */
  sizes?: number[];
  chassis?: number[];
  /** Timed runs of each placement after one warm-up (default 5). */
  runs?: number;
  log?: (s: string) => void;
}

/** The designs of one size: a Mininet-style tree with about n hosts, and a campus of about n nodes. */
function designs(n: number): [string, () => string][] {
  const t = treeForHosts(n);
  return [
    [`tree,depth=${t.depth},fanout=${t.fanout}`, () => designYaml(treeTopo(t.depth, t.fanout), { name: 'bench-place' })],
    [`campus ~${n.toLocaleString('en')}`, () => campusYaml(campusShape(n), 'bench-place')],
  ];
}

const METHODS: [Placement['method'], (d: Design, cs: string[]) => Placement][] = [
  ['multilevel', (d, cs) => place(d, cs)],
  ['round-robin', (d, cs) => roundRobin(d, cs)],
  ['random', (d, cs) => randomPlacement(d, cs)],
];

export async function placementSuite(o: PlacementOptions = {}): Promise<PlacementResults> {
  const out: PlacementResults = { rows: [], loadSeconds: {} };
  const runs = o.runs ?? 5;
  // Let the JIT compile the partitioner before anything is timed, or the first rows pay for it.
  const warm = loadDesign(campusYaml(campusShape(1000), 'bench-warm'), 'warm.yaml').design!;
  for (const k of [2, 8]) for (let i = 0; i < 3; i++) place(warm, chassisNames(k));
  for (const n of o.sizes ?? [1000, 10_000]) {
    for (const [name, yaml] of designs(n)) {
      const t0 = Date.now();
      const loaded = loadDesign(yaml(), `${name}.yaml`);
      if (!loaded.design) throw new Error(`generated design ${name} does not load: ${loaded.errors[0]?.message}`);
      const d = loaded.design;
      out.loadSeconds[name] = (Date.now() - t0) / 1000;
      for (const k of o.chassis ?? [2, 4, 8]) {
        const cs = chassisNames(k);
        for (const [method, f] of METHODS) {
          const p = f(d, cs); // the warm-up, and the result (each method is deterministic)
          const times = [];
          for (let i = 0; i < runs; i++) times.push(await clock(() => f(d, cs)));
          const maxDev = Math.max(...cs.map((c) => (p.targets[c]! > 0 ? Math.abs(p.loads[c]! / p.targets[c]! - 1) : 0)));
          out.rows.push({ design: name, nodes: d.nodes.length, links: d.links.length, chassis: k, method, cut: p.cut, maxMin: loadRatio(p), maxDev, ms: median(times.map((x) => x.ms)), cpuMs: median(times.map((x) => x.cpuMs)) });
        }
        const [ml, rr] = out.rows.slice(-3);
        o.log?.(`${name} (${d.nodes.length} nodes) on ${k} chassis: cut ${ml!.cut} vs round-robin ${rr!.cut}, max/min ${ml!.maxMin.toFixed(3)}, ${ml!.ms.toFixed(0)} ms`);
      }
    }
  }
  return out;
}

export interface Verdicts {
  cut: { worst: number; met: boolean };
  balance: { worst: number; met: boolean };
  time: { worstMs: number; worstCpuMs: number; nodes: number; met: boolean };
}

/** The three targets, judged on the worst row of place() (time: on the designs of ≥ 5,000 nodes). */
export function verdicts(r: PlacementResults): Verdicts {
  const ml = r.rows.filter((x) => x.method === 'multilevel');
  const rrCut = (x: PlacementRow) => r.rows.find((y) => y.method === 'round-robin' && y.design === x.design && y.chassis === x.chassis)!.cut;
  const ratios = ml.map((x) => (x.cut === 0 ? Infinity : rrCut(x) / x.cut));
  const big = ml.filter((x) => x.nodes >= 5000);
  const worst = big.length ? big.reduce((a, b) => (b.ms > a.ms ? b : a)) : undefined;
  return {
    cut: { worst: Math.min(...ratios), met: ratios.every((x) => x >= 3) },
    balance: { worst: Math.max(...ml.map((x) => x.maxMin)), met: ml.every((x) => x.maxMin <= 1.1) },
    time: { worstMs: worst?.ms ?? NaN, worstCpuMs: worst?.cpuMs ?? NaN, nodes: worst?.nodes ?? 0, met: worst !== undefined && worst.ms < 1000 },
  };
}
