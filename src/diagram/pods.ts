// Pods: a subtree of the picture hanging off one node (its hub) by a single cable, such as an
// access switch with its hosts under a distribution switch. leaf-grid.ts folds a crowd of leaves
// into a grid; a crowd of pods folds the same way once each pod is laid out on its own (itself
// folding its crowds). That turns a tree of 100 access switches, which ELK's layered layout
// puts in one row 75,000 px wide, into grids of grids of a sensible aspect ratio.
//
// Found on the graph of top-level boxes: a DFS from the topmost box (one no cable points down
// to), bridges by low-link; a bridge's lower side is a pod. Pure; iterative (a 10,000-switch
// chain must not overflow the stack).

export interface Pod {
  /** The box the pod hangs off. */
  hub: string;
  /** The pod's box cabled to the hub (drawn at the pod's top). */
  root: string;
  /** Top-level ids in the pod, root first. */
  members: string[];
}

/**
 * Pods to fold: of every hub with at least `min` units (pods and single leaves) below it, the
 * pods of two or more boxes; inside a folded pod nothing more (its own layout folds its crowds).
 * `links` are [upper, lower] pairs of top-level ids, as the edges are oriented for layout.
 */
export function findPods(tops: string[], links: [string, string][], min: number): Pod[] {
  const idx = new Map(tops.map((t, i) => [t, i]));
  const n = tops.length;
  const adj: { to: number; e: number }[][] = tops.map(() => []);
  const pointedTo = new Array<boolean>(n).fill(false);
  const seen = new Set<string>();
  links.forEach(([a, b], e) => {
    const [i, j] = [idx.get(a)!, idx.get(b)!];
    // Parallel cables between two boxes are one tie here: a pod may hang off its hub by several.
    if (i === j || seen.has(`${Math.min(i, j)} ${Math.max(i, j)}`)) return;
    seen.add(`${Math.min(i, j)} ${Math.max(i, j)}`);
    adj[i]!.push({ to: j, e });
    adj[j]!.push({ to: i, e });
    pointedTo[j] = true;
  });
  const tin = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const size = new Array<number>(n).fill(1);
  const kids: number[][] = tops.map(() => []);
  const bridgeKid = new Array<boolean>(n).fill(false);
  let clock = 0;
  // Roots: topmost boxes first (most cables first), then whatever is left (other components).
  const order = [...tops.keys()].sort((a, b) => Number(pointedTo[a]) - Number(pointedTo[b]) || adj[b]!.length - adj[a]!.length || a - b);
  const roots: number[] = [];
  for (const r of order) {
    if (tin[r] !== -1) continue;
    roots.push(r);
    const stack: { v: number; pe: number; k: number }[] = [{ v: r, pe: -1, k: 0 }];
    tin[r] = low[r] = clock++;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = adj[top.v]![top.k++];
      if (next) {
        if (next.e === top.pe) continue;
        if (tin[next.to] === -1) {
          tin[next.to] = low[next.to] = clock++;
          kids[top.v]!.push(next.to);
          stack.push({ v: next.to, pe: next.e, k: 0 });
        } else low[top.v] = Math.min(low[top.v]!, tin[next.to]!);
        continue;
      }
      stack.pop();
      const up = stack[stack.length - 1];
      if (up) {
        low[up.v] = Math.min(low[up.v]!, low[top.v]!);
        size[up.v]! += size[top.v]!;
        if (low[top.v]! > tin[up.v]!) bridgeKid[top.v] = true;
      }
    }
  }
  const subtree = (v: number): string[] => {
    const out: string[] = [];
    const st = [v];
    while (st.length) {
      const x = st.pop()!;
      out.push(tops[x]!);
      for (let k = kids[x]!.length - 1; k >= 0; k--) st.push(kids[x]![k]!);
    }
    return out;
  };
  const pods: Pod[] = [];
  const todo = [...roots];
  while (todo.length) {
    const h = todo.pop()!;
    const units = kids[h]!.filter((v) => bridgeKid[v]);
    const folds = units.length >= min;
    for (const v of kids[h]!) {
      if (folds && bridgeKid[v]) {
        if (size[v]! >= 2) pods.push({ hub: tops[h]!, root: tops[v]!, members: subtree(v) });
      } else todo.push(v);
    }
  }
  return pods;
}
