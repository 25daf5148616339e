// From a part per atom to the Placement every caller sees: each node's chassis, the cut
// counted on the design's own links, each chassis's load and share, and the pins.
import { error } from '../model/problems.js';
import type { Design } from '../model/types.js';
import type { DesignGraph } from './design-graph.js';
import { bandOf, TOLERANCE } from './partition.js';
import type { PlaceOptions, Placement } from './types.js';

/** Each chassis's capacity: as given when it is a finite number ≥ 0, else 1. */
export const capacities = (chassis: readonly string[], capacity: PlaceOptions['capacity']): number[] =>
  chassis.map((c) => {
    const x = capacity?.[c];
    return x !== undefined && Number.isFinite(x) && x >= 0 ? x : 1;
  });

export function objective(eps: number): string {
  return (
    'fewest design links between nodes on different chassis, each chassis carrying its share of the load ' +
    `(hosts, VMs, servers, routers, L3 switches and externals 1 each, switches 0) within ±${+(eps * 100).toFixed(1)} %, ` +
    "every VM on its server's chassis, pinned nodes on their pin"
  );
}

export function placement(d: Design, dg: DesignGraph, chassis: readonly string[], part: Int32Array, method: Placement['method'], opts: PlaceOptions): Placement {
  const assign = new Map<string, string>();
  if (chassis.length) d.nodes.forEach((n, i) => assign.set(n.name, chassis[part[dg.atomOf[i]!]!]!));
  let cut = 0;
  for (const l of d.links) {
    const a = assign.get(l.ends[0].node);
    const b = assign.get(l.ends[1].node);
    if (a !== undefined && b !== undefined && a !== b) cut++;
  }
  const eps = opts.tolerance ?? TOLERANCE;
  const loads: Record<string, number> = Object.fromEntries(chassis.map((c) => [c, 0]));
  if (chassis.length) for (let a = 0; a < dg.graph.n; a++) loads[chassis[part[a]!]!]! += dg.graph.vwgt[a]!;
  const total = Object.values(loads).reduce((s, x) => s + x, 0);
  const band = bandOf(total, capacities(chassis, opts.capacity), eps);
  const problems = [...dg.problems];
  if (!chassis.length && d.nodes.length) problems.push(error('E-PLACEMENT-CHASSIS', [], 'there is no chassis to place the design on; run the twin on at least one chassis.'));
  return {
    assign,
    cut,
    loads,
    objective: objective(eps),
    explain: [],
    method,
    chassis: [...chassis],
    targets: Object.fromEntries(chassis.map((c, i) => [c, band.target[i]!])),
    links: d.links.length,
    pins: dg.pins,
    problems,
  };
}
