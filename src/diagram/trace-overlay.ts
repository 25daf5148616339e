// draw --trace: mark the elements a packet crosses, using the offline trace of src/semantics.
// Design side: the nodes it visits and, inside each broadcast domain, the cables on the path
// between the two ends (the trace names the whole domain; the picture shows the way through).
// Twin side: the devices its hops name ("eth0@vn-lab-pc1") and the edges between them.
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { formatTrace, traceOffline, type TraceOptions } from '../semantics/trace.js';
import { designNodeId, nicId } from './design-graph.js';
import { allNodes, type DiagramGraph } from './graph.js';
import { devKey } from './plan-objects.js';
import { pushTo } from '../collections.js';

export interface TraceRequest extends TraceOptions {
  from: string;
  to: string;
}

export function overlayTrace(g: DiagramGraph, src: Design | Plan, design: Design, req: TraceRequest): void {
  const t = traceOffline(src, req.from, req.to, req.tcpPort !== undefined ? { tcpPort: req.tcpPort } : {});
  const hops = t.request;
  const nodes = allNodes(g);
  const traced = new Set<string>();
  if (g.side === 'design') {
    const servers = new Set(design.nodes.filter((n) => n.kind === 'server').map((n) => n.name));
    for (const h of hops) traced.add(designNodeId(h.node));
    for (const h of hops) {
      if (h.action !== 'l2') continue;
      const m = /: ([^/\s]+)\/(\S+) -> ([^/\s]+)\/(\S+)$/.exec(h.detail);
      const links = h.realizes.filter((r) => r.startsWith('link:')).map((r) => Number(r.slice(5)));
      const path = m ? pathThrough(design, links, m[1]!, m[3]!) : links;
      for (const l of path) traced.add(`link:${l}`);
      if (m) for (const [node, dev] of [[m[1]!, m[2]!], [m[3]!, m[4]!]] as const) if (servers.has(node)) traced.add(nicId(node, dev));
      // A VM's attachment to its server NIC is on the path whenever the VM is.
      for (const e of g.edges) if (e.style === 'vnic' && traced.has(e.target)) traced.add(e.id);
    }
    for (const e of g.edges) if (traced.has(e.id)) traced.add(e.source), traced.add(e.target);
  } else {
    for (const h of hops) for (const m of h.detail.matchAll(/(\S+)@(\S+)/g)) traced.add(devKey(m[2] === 'root' ? null : m[2]!, m[1]!));
    for (const e of g.edges) if (traced.has(e.source) && traced.has(e.target)) traced.add(e.id);
  }
  for (const n of nodes) if (traced.has(n.id)) n.traced = true;
  for (const e of g.edges) if (traced.has(e.id)) e.traced = true;
  g.notes.push(...formatTrace(t).split('\n'));
}

/** Links on the shortest path from node a to node b using only the given links. */
function pathThrough(d: Design, links: number[], a: string, b: string): number[] {
  const adj = new Map<string, { to: string; link: number }[]>();
  const add = (x: string, y: string, link: number) => pushTo(adj, x, { to: y, link });
  for (const l of d.links)
    if (links.includes(l.index)) {
      add(l.ends[0].node, l.ends[1].node, l.index);
      add(l.ends[1].node, l.ends[0].node, l.index);
    }
  // VMs reach their server's NIC inside the server: an implicit hop with no link.
  for (const n of d.nodes) if (n.kind === 'vm') (add(n.name, n.server, 0), add(n.server, n.name, 0));
  const prev = new Map<string, { from: string; link: number }>([[a, { from: a, link: 0 }]]);
  const queue = [a];
  for (let i = 0; i < queue.length && !prev.has(b); i++)
    for (const { to, link } of adj.get(queue[i]!) ?? []) if (!prev.has(to)) (prev.set(to, { from: queue[i]!, link }), queue.push(to));
  if (!prev.has(b)) return links;
  const out: number[] = [];
  for (let cur = b; cur !== a; cur = prev.get(cur)!.from) if (prev.get(cur)!.link) out.push(prev.get(cur)!.link);
  return out.reverse();
}
