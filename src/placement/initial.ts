// The initial bisection of the coarsest graph: greedy graph growing (GGGP, Karypis & Kumar).
// Side 0 starts as the vertices pinned to it, or one random vertex, and grows by the frontier
// vertex whose move cuts the fewest edges, until it carries its target weight; a new random
// seed starts when the frontier runs dry (the design has several islands). Several seeds are
// tried, each refined by FM, and the best kept: the coarsest graph is small, so this is cheap.
import type { Balance2, Bisection } from './fm.js';
import { better, bisectionOf, fmRefine } from './fm.js';
import type { Graph } from './graph.js';
import { GainHeap } from './heap.js';
import { below, type Rng } from '../random.js';

export function initialBisection(g: Graph, fixed: Int8Array, bal: Balance2, rng: Rng, tries: number): Bisection {
  let best: Bisection | undefined;
  for (let t = 0; t < tries; t++) {
    const b = fmRefine(g, bisectionOf(g, grow(g, fixed, bal.target0, rng), bal.target0), fixed, bal, 4);
    if (!best || better(b.cut, b.dev, best.cut, best.dev, bal.tol)) best = b;
  }
  return best!;
}

function grow(g: Graph, fixed: Int8Array, target0: number, rng: Rng): Int8Array {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const side = new Int8Array(n).fill(1);
  const gain = new Float64Array(n); // edges to side 0 minus edges to side 1, for side-1 vertices
  for (let v = 0; v < n; v++) for (let p = xadj[v]!; p < xadj[v + 1]!; p++) gain[v]! -= adjwgt[p]!;
  const frontier = new GainHeap(n);
  let w0 = 0;
  const join = (v: number) => {
    side[v] = 0;
    w0 += vwgt[v]!;
    for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
      const u = adjncy[p]!;
      if (side[u] === 0) continue;
      gain[u]! += 2 * adjwgt[p]!;
      if (frontier.has(u)) frontier.update(u, gain[u]!);
      else if (fixed[u]! < 0) frontier.insert(u, gain[u]!);
    }
  };
  for (let v = 0; v < n; v++) if (fixed[v] === 0) join(v);
  const free: number[] = [];
  for (let v = 0; v < n; v++) if (fixed[v]! < 0) free.push(v);
  while (w0 < target0) {
    let v = -1;
    if (frontier.size) v = frontier.pop();
    else {
      // A new seed: a random free vertex still on side 1.
      while (free.length) {
        const i = below(rng, free.length);
        const u = free[i]!;
        free[i] = free[free.length - 1]!;
        free.pop();
        if (side[u] === 1) {
          v = u;
          break;
        }
      }
    }
    if (v < 0) break;
    join(v);
  }
  return side;
}
