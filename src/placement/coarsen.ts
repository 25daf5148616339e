// Coarsening, the first phase of multilevel partitioning (Karypis & Kumar, "A fast and high
// quality multilevel scheme for partitioning irregular graphs", 1998): pair each vertex with
// the neighbour it shares the heaviest edge with and merge the pairs, so the coarse graph
// keeps the heavy edges inside its vertices, where no cut can cross them.
//
// Networks are star-shaped (an access switch with 48 hosts): heavy-edge matching pairs the
// switch with one host and leaves 47 unmatched, and the graph barely shrinks. Unmatched
// vertices that hang off the same neighbour are therefore paired with each other too (METIS's
// "two-hop" matching), which halves a star at every level.
import type { Graph } from './graph.js';
import { quotient } from './graph.js';
import { permutation, type Rng } from '../random.js';

export interface Coarser {
  graph: Graph;
  /** Fixed side of each coarse vertex (-1 free). */
  fixed: Int8Array;
  /** Fine vertex -> its coarse vertex. */
  cmap: Int32Array;
}

export function coarsen(g: Graph, fixed: Int8Array, rng: Rng, maxVwgt: number): Coarser {
  const { n, xadj, adjncy, adjwgt, vwgt } = g;
  const match = new Int32Array(n).fill(-1);
  // Two vertices fixed to different sides never merge; a merge may not outgrow maxVwgt unless
  // one of the two weighs nothing (a switch joining its host changes no load).
  const fits = (a: number, b: number) =>
    (fixed[a]! < 0 || fixed[b]! < 0 || fixed[a] === fixed[b]) && (vwgt[a] === 0 || vwgt[b] === 0 || vwgt[a]! + vwgt[b]! <= maxVwgt);
  const order = permutation(rng, n);

  for (const v of order) {
    if (match[v]! >= 0) continue;
    let best = -1;
    let bw = -1;
    for (let p = xadj[v]!; p < xadj[v + 1]!; p++) {
      const u = adjncy[p]!;
      if (match[u]! >= 0 || !fits(v, u)) continue;
      // Heaviest edge first; among equals the lighter neighbour, so coarse weights stay even.
      if (adjwgt[p]! > bw || (adjwgt[p] === bw && vwgt[u]! < vwgt[best]!)) {
        best = u;
        bw = adjwgt[p]!;
      }
    }
    if (best >= 0) {
      match[v] = best;
      match[best] = v;
    }
  }

  // Two-hop: unmatched vertices keyed by their heaviest neighbour (isolated ones by -1).
  const waiting = new Int32Array(n + 1).fill(-1);
  for (const v of order) {
    if (match[v]! >= 0) continue;
    let key = -1;
    let bw = -1;
    for (let p = xadj[v]!; p < xadj[v + 1]!; p++) if (adjwgt[p]! > bw) (bw = adjwgt[p]!), (key = adjncy[p]!);
    const w = waiting[key + 1]!;
    if (w >= 0 && fits(v, w)) {
      match[v] = w;
      match[w] = v;
      waiting[key + 1] = -1;
    } else waiting[key + 1] = v;
  }

  const cmap = new Int32Array(n).fill(-1);
  let cn = 0;
  for (let v = 0; v < n; v++) {
    if (cmap[v]! >= 0) continue;
    cmap[v] = cn;
    if (match[v]! >= 0) cmap[match[v]!] = cn;
    cn++;
  }
  const cfixed = new Int8Array(cn).fill(-1);
  for (let v = 0; v < n; v++) if (fixed[v]! >= 0) cfixed[cmap[v]!] = fixed[v]!;
  return { graph: quotient(g, cmap, cn), fixed: cfixed, cmap };
}
