// Which way is "up" in a network picture: the outside world at the top, then routers, core
// and access switches, hosts at the bottom. Files list link ends in any order, so edges are
// oriented by this rank before layout (ELK's layered algorithm puts sources above targets).
import type { Design, DesignNode } from '../model/types.js';
import { pushTo } from '../collections.js';

const TIER: Record<DesignNode['kind'], number> = { external: 0, router: 1, 'l3-switch': 2, switch: 3, server: 4, vm: 5, host: 5 };

export interface Rank {
  /** Smaller is higher in the picture. */
  of(node: string): number;
  /** -1 when a should be drawn above b, 1 when below, 0 when it does not matter. */
  compare(a: string, b: string): number;
}

/** Hop distance from the most "upstream" kind of node present, then tier, then file order. */
export function designRank(d: Design): Rank {
  const byName = new Map(d.nodes.map((n, i) => [n.name, { n, i }]));
  const adj = new Map<string, string[]>();
  const connect = (a: string, b: string) => {
    pushTo(adj, a, b);
    pushTo(adj, b, a);
  };
  for (const l of d.links) connect(l.ends[0].node, l.ends[1].node);
  for (const n of d.nodes) if (n.kind === 'vm') connect(n.server, n.name);

  const top = Math.min(...d.nodes.map((n) => TIER[n.kind]));
  const dist = new Map<string, number>();
  const queue = d.nodes.filter((n) => TIER[n.kind] === top).map((n) => n.name);
  for (const q of queue) dist.set(q, 0);
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    for (const nb of adj.get(cur) ?? []) {
      if (dist.has(nb)) continue;
      dist.set(nb, dist.get(cur)! + 1);
      queue.push(nb);
    }
  }
  // Islands that never reach the top sit below everything else, ordered by kind.
  const of = (name: string): number => {
    const e = byName.get(name);
    if (!e) return 1e6;
    return dist.get(name) ?? 1000 + TIER[e.n.kind];
  };
  return {
    of,
    compare(a, b) {
      const ra = of(a);
      const rb = of(b);
      if (ra !== rb) return ra < rb ? -1 : 1;
      const ta = byName.get(a);
      const tb = byName.get(b);
      if (!ta || !tb) return 0;
      if (TIER[ta.n.kind] !== TIER[tb.n.kind]) return TIER[ta.n.kind] < TIER[tb.n.kind] ? -1 : 1;
      return 0;
    },
  };
}
