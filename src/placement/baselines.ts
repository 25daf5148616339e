// The placements place() is measured against (the benchmark, `plan --explain`): what an engine
// does without looking at the graph. Both obey the same hard rules as place() (a VM goes with
// its server, a pin is obeyed) and ignore capacities.
//  - round-robin: nodes in file order, each free one on the next chassis in turn;
//  - random: each free node on a chassis drawn uniformly (seeded).
import type { Design } from '../model/types.js';
import { designGraph, type DesignGraph } from './design-graph.js';
import { explainPlacement } from './explain.js';
import { placement } from './result.js';
import { below, seeded } from '../random.js';
import type { PlaceOptions, Placement } from './types.js';

export function roundRobin(design: Design, chassis: readonly string[], opts: PlaceOptions = {}): Placement {
  const cs = [...new Set(chassis)];
  return withExplain(baseline(design, designGraph(design, cs), cs, opts, 'round-robin'));
}

export function randomPlacement(design: Design, chassis: readonly string[], opts: PlaceOptions = {}): Placement {
  const cs = [...new Set(chassis)];
  return withExplain(baseline(design, designGraph(design, cs), cs, opts, 'random'));
}

/** A baseline on a design graph already built (place() compares itself with both). */
export function baseline(design: Design, dg: DesignGraph, chassis: readonly string[], opts: PlaceOptions, method: 'round-robin' | 'random'): Placement {
  const k = chassis.length;
  const rng = seeded(opts.seed ?? 1);
  let turn = 0;
  const part = new Int32Array(dg.graph.n);
  if (k) for (let a = 0; a < part.length; a++) part[a] = dg.fixed[a]! >= 0 ? dg.fixed[a]! : method === 'random' ? below(rng, k) : turn++ % k;
  return placement(design, dg, chassis, part, method, opts);
}

function withExplain(p: Placement): Placement {
  p.explain = explainPlacement(p, []);
  return p;
}
