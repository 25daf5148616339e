// The weighted graph the partitioner works on, in compressed sparse row form (the layout
// METIS uses): vertex v's neighbours are adjncy[xadj[v] .. xadj[v+1]), with edge weights in
// adjwgt at the same places. Typed arrays keep a 10,000-node design a few hundred kilobytes
// and the inner loops free of object look-ups.

export interface Graph {
  n: number;
  xadj: Int32Array;
  adjncy: Int32Array;
  adjwgt: Int32Array;
  /** Load of each vertex. */
  vwgt: Int32Array;
}

export function totalWeight(g: Graph): number {
  let s = 0;
  for (let v = 0; v < g.n; v++) s += g.vwgt[v]!;
  return s;
}

/** A graph from edges ends[0][i]–ends[1][i] of weight 1; parallel edges add up, self-loops are dropped. */
export function fromEdges(vwgt: Int32Array, from: Int32Array, to: Int32Array): Graph {
  const n = vwgt.length;
  const xadj = new Int32Array(n + 1);
  for (let i = 0; i < from.length; i++) if (from[i] !== to[i]) (xadj[from[i]! + 1]!++, xadj[to[i]! + 1]!++);
  for (let v = 0; v < n; v++) xadj[v + 1]! += xadj[v]!;
  const adjncy = new Int32Array(xadj[n]!);
  const fill = xadj.slice(0, n);
  for (let i = 0; i < from.length; i++) {
    const a = from[i]!;
    const b = to[i]!;
    if (a === b) continue;
    adjncy[fill[a]!++] = b;
    adjncy[fill[b]!++] = a;
  }
  // Merging parallel edges is the identity quotient.
  const id = new Int32Array(n);
  for (let v = 0; v < n; v++) id[v] = v;
  return quotient({ n, xadj, adjncy, adjwgt: new Int32Array(adjncy.length).fill(1), vwgt }, id, n);
}

/**
 * The graph whose vertex i stands for the vertices v with map[v] === i (map[v] < 0: left out).
 * Weights of the vertices of one group add up, and so do edges between two groups; edges
 * inside a group or to a left-out vertex vanish. Both coarsening (a group is a matched pair)
 * and the subgraph of one side in recursive bisection are this one operation.
 */
export function quotient(g: Graph, map: Int32Array, m: number): Graph {
  // Members of each group, by counting sort, so each group's edges are gathered together.
  const start = new Int32Array(m + 1);
  for (let v = 0; v < g.n; v++) if (map[v]! >= 0) start[map[v]! + 1]!++;
  for (let i = 0; i < m; i++) start[i + 1]! += start[i]!;
  const members = new Int32Array(start[m]!);
  const fill = start.slice(0, m);
  for (let v = 0; v < g.n; v++) if (map[v]! >= 0) members[fill[map[v]!]!++] = v;

  const vwgt = new Int32Array(m);
  const xadj = new Int32Array(m + 1);
  const adjncy = new Int32Array(g.adjncy.length);
  const adjwgt = new Int32Array(g.adjncy.length);
  const slot = new Int32Array(m).fill(-1); // where group j sits in the current group's row
  let e = 0;
  for (let i = 0; i < m; i++) {
    const rowStart = e;
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      const v = members[k]!;
      vwgt[i]! += g.vwgt[v]!;
      for (let p = g.xadj[v]!; p < g.xadj[v + 1]!; p++) {
        const j = map[g.adjncy[p]!]!;
        if (j < 0 || j === i) continue;
        if (slot[j]! >= 0) adjwgt[slot[j]!]! += g.adjwgt[p]!;
        else {
          slot[j] = e;
          adjncy[e] = j;
          adjwgt[e++] = g.adjwgt[p]!;
        }
      }
    }
    for (let p = rowStart; p < e; p++) slot[adjncy[p]!] = -1;
    xadj[i + 1] = e;
  }
  return { n: m, xadj, adjncy: adjncy.slice(0, e), adjwgt: adjwgt.slice(0, e), vwgt };
}

/** Sum of the weights of edges whose ends are in different parts. */
export function edgeCut(g: Graph, part: Int32Array | Int8Array): number {
  let cut = 0;
  for (let v = 0; v < g.n; v++) for (let p = g.xadj[v]!; p < g.xadj[v + 1]!; p++) if (part[g.adjncy[p]!] !== part[v]) cut += g.adjwgt[p]!;
  return cut / 2;
}
