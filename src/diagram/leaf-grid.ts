// Big diagrams: a switch with fifty hosts hanging off it makes ELK's layered layout put all
// fifty in one layer. With twenty such switches that is one row 150,000 px wide, and most of
// the 10-20 s a 1,000-host drawing took went into ordering and placing that row.
//
// So, above the size threshold only, every crowd of "leaves" (top-level nodes whose every edge
// goes to one and the same other top-level node, the hub) is folded into one stand-in box of
// the size of a grid of those leaves. ELK lays out the much smaller graph; then the leaves are
// put back in their grid and each leaf's cable is drawn as ELK's route to the block (the trunk)
// continued along bus lanes above the grid rows down to the leaf. Leaves that are frames
// (namespaces holding devices) are laid out once per distinct shape and copied.
import type { DEdge, DiagramGraph, DNode } from './graph.js';
import { node, textWidth, walk, LINE_PX } from './graph.js';
import { findPods } from './pods.js';
import { LABEL_H, leafSize, r1, type ElkResult, type ElkRun, type PlacedEdge, type PlacedLabel, type PlacedNode, type Point } from './layout.js';

/** Fewer leaves than this on one hub are left to ELK: a short row reads better than a grid. */
const MIN_LEAVES = 8;
const BPAD = 12; // block padding, left/right/bottom
const GAP_X = 16; // between grid columns; the spine runs in the middle of it
const LANE = 4; // the bus lane's offset inside the band
/** Width over height a grid block aims at (a screen's). */
const ASPECT = 1.6;

interface Group {
  hub: string;
  block: DNode;
  leaves: DNode[];
  /** The cables between the hub and these leaves. */
  edges: DEdge[];
}

interface Placed {
  /** Leaf-relative boxes of the leaf and its descendants, parents first. */
  nodes: { node: DNode; box: { x: number; y: number; w: number; h: number }; depth: number; parent?: string }[];
  edges: PlacedEdge[];
  w: number;
  h: number;
}

/** The folded layout, or undefined when the graph has no crowd worth folding. */
export async function gridLayout(g0: DiagramGraph, options: Record<string, string>, run: ElkRun): Promise<ElkResult | undefined> {
  // Above each row: the bus lane and the two port labels of each drop. (Computed here, not at
  // module level: layout.ts and this file import each other.)
  const BAND = 2 * LABEL_H + 10;
  const topOf = new Map<string, string>();
  for (const t of g0.nodes) for (const w of walk([t])) topOf.set(w.node.id, t.id);
  // Pods (pods.ts) are laid out on their own first, then stand in as leaves of their hub.
  const pods = findPods(
    g0.nodes.map((n) => n.id),
    g0.edges.map((e) => [topOf.get(e.source)!, topOf.get(e.target)!]),
    MIN_LEAVES,
  );
  const pre = new Map<string, Placed>();
  let g = g0;
  if (pods.length) {
    const podOf = new Map<string, string>();
    for (const p of pods) for (const m of p.members) podOf.set(m, `__pod ${p.root}`);
    for (const p of pods) {
      const id = `__pod ${p.root}`;
      const nodes = g0.nodes.filter((n) => podOf.get(n.id) === id);
      const edges = g0.edges.filter((e) => podOf.get(topOf.get(e.source)!) === id && podOf.get(topOf.get(e.target)!) === id);
      const sub = { ...g0, nodes, edges, groups: [] };
      const r = (await gridLayout(sub, options, run)) ?? (await run(nodes, edges, options));
      pre.set(id, { nodes: r.nodes, edges: r.edges, w: r.width, h: r.height });
    }
    const done = new Set<string>();
    g = {
      ...g0,
      nodes: g0.nodes.flatMap((n) => {
        const id = podOf.get(n.id);
        if (!id) return [n];
        if (done.has(id)) return [];
        done.add(id);
        return [node(id, 'host', '')];
      }),
      edges: g0.edges.filter((e) => !(podOf.has(topOf.get(e.source)!) && podOf.get(topOf.get(e.source)!) === podOf.get(topOf.get(e.target)!))),
    };
    for (const [id, t] of topOf) if (podOf.has(t)) topOf.set(id, podOf.get(t)!);
  }
  const nbrs = new Map<string, Set<string>>();
  for (const e of g.edges) {
    const a = topOf.get(e.source)!;
    const b = topOf.get(e.target)!;
    if (a === b) continue;
    (nbrs.get(a) ?? nbrs.set(a, new Set()).get(a)!).add(b);
    (nbrs.get(b) ?? nbrs.set(b, new Set()).get(b)!).add(a);
  }
  const hubOf = new Map<string, string>();
  for (const n of g.nodes) {
    const ns = nbrs.get(n.id);
    if (ns?.size !== 1) continue;
    const hub = [...ns][0]!;
    if (nbrs.get(hub)!.size > 1) hubOf.set(n.id, hub); // a pair of nodes is not a crowd
  }
  const byHub = new Map<string, DNode[]>();
  for (const n of g.nodes) if (hubOf.has(n.id)) (byHub.get(hubOf.get(n.id)!) ?? byHub.set(hubOf.get(n.id)!, []).get(hubOf.get(n.id)!)!).push(n);
  const groups = new Map<string, Group>(); // by hub
  for (const [hub, leaves] of byHub) if (leaves.length >= MIN_LEAVES) groups.set(hub, { hub, block: node(`__block ${hub}`, 'host', ''), leaves, edges: [] });
  if (!groups.size) return undefined;
  const groupOfLeaf = new Map<string, Group>();
  for (const gr of groups.values()) for (const l of gr.leaves) groupOfLeaf.set(l.id, gr);

  // Split the edges: inside one leaf, between a hub and its folded leaves, the rest.
  const inside = new Map<string, DEdge[]>();
  const kept: DEdge[] = [];
  const trunks = new Map<string, DEdge>();
  const trunkOf = new Map<string, string>(); // leaf cable id -> trunk id
  const trunkUsers = new Map<string, number>();
  for (const e of g.edges) {
    const a = topOf.get(e.source)!;
    const b = topOf.get(e.target)!;
    const la = groupOfLeaf.get(a);
    const lb = groupOfLeaf.get(b);
    if (a === b && la) (inside.get(a) ?? inside.set(a, []).get(a)!).push(e);
    else if (la || lb) {
      const gr = (la ?? lb)!;
      gr.edges.push(e);
      const hubEnd = la ? e.target : e.source;
      // A cable from inside the hub's frame (a switch namespace's port) shares one trunk from
      // the frame itself: fifty cross-frame edges were most of what was left of ELK's time.
      const from = hubEnd === gr.hub ? hubEnd : gr.hub;
      const id = `__trunk ${gr.block.id} ${from}`;
      // The hub's side of the cable is labelled by ELK when the trunk carries this cable alone.
      const hubLabel = hubEnd === e.source ? e.tail : e.head;
      if (!trunks.has(id)) trunks.set(id, { id, source: from, target: gr.block.id, tail: hubLabel, style: e.style, refs: [], objects: [] });
      trunkOf.set(e.id, id);
      trunkUsers.set(id, (trunkUsers.get(id) ?? 0) + 1);
    } else kept.push(e);
  }
  for (const [id, n] of trunkUsers) if (n > 1) delete trunks.get(id)!.tail;

  const placed = await placeLeaves([...groupOfLeaf.keys()].map((id) => g.nodes.find((n) => n.id === id)!), inside, options, run, pre);

  // Each block: a grid of near-square aspect (wider than tall, as screens are).
  const sizes = new Map<string, { width: number; height: number }>();
  const grids = new Map<string, { cols: number; cw: number; rh: number; cell: Map<string, { r: number; c: number }> }>();
  for (const gr of groups.values()) {
    const n = gr.leaves.length;
    const cw = Math.max(...gr.leaves.map((l) => placed.get(l.id)!.w));
    const rh = Math.max(...gr.leaves.map((l) => placed.get(l.id)!.h));
    // Columns for a block ASPECT times as wide as tall, whatever the cells' own shape (a grid of
    // wide pods gets fewer columns than a grid of hosts), then rows evened out.
    const want = Math.sqrt((ASPECT * n * (BAND + rh)) / (cw + GAP_X));
    const rows = Math.ceil(n / Math.min(n, Math.max(1, Math.round(want))));
    const cols = Math.ceil(n / rows);
    const cell = new Map(gr.leaves.map((l, k) => [l.id, { r: Math.floor(k / cols), c: k % cols }]));
    grids.set(gr.block.id, { cols, cw, rh, cell });
    sizes.set(gr.block.id, { width: 2 * BPAD + cols * cw + (cols - 1) * GAP_X, height: rows * (BAND + rh) + BPAD });
  }

  // Inside a hub's frame, the ports of those cables, each tied to one and the same sibling
  // (the bridge), become one row stand-in: ELK then sees a few boxes per frame, not fifty.
  const cableEnds = new Set([...groups.values()].flatMap((gr) => gr.edges.map((e) => (groupOfLeaf.has(topOf.get(e.source)!) ? e.target : e.source))));
  const touch = new Map<string, DEdge[]>();
  for (const e of kept) for (const end of [e.source, e.target]) (touch.get(end) ?? touch.set(end, []).get(end)!).push(e);
  const rows = new Map<string, { ports: DNode[]; edges: DEdge[]; cw: number }>(); // by stand-in id
  const folded = new Map<string, DNode>(); // hub id -> its copy with rows folded
  const rowEdges = new Map<string, DEdge>();
  const rowOfEdge = new Set<string>();
  for (const gr of groups.values()) {
    const hub = g.nodes.find((n) => n.id === gr.hub)!;
    const sibling = new Set(hub.children.map((c) => c.id));
    const bySib = new Map<string, DNode[]>();
    for (const c of hub.children) {
      const es = touch.get(c.id) ?? [];
      // Only unlabelled ties: the row's lane has no room for labels.
      if (c.children.length || !cableEnds.has(c.id) || es.length !== 1 || es[0]!.tail || es[0]!.head || es[0]!.center) continue;
      const other = es[0]!.source === c.id ? es[0]!.target : es[0]!.source;
      if (sibling.has(other) && other !== c.id) (bySib.get(other) ?? bySib.set(other, []).get(other)!).push(c);
    }
    let children = hub.children;
    for (const [sib, ports] of bySib) {
      if (ports.length < MIN_LEAVES) continue;
      const id = `__row ${hub.id} ${sib}`;
      const stand = node(id, 'dev', '');
      const set = new Set(ports);
      children = children.flatMap((c) => (c === ports[0] ? [stand] : set.has(c) ? [] : [c]));
      const cw = Math.max(...ports.map((q) => leafSize(q).width));
      const rh = Math.max(...ports.map((q) => leafSize(q).height));
      sizes.set(id, { width: 2 * BPAD + ports.length * cw + (ports.length - 1) * GAP_X, height: BAND + rh + BPAD });
      const edges = ports.map((q) => touch.get(q.id)![0]!);
      for (const e of edges) rowOfEdge.add(e.id);
      rows.set(id, { ports, edges, cw });
      rowEdges.set(`__rowedge ${id}`, { id: `__rowedge ${id}`, source: sib, target: id, style: edges[0]!.style, refs: [], objects: [] });
    }
    if (children !== hub.children) folded.set(hub.id, { ...hub, children });
  }

  // The folded graph keeps the model order: each block stands where its first leaf stood.
  const reduced: DNode[] = [];
  for (const n of g.nodes) {
    const gr = groupOfLeaf.get(n.id);
    if (!gr) reduced.push(folded.get(n.id) ?? n);
    else if (gr.leaves[0] === n) reduced.push(gr.block);
  }
  const res = await run(reduced, [...kept.filter((e) => !rowOfEdge.has(e.id)), ...rowEdges.values(), ...trunks.values()], options, sizes);
  const original = new Map(g.nodes.map((n) => [n.id, n]));
  const unfolded: PlacedNode[] = [];
  const rowEdgesPlaced: PlacedEdge[] = [];
  const edgeAt = new Map(res.edges.map((e) => [e.edge.id, e]));
  for (const p of res.nodes) {
    const row = rows.get(p.node.id);
    if (!row) {
      unfolded.push(folded.has(p.node.id) ? { ...p, node: original.get(p.node.id)! } : p);
      continue;
    }
    // The ports in one row; each one's edge to the bridge along a lane above the row.
    const t = edgeAt.get(`__rowedge ${p.node.id}`)!;
    const lane = r1(p.box.y + LANE);
    row.ports.forEach((q, k) => {
      const sz = leafSize(q);
      const box = { x: r1(p.box.x + BPAD + k * (row.cw + GAP_X) + (row.cw - sz.width) / 2), y: r1(p.box.y + BAND), w: r1(sz.width), h: r1(sz.height) };
      unfolded.push({ node: q, box, depth: p.depth, parent: p.parent });
      const e = row.edges[k]!;
      const tx = r1(box.x + box.w / 2);
      const entry = t.points[t.points.length - 1] ?? { x: tx, y: p.box.y };
      const route = [...t.points, { x: entry.x, y: lane }, { x: tx, y: lane }, { x: tx, y: box.y }];
      rowEdgesPlaced.push({ edge: e, points: dedupe(e.target === q.id ? route : route.reverse()), labels: [] });
    });
  }
  res.nodes = unfolded;
  res.edges = [...res.edges.filter((e) => !rowEdges.has(e.edge.id)), ...rowEdgesPlaced];

  // Unfold: leaves into their cells, cables along the trunk then the bus lanes.
  const blockBox = new Map(res.nodes.filter((p) => sizes.has(p.node.id)).map((p) => [p.node.id, p.box]));
  const nodes: PlacedNode[] = [];
  const inner: PlacedEdge[] = []; // cables inside leaves
  const absBox = new Map<string, { x: number; y: number; w: number; h: number }>();
  for (const p of res.nodes) {
    const bb = blockBox.get(p.node.id);
    if (!bb) {
      nodes.push(p);
      continue;
    }
    const gr = [...groups.values()].find((x) => x.block.id === p.node.id)!;
    const grid = grids.get(gr.block.id)!;
    for (const l of gr.leaves) {
      const pl = placed.get(l.id)!;
      const { r, c } = grid.cell.get(l.id)!;
      const ox = bb.x + BPAD + c * (grid.cw + GAP_X) + (grid.cw - pl.w) / 2;
      const oy = bb.y + r * (BAND + grid.rh) + BAND;
      for (const q of pl.nodes) {
        const box = { x: r1(ox + q.box.x), y: r1(oy + q.box.y), w: q.box.w, h: q.box.h };
        absBox.set(q.node.id, box);
        nodes.push({ node: q.node, box, depth: p.depth + q.depth, parent: q.parent ?? p.parent });
      }
      for (const e of pl.edges) inner.push(shift(e, ox, oy));
    }
  }
  const hubBox = new Map(res.nodes.map((p) => [p.node.id, p.box]));
  const trunkPlaced = new Map(res.edges.map((e) => [e.edge.id, e]));
  const cables: PlacedEdge[] = [];
  for (const gr of groups.values()) {
    const bb = blockBox.get(gr.block.id)!;
    const grid = grids.get(gr.block.id)!;
    for (const e of gr.edges) {
      const leafEnd = groupOfLeaf.has(topOf.get(e.source)!) ? e.source : e.target;
      const t = trunkPlaced.get(trunkOf.get(e.id)!)!;
      const { r, c } = grid.cell.get(topOf.get(leafEnd)!)!;
      const tb = absBox.get(leafEnd)!;
      const tx = r1(tb.x + tb.w / 2);
      const lane0 = r1(bb.y + LANE);
      const laneR = r1(bb.y + r * (BAND + grid.rh) + LANE);
      const spine = r1(bb.x + BPAD + c * (grid.cw + GAP_X) - GAP_X / 2);
      const entry = t.points[t.points.length - 1] ?? { x: tx, y: bb.y };
      const hubEnd = leafEnd === e.target ? e.source : e.target;
      const route: Point[] = [];
      const frame = hubEnd === gr.hub ? undefined : hubBox.get(gr.hub);
      const start = t.points[0];
      if (frame && start) {
        // Down out of the port, along a bus under the frame, onto the frame's trunk.
        const pb = hubBox.get(hubEnd)!;
        const bus = r1(frame.y + frame.h + 6);
        const px = r1(pb.x + pb.w / 2);
        route.push({ x: px, y: r1(pb.y + pb.h) }, { x: px, y: bus }, { x: start.x, y: bus });
        const next = t.points[1];
        route.push(...(next && next.x === start.x && next.y >= bus ? t.points.slice(1) : t.points));
      } else route.push(...t.points);
      route.push({ x: entry.x, y: lane0 });
      if (r > 0) route.push({ x: spine, y: lane0 }, { x: spine, y: laneR });
      route.push({ x: tx, y: laneR }, { x: tx, y: tb.y });
      const hubLabel = leafEnd === e.target ? e.tail : e.head;
      const leafLabel = leafEnd === e.target ? e.head : e.tail;
      const hubAt: PlacedLabel['at'] = leafEnd === e.target ? 'tail' : 'head';
      const leafAt: PlacedLabel['at'] = leafEnd === e.target ? 'head' : 'tail';
      const labels: PlacedLabel[] = [];
      const trunkLabel = t.labels.find((l) => l.at === 'tail');
      if (hubLabel && trunkLabel) labels.push({ ...trunkLabel, at: hubAt });
      else if (hubLabel) labels.push(labelAt(hubLabel, hubAt, tx + 3, laneR + 2));
      if (leafLabel) labels.push(labelAt(leafLabel, leafAt, tx + 3, tb.y - LABEL_H - 1));
      if (e.center) labels.push(labelAt(e.center, 'center', tx + 3, laneR + 2 + LABEL_H));
      const points = dedupe(leafEnd === e.target ? route : route.reverse());
      cables.push({ edge: e, points, labels });
    }
  }
  const all = [...res.edges.filter((e) => !trunks.has(e.edge.id)), ...inner, ...cables];
  const order = new Map(g0.edges.map((e, i) => [e.id, i]));
  all.sort((a, b) => order.get(a.edge.id)! - order.get(b.edge.id)!);
  return { width: res.width, height: res.height, nodes, edges: all };
}

const labelAt = (text: string, at: PlacedLabel['at'], x: number, y: number): PlacedLabel => ({ text, at, box: { x: r1(x), y: r1(y), w: textWidth(text, LINE_PX) + 4, h: LABEL_H } });

function shift(e: PlacedEdge, dx: number, dy: number): PlacedEdge {
  const p = (q: Point) => ({ x: r1(q.x + dx), y: r1(q.y + dy) });
  return { edge: e.edge, points: e.points.map(p), labels: e.labels.map((l) => ({ ...l, box: { ...l.box, ...p(l.box) } })) };
}

function dedupe(ps: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of ps) {
    const a = out[out.length - 1];
    if (a && a.x === p.x && a.y === p.y) continue;
    // Drop the middle of three points on one straight line.
    const b = out[out.length - 2];
    if (a && b && ((b.x === a.x && a.x === p.x) || (b.y === a.y && a.y === p.y))) out.pop();
    out.push(p);
  }
  return out;
}

/** Each leaf's own layout, relative to its top-left corner. Plain boxes are sized directly;
 * frames go through ELK once per distinct shape (sizes, structure, inner cables) and are copied. */
async function placeLeaves(leaves: DNode[], inside: Map<string, DEdge[]>, options: Record<string, string>, run: ElkRun, pre: Map<string, Placed>): Promise<Map<string, Placed>> {
  const out = new Map<string, Placed>();
  const reps = new Map<string, DNode>();
  const sigOf = new Map<string, string>();
  for (const l of leaves) {
    const known = pre.get(l.id);
    if (known) {
      out.set(l.id, known);
      continue;
    }
    const edges = inside.get(l.id) ?? [];
    if (!l.children.length && !edges.length) {
      const s = leafSize(l);
      out.set(l.id, { nodes: [{ node: l, box: { x: 0, y: 0, w: r1(s.width), h: r1(s.height) }, depth: 0 }], edges: [], w: r1(s.width), h: r1(s.height) });
      continue;
    }
    const sig = signature(l, edges);
    sigOf.set(l.id, sig);
    if (!reps.has(sig)) reps.set(sig, l);
  }
  if (!reps.size) return out;
  const repList = [...reps.values()];
  const res = await run(repList, repList.flatMap((r) => inside.get(r.id) ?? []), options);
  const bySig = new Map<string, Placed>();
  for (const [sig, rep] of reps) {
    const top = res.nodes.find((p) => p.node.id === rep.id)!;
    const ids = new Set([...walk([rep])].map((w) => w.node.id));
    const nodes = res.nodes
      .filter((p) => ids.has(p.node.id))
      .map((p) => ({ node: p.node, box: { x: r1(p.box.x - top.box.x), y: r1(p.box.y - top.box.y), w: p.box.w, h: p.box.h }, depth: p.depth - top.depth, ...(p.node.id === rep.id ? {} : { parent: p.parent }) }));
    const edges = res.edges.filter((e) => ids.has(e.edge.source)).map((e) => shift(e, -top.box.x, -top.box.y));
    bySig.set(sig, { nodes, edges, w: top.box.w, h: top.box.h });
  }
  for (const l of leaves) {
    const sig = sigOf.get(l.id);
    if (!sig) continue;
    const rep = bySig.get(sig)!;
    // Same shape, same preorder: map the representative's nodes and cables onto this leaf's.
    const mine = [...walk([l])].map((w) => w.node);
    const repNodes = [...walk([reps.get(sig)!])].map((w) => w.node.id);
    const idMap = new Map(repNodes.map((id, k) => [id, mine[k]!]));
    const myEdges = inside.get(l.id) ?? [];
    const repEdges = inside.get(reps.get(sig)!.id) ?? [];
    const edgeMap = new Map(repEdges.map((e, k) => [e.id, myEdges[k]!]));
    out.set(l.id, {
      w: rep.w,
      h: rep.h,
      nodes: rep.nodes.map((q) => ({ ...q, node: idMap.get(q.node.id)!, ...(q.parent ? { parent: idMap.get(q.parent)!.id } : {}) })),
      edges: rep.edges.map((e) => ({ ...e, edge: edgeMap.get(e.edge.id)! })),
    });
  }
  return out;
}

/** Everything ELK sees of a leaf, without ids: equal signatures lay out identically. */
function signature(l: DNode, edges: DEdge[]): string {
  const order = new Map([...walk([l])].map((w, k) => [w.node.id, k]));
  const nodes = [...walk([l])].map(({ node: n, parent }) => [n.shape, n.title.length, n.lines.map((x) => x.length), n.children.length, parent ? order.get(parent.id) : -1]);
  const es = edges.map((e) => [order.get(e.source), order.get(e.target), e.tail?.length, e.center?.length, e.head?.length]);
  return JSON.stringify([nodes, es]);
}
