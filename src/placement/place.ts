// place(): which chassis each design node runs on, when the OVN engine spreads the twin over
// several. The objective (docs/placement.md): fewest design links crossing chassis, loads
// balanced to each chassis's share, VMs with their server, pins obeyed.
import type { Design } from '../model/types.js';
import { baseline } from './baselines.js';
import { designGraph } from './design-graph.js';
import { explainPlacement } from './explain.js';
import { partition, TOLERANCE } from './partition.js';
import { capacities, placement } from './result.js';
import type { PlaceOptions, Placement } from './types.js';

export function place(design: Design, chassis: readonly string[], opts: PlaceOptions = {}): Placement {
  const cs = [...new Set(chassis)];
  const dg = designGraph(design, cs);
  const part = cs.length ? partition(dg.graph, dg.fixed, capacities(cs, opts.capacity), opts.tolerance ?? TOLERANCE, opts.seed ?? 1) : new Int32Array(0);
  const p = placement(design, dg, cs, part, 'multilevel', opts);
  p.explain = explainPlacement(p, [baseline(design, dg, cs, opts, 'round-robin'), baseline(design, dg, cs, opts, 'random')]);
  return p;
}
