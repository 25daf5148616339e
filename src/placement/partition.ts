// Balanced k-way partitioning of a weighted graph with fixed vertices: recursive multilevel
// bisection for a good cut, then balance repair and greedy k-way refinement on the whole graph
// (see multilevel.ts and kway.ts). Pure, and deterministic for a seed.
import type { Graph } from './graph.js';
import { totalWeight } from './graph.js';
import { refineKway, repairBalance, type Band } from './kway.js';
import { recursiveBisection } from './multilevel.js';
import { seeded } from '../random.js';

/** Default ε: loads within ±3 % of their share, so max/min stays under 1.03/0.97 ≈ 1.062. */
export const TOLERANCE = 0.03;

/**
 * Each chassis's share of the load, and how far it may stray: ε of the share, but at least one
 * unit (a share of 2.5 hosts can only be met by 2 or 3); a chassis of capacity 0 gets nothing
 * beyond its pins.
 */
export function bandOf(total: number, capacity: readonly number[], eps: number): Band {
  const sum = capacity.reduce((s, c) => s + c, 0);
  const target = capacity.map((c) => (sum > 0 ? (total * c) / sum : total / capacity.length));
  return { target, delta: target.map((t, i) => (capacity[i] === 0 && sum > 0 ? 0 : Math.max(eps * t, 1))) };
}

export function partition(g: Graph, fixed: Int32Array, capacity: readonly number[], eps: number, seed: number): Int32Array {
  const k = capacity.length;
  if (k === 1) return new Int32Array(g.n);
  const rng = seeded(seed);
  // Errors of the bisections on the way down add up, about 2·ε_b per level for each chassis:
  // ask each for its share of ε.
  const levels = Math.ceil(Math.log2(k));
  const part = recursiveBisection(g, fixed, capacity, eps / (2 * levels), rng);
  const band = bandOf(totalWeight(g), capacity, eps);
  repairBalance(g, part, fixed, band);
  refineKway(g, part, fixed, band, rng, 8);
  return part;
}
