// Fiduccia–Mattheyses refinement of a bisection ("A linear-time heuristic for improving network
// partitions", 1982). A pass moves vertices one at a time, each the best-gain vertex of the side
// that is heavier than its target, locks it, updates its neighbours' gains, and keeps going
// through moves that make the cut worse, which is how it climbs out of local minima; at the
// end of the pass it rolls back to the best state it saw. "Best" puts balance first: a state
// within the tolerance beats any state outside it, then the smaller cut, then the smaller
// deviation. A pass gives up after `limit` moves without a new best (METIS does the same),
// which keeps each pass close to linear time.
import type { Graph } from './graph.js';
import { GainHeap } from './heap.js';

export interface Balance2 {
  /** Weight side 0 should carry. */
  target0: number;
  /** How far side 0's weight may be from target0. */
  tol: number;
}

/** A bisection and its figures; `dev` is side 0's weight minus its target. */
export interface Bisection {
  side: Int8Array;
  cut: number;
  dev: number;
}

const over = (dev: number, tol: number) => Math.max(0, Math.abs(dev) - tol);

/** True when state (cut, dev) is better than (bestCut, bestDev) under tolerance tol. */
export function better(cut: number, dev: number, bestCut: number, bestDev: number, tol: number): boolean {
  const a = over(dev, tol);
  const b = over(bestDev, tol);
  if (a !== b) return a < b;
  if (cut !== bestCut) return cut < bestCut;
  return Math.abs(dev) < Math.abs(bestDev);
}

export function bisectionOf(g: Graph, side: Int8Array, target0: number): Bisection {
  let cut = 0;
  let w0 = 0;
  for (let v = 0; v < g.n; v++) {
    if (side[v] === 0) w0 += g.vwgt[v]!;
    for (let p = g.xadj[v]!; p < g.xadj[v + 1]!; p++) if (side[g.adjncy[p]!] !== side[v]) cut += g.adjwgt[p]!;
  }
  return { side, cut: cut / 2, dev: w0 - target0 };
}

/** Refines b in place; returns it. Vertices with fixed[v] >= 0 never move. */
export function fmRefine(g: Graph, b: Bisection, fixed: Int8Array, bal: Balance2, passes: number): Bisection {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const side = b.side;
  const gain = new Float64Array(n);
  const heaps = [new GainHeap(n), new GainHeap(n)] as const;
  const moves = new Int32Array(n);
  const limit = Math.min(Math.max(Math.floor(n / 50), 25), 200);

  for (let pass = 0; pass < passes; pass++) {
    for (let v = 0; v < n; v++) {
      let g2 = 0;
      for (let p = xadj[v]!; p < xadj[v + 1]!; p++) g2 += side[adjncy[p]!] === side[v] ? -adjwgt[p]! : adjwgt[p]!;
      gain[v] = g2;
      if (fixed[v]! < 0) heaps[side[v] as 0 | 1].insert(v, g2);
    }
    const startCut = b.cut;
    const startDev = b.dev;
    let bestCut = b.cut;
    let bestDev = b.dev;
    let bestAt = 0;
    let count = 0;
    for (let since = 0; since < limit; since++) {
      // Move from the side heavier than its target; when balanced, from the side whose best
      // move gains more. A side with nothing left to move yields to the other.
      let from: 0 | 1 = b.dev > 0 ? 0 : b.dev < 0 ? 1 : heaps[0].size && (!heaps[1].size || heaps[0].topKey() >= heaps[1].topKey()) ? 0 : 1;
      if (!heaps[from].size) from = from === 0 ? 1 : 0;
      if (!heaps[from].size) break;
      const v = heaps[from].pop();
      side[v] = from === 0 ? 1 : 0;
      b.cut -= gain[v]!;
      b.dev += from === 0 ? -vwgt[v]! : vwgt[v]!;
      moves[count++] = v;
      for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
        const u = adjncy[p]!;
        gain[u]! += side[u] === from ? 2 * adjwgt[p]! : -2 * adjwgt[p]!;
        const h = heaps[side[u] as 0 | 1];
        if (h.has(u)) h.update(u, gain[u]!);
      }
      if (better(b.cut, b.dev, bestCut, bestDev, bal.tol)) {
        bestCut = b.cut;
        bestDev = b.dev;
        bestAt = count;
        since = -1;
      }
    }
    heaps[0].clear();
    heaps[1].clear();
    // Undo the moves made after the best state.
    for (let i = count - 1; i >= bestAt; i--) {
      const v = moves[i]!;
      side[v] = side[v] === 0 ? 1 : 0;
      b.dev += side[v] === 0 ? vwgt[v]! : -vwgt[v]!;
    }
    b.cut = bestCut;
    if (!better(bestCut, b.dev, startCut, startDev, bal.tol)) break;
  }
  return b;
}
