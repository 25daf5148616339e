// The last steps on the full graph with all k chassis at once. Recursive bisection balances
// each split, but small errors add up along the way down and heavy vertices (a server with its
// VMs) can leave a chassis outside its band. So:
//  - repairBalance moves vertices from a chassis above its band (or towards one below it),
//    each time the vertex whose move costs the fewest cut edges, growing the receiving chassis
//    into its neighbour rather than scattering single hosts;
//  - refineKway (greedy k-way refinement, as METIS's) then moves boundary vertices to the
//    chassis they have most edges to, when that keeps every chassis in its band.
// Every move either lowers the load imbalance Σ(load − target)² (a vertex of weight w leaves a
// chassis only for one whose excess is more than w below, so the largest excess never grows),
// or lowers the cut while both chassis stay in their band. So both steps terminate, and a
// chassis ends outside its band only by less than the heaviest vertex: the bound
// docs/placement.md states.
import type { Graph } from './graph.js';
import { GainHeap } from './heap.js';
import { permutation, type Rng } from '../random.js';

export interface Band {
  target: number[];
  /** Allowed deviation from target, per chassis. */
  delta: number[];
}

export function loadsOf(g: Graph, part: Int32Array, k: number): number[] {
  const loads = new Array<number>(k).fill(0);
  for (let v = 0; v < g.n; v++) loads[part[v]!]! += g.vwgt[v]!;
  return loads;
}

export function repairBalance(g: Graph, part: Int32Array, fixed: Int32Array, band: Band): void {
  const k = band.target.length;
  const loads = loadsOf(g, part, k);
  const ex = (c: number) => loads[c]! - band.target[c]!;
  const heap = new GainHeap(g.n);
  const failed = new Set<number>(); // a * k + b: nothing in a could go to b, since the last move
  // Each round that moves lowers Σ(load − target)², so this bound is only a safety net.
  for (let round = 0; round < 16 * k * k + 64; round++) {
    // Chassis outside their band, worst first; each is paired with the chassis most able to
    // help (most room for an overloaded one, most excess for an underloaded one).
    const out = [...Array(k).keys()]
      .map((c) => ({ c, by: Math.max(ex(c) - band.delta[c]!, -ex(c) - band.delta[c]!) }))
      .filter((x) => x.by > 1e-9)
      .sort((x, y) => y.by - x.by || x.c - y.c);
    let pair: [number, number] | undefined;
    for (const { c } of out) {
      const overloaded = ex(c) > 0;
      let best = -1;
      for (let o = 0; o < k; o++) {
        if (o === c || failed.has(overloaded ? c * k + o : o * k + c)) continue;
        if (best < 0 || (overloaded ? ex(o) < ex(best) : ex(o) > ex(best))) best = o;
      }
      if (best >= 0) {
        pair = overloaded ? [c, best] : [best, c];
        break;
      }
    }
    if (!pair) return;
    if (movePair(g, part, fixed, loads, band, pair[0], pair[1], heap)) failed.clear();
    else failed.add(pair[0] * k + pair[1]);
  }
}

/** Moves vertices from chassis a to chassis b while that helps; true when one moved. */
function movePair(g: Graph, part: Int32Array, fixed: Int32Array, loads: number[], band: Band, a: number, b: number, heap: GainHeap): boolean {
  const { xadj, adjncy, adjwgt, vwgt } = g;
  const key = (v: number) => {
    let s = 0;
    for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
      const q = part[adjncy[p]!];
      if (q === b) s += adjwgt[p]!;
      else if (q === a) s -= adjwgt[p]!;
    }
    return s;
  };
  for (let v = 0; v < g.n; v++) if (part[v] === a && fixed[v]! < 0 && vwgt[v]! > 0) heap.insert(v, key(v));
  const ex = (c: number) => loads[c]! - band.target[c]!;
  let moved = false;
  while (heap.size && (ex(a) > band.delta[a]! || ex(b) < -band.delta[b]!)) {
    const v = heap.pop();
    if (vwgt[v]! >= ex(a) - ex(b)) continue; // would not lower the imbalance
    part[v] = b;
    loads[a]! -= vwgt[v]!;
    loads[b]! += vwgt[v]!;
    moved = true;
    for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
      const u = adjncy[p]!;
      if (heap.has(u)) heap.update(u, key(u));
    }
  }
  heap.clear();
  return moved;
}

export function refineKway(g: Graph, part: Int32Array, fixed: Int32Array, band: Band, rng: Rng, passes: number): void {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const k = band.target.length;
  const loads = loadsOf(g, part, k);
  const conn = new Float64Array(k);
  const touched: number[] = [];
  const order = permutation(rng, n);
  for (let pass = 0; pass < passes; pass++) {
    let moves = 0;
    for (const v of order) {
      if (fixed[v]! >= 0) continue;
      const own = part[v]!;
      for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
        const q = part[adjncy[p]!]!;
        if (conn[q] === 0) touched.push(q);
        conn[q]! += adjwgt[p]!;
      }
      const w = vwgt[v]!;
      const exOwn = loads[own]! - band.target[own]!;
      let best = own;
      let bestGain = 0;
      let bestEx = 0;
      for (const q of touched) {
        if (q === own) continue;
        const gain = conn[q]! - conn[own]!;
        const exQ = loads[q]! - band.target[q]!;
        const inBand = w === 0 || (exQ + w <= band.delta[q]! && exOwn - w >= -band.delta[own]!);
        const evener = w > 0 && exOwn - exQ > w; // the move lowers Σ(load − target)²
        if (gain < 0 || !(inBand || evener) || (gain === 0 && !evener)) continue;
        if (best === own || gain > bestGain || (gain === bestGain && exQ < bestEx)) (best = q), (bestGain = gain), (bestEx = exQ);
      }
      for (const q of touched) conn[q] = 0;
      touched.length = 0;
      if (best === own) continue;
      part[v] = best;
      loads[own]! -= w;
      loads[best]! += w;
      moves++;
    }
    if (!moves) break;
  }
}
