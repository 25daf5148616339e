// Multilevel bisection, applied recursively for k chassis (the scheme of METIS's pmetis):
// coarsen the graph level by level (coarsen.ts), bisect the coarsest one (initial.ts), then
// carry the bisection back up, refining it with FM (fm.ts) at every level, where each moved
// coarse vertex moves a whole cluster of the design at once. Each half is then split again
// for its share of the chassis, until every part is one chassis.
import { coarsen, type Coarser } from './coarsen.js';
import { bisectionOf, fmRefine, type Bisection } from './fm.js';
import { quotient, totalWeight, type Graph } from './graph.js';
import { initialBisection } from './initial.js';
import type { Rng } from '../random.js';

/** Coarsen until this many vertices are left: enough for a good initial bisection. */
const COARSEST = 80;

/** Side (0/1) of every vertex; fixed[v] >= 0 pins v to that side. */
export function multilevelBisect(g: Graph, fixed: Int8Array, target0: number, tol: number, rng: Rng): Int8Array {
  const total = totalWeight(g);
  // A coarse vertex may weigh at most 1.5 times the average coarsest vertex (as METIS), so
  // that the coarsest graph can still be split evenly.
  const maxVwgt = Math.max(1, Math.ceil((1.5 * total) / COARSEST));
  const levels: Coarser[] = [{ graph: g, fixed, cmap: new Int32Array(0) }];
  for (;;) {
    const top = levels[levels.length - 1]!;
    if (top.graph.n <= COARSEST) break;
    const c = coarsen(top.graph, top.fixed, rng, maxVwgt);
    // Stop when matching no longer shrinks the graph (heavy vertices, or nothing to merge).
    if (c.graph.n > 0.92 * top.graph.n) break;
    levels.push(c);
  }
  let lvl = levels.length - 1;
  const coarsest = levels[lvl]!;
  let b: Bisection = initialBisection(coarsest.graph, coarsest.fixed, { target0, tol: levelTol(coarsest.graph, coarsest.fixed, tol, lvl === 0) }, rng, lvl === 0 && g.n > 400 ? 4 : 8);
  for (; lvl > 0; lvl--) {
    const fine = levels[lvl - 1]!;
    const cmap = levels[lvl]!.cmap;
    const side = new Int8Array(fine.graph.n);
    for (let v = 0; v < fine.graph.n; v++) side[v] = b.side[cmap[v]!]!;
    b = fmRefine(fine.graph, bisectionOf(fine.graph, side, target0), fine.fixed, { target0, tol: levelTol(fine.graph, fine.fixed, tol, lvl === 1) }, 6);
  }
  return b.side;
}

/**
 * Coarse levels cannot balance finer than their heaviest movable vertex; asking them to makes
 * FM trade cut for a balance the finer levels restore anyway. The finest level gets `tol`.
 */
function levelTol(g: Graph, fixed: Int8Array, tol: number, finest: boolean): number {
  if (finest) return tol;
  let heaviest = 0;
  for (let v = 0; v < g.n; v++) if (fixed[v]! < 0 && g.vwgt[v]! > heaviest) heaviest = g.vwgt[v]!;
  return Math.max(tol, heaviest);
}

/**
 * Part (an index into `capacity`) of every vertex: recursive bisection over the chassis.
 * fixed[v] >= 0 pins v to that chassis. eps is the balance tolerance asked of each bisection,
 * as a fraction of the weight it splits.
 */
export function recursiveBisection(g: Graph, fixed: Int32Array, capacity: readonly number[], eps: number, rng: Rng): Int32Array {
  const part = new Int32Array(g.n);
  const orig = new Int32Array(g.n);
  for (let v = 0; v < g.n; v++) orig[v] = v;
  const split = (h: Graph, hOrig: Int32Array, hFixed: Int32Array, chassis: number[]): void => {
    if (chassis.length === 1 || h.n === 0) {
      for (let v = 0; v < h.n; v++) part[hOrig[v]!] = chassis[0]!;
      return;
    }
    const left = chassis.slice(0, chassis.length >> 1);
    const right = chassis.slice(left.length);
    const capL = left.reduce((s, c) => s + capacity[c]!, 0);
    const capR = right.reduce((s, c) => s + capacity[c]!, 0);
    const share = capL + capR > 0 ? capL / (capL + capR) : left.length / chassis.length;
    const total = totalWeight(h);
    const isLeft = new Set(left);
    const side0 = new Int8Array(h.n);
    for (let v = 0; v < h.n; v++) side0[v] = hFixed[v]! < 0 ? -1 : isLeft.has(hFixed[v]!) ? 0 : 1;
    const side = multilevelBisect(h, side0, total * share, Math.max(1, eps * total), rng);
    for (const [s, cs] of [[0, left], [1, right]] as const) {
      const map = new Int32Array(h.n).fill(-1);
      let m = 0;
      for (let v = 0; v < h.n; v++) if (side[v] === s) map[v] = m++;
      const sub = quotient(h, map, m);
      const subOrig = new Int32Array(m);
      const subFixed = new Int32Array(m);
      for (let v = 0; v < h.n; v++) if (map[v]! >= 0) (subOrig[map[v]!] = hOrig[v]!), (subFixed[map[v]!] = hFixed[v]!);
      split(sub, subOrig, subFixed, cs);
    }
  };
  split(g, orig, fixed, capacity.map((_, i) => i));
  return part;
}
