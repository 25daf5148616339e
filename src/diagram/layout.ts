// Layout with ELK's layered algorithm: deterministic for a given input (fixed seed, model
// order respected), hierarchical so frames (servers, namespaces) hold their children and
// edges may cross frame borders. Returns absolute coordinates for the SVG writer and tests.
import { createRequire } from 'node:module';
import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { gridLayout } from './leaf-grid.js';
import { FRAME_SHAPES, LINE_PX, TITLE_PX, textWidth, walk, type DEdge, type DGroup, type DiagramGraph, type DNode } from './graph.js';

// The shapes a layout produces are in layout-types.ts: the library's declarations name them
// without reaching elkjs's own (which do not type-check in every consumer's build).
export type { Box, Layout, PlacedEdge, PlacedGroup, PlacedLabel, PlacedNode, Point } from './layout-types.js';
import type { Box, Layout, PlacedEdge, PlacedGroup, PlacedLabel, PlacedNode, Point } from './layout-types.js';
export const PAD = 8;
export const TITLE_H = 17;
export const LINE_H = 13;
export const ICON_W = 20;
export const FRAME_SIDE = 14;
export const LABEL_H = 13;

/** Height of a frame's header (title and lines) = its top padding. */
export const headerHeight = (n: DNode): number => PAD + TITLE_H + n.lines.length * LINE_H + 6;

export function leafSize(n: DNode): { width: number; height: number } {
  const w = Math.max(textWidth(n.title, TITLE_PX) + ICON_W, ...n.lines.map((l) => textWidth(l, LINE_PX)));
  return { width: Math.max(64, w + 2 * PAD), height: PAD + TITLE_H + n.lines.length * LINE_H + PAD - 2 };
}

export const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.randomSeed': '1',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.edgeNode': '12',
  'elk.spacing.edgeEdge': '8',
  'elk.spacing.edgeLabel': '3',
  'elk.spacing.componentComponent': '28',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

/** Beyond this many boxes, trade some crossing minimisation for time (1,000-host designs). */
const BIG = 300;
const BIG_OPTIONS: Record<string, string> = {
  'elk.layered.thoroughness': '1',
  'elk.layered.considerModelOrder.strategy': 'NONE',
};
const nodeCount = (ns: DNode[]): number => ns.reduce((k, n) => k + 1 + nodeCount(n.children), 0);

export function toElk(n: DNode, sizes?: Map<string, { width: number; height: number }>): ElkNode {
  const fixed = sizes?.get(n.id);
  if (fixed) return { id: n.id, ...fixed };
  if (FRAME_SHAPES.has(n.shape)) {
    const minW = Math.max(textWidth(n.title, TITLE_PX) + ICON_W, ...n.lines.map((l) => textWidth(l, LINE_PX))) + 2 * FRAME_SIDE;
    return {
      id: n.id,
      children: n.children.map((c) => toElk(c, sizes)),
      layoutOptions: {
        'elk.padding': `[top=${headerHeight(n) + 8},left=${FRAME_SIDE},bottom=${FRAME_SIDE},right=${FRAME_SIDE}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // elkjs 0.12 with INCLUDE_CHILDREN and direction DOWN reads a compound node's minimum
        // size transposed (measured: "(300, 50)" gives height 300), so it is given as (h, w).
        'elk.nodeSize.minimum': `(${headerHeight(n) + 30}, ${minW})`,
      },
    };
  }
  return { id: n.id, ...leafSize(n) };
}

export function label(text: string | undefined, at: PlacedLabel['at']): ElkLabel[] {
  if (!text) return [];
  const placement = at === 'tail' ? 'TAIL' : at === 'head' ? 'HEAD' : 'CENTER';
  return [{ id: at, text, width: textWidth(text, LINE_PX) + 4, height: LABEL_H, layoutOptions: { 'elk.edgeLabels.placement': placement } }];
}

let elk: Promise<ELK> | undefined;

/**
 * ELK itself, loaded on first use: elk.bundled.js is 1.4 MB of CommonJS that every command
 * importing this file (verify's HTML report does) would otherwise parse at start-up. Loaded
 * with require(), not import(): the executable runs the CLI as a script from V8's code cache
 * (src/cli/launch.ts), and Node.js 20 offers such a script no import() callback.
 */
function engine(): Promise<ELK> {
  elk ??= Promise.resolve().then(() => {
    const mod = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as { default?: unknown };
    return new ((mod.default ?? mod) as new () => ELK)();
  });
  return elk;
}

export const r1 = (v: number) => Math.round(v * 10) / 10;

export async function layout(g: DiagramGraph): Promise<Layout> {
  const big = nodeCount(g.nodes) > BIG;
  const options = big ? { ...ROOT_OPTIONS, ...BIG_OPTIONS } : ROOT_OPTIONS;
  // Small diagrams go through ELK whole (their pictures are pinned by review); big ones first
  // fold each crowd of hosts hanging off one switch into a grid block (see leaf-grid.ts).
  const r = (big && (await gridLayout(g, options, runElk))) || (await runElk(g.nodes, g.edges, options));
  return { graph: g, width: r.width, height: r.height, nodes: r.nodes, edges: r.edges, groups: placeGroups(g.groups, r.nodes, r.edges) };
}

export interface ElkResult {
  width: number;
  height: number;
  /** Absolute boxes, parents before children. */
  nodes: PlacedNode[];
  /** In the order of the edges given. */
  edges: PlacedEdge[];
}
export type ElkRun = (nodes: DNode[], edges: DEdge[], options: Record<string, string>, sizes?: Map<string, { width: number; height: number }>) => Promise<ElkResult>;

/** One ELK run over some nodes (with their children) and edges; `sizes` fixes the size of stand-in boxes, at any depth. */
export const runElk: ElkRun = async (gNodes, gEdges, options, sizes) => {
  const root: ElkNode = {
    id: '__root',
    layoutOptions: options,
    children: gNodes.map((n) => toElk(n, sizes)),
    edges: gEdges.map(
      (e): ElkExtendedEdge => ({
        id: e.id,
        sources: [e.source],
        targets: [e.target],
        labels: [...label(e.tail, 'tail'), ...label(e.center, 'center'), ...label(e.head, 'head')],
      }),
    ),
  };
  const out = await (await engine()).layout(root);

  const byId = new Map<string, DNode>([...walk(gNodes)].map((w) => [w.node.id, w.node]));
  const abs = new Map<string, Point>([['__root', { x: 0, y: 0 }]]);
  const nodes: PlacedNode[] = [];
  const visit = (en: ElkNode, off: Point, depth: number, parent?: string) => {
    for (const c of en.children ?? []) {
      const p = { x: off.x + (c.x ?? 0), y: off.y + (c.y ?? 0) };
      abs.set(c.id, p);
      nodes.push({ node: byId.get(c.id)!, box: { x: r1(p.x), y: r1(p.y), w: r1(c.width ?? 0), h: r1(c.height ?? 0) }, depth, parent });
      visit(c, p, depth + 1, c.id);
    }
  };
  visit(out, { x: 0, y: 0 }, 0);

  const edgeById = new Map(gEdges.map((e) => [e.id, e]));
  const edges: PlacedEdge[] = [];
  const collect = (en: ElkNode) => {
    for (const e of en.edges ?? []) {
      const container = (e as ElkExtendedEdge & { container?: string }).container ?? en.id;
      const off = abs.get(container) ?? { x: 0, y: 0 };
      const pt = (p: Point) => ({ x: r1(off.x + p.x), y: r1(off.y + p.y) });
      const points: Point[] = [];
      for (const s of e.sections ?? []) points.push(pt(s.startPoint), ...(s.bendPoints ?? []).map(pt), pt(s.endPoint));
      const labels = (e.labels ?? []).map((l) => ({
        text: l.text ?? '',
        at: l.id as PlacedLabel['at'],
        box: { x: r1(off.x + (l.x ?? 0)), y: r1(off.y + (l.y ?? 0)), w: l.width ?? 0, h: l.height ?? 0 },
      }));
      edges.push({ edge: edgeById.get(e.id)!, points, labels });
    }
    for (const c of en.children ?? []) collect(c);
  };
  collect(out);
  const order = new Map(gEdges.map((e, i) => [e.id, i]));
  edges.sort((a, b) => order.get(a.edge.id)! - order.get(b.edge.id)!);
  return { width: r1(out.width ?? 0), height: r1(out.height ?? 0), nodes, edges };
};

/** Domains as padded boxes around their nodes plus their edges' routes; a node in several
 * domains gets a wider ring per domain so every domain stays visible around it. */
function placeGroups(groups: DGroup[], nodes: PlacedNode[], edges: PlacedEdge[]): PlacedGroup[] {
  const boxOf = new Map(nodes.map((n) => [n.node.id, n.box]));
  const pathOf = new Map(edges.map((e) => [e.edge.id, e.points]));
  const rings = new Map<string, number>();
  return groups.map((group, color) => {
    const rects: Box[] = [];
    for (const id of group.nodes) {
      const b = boxOf.get(id);
      if (!b) continue;
      const k = rings.get(id) ?? 0;
      rings.set(id, k + 1);
      const pad = 5 + 4 * k;
      rects.push({ x: b.x - pad, y: b.y - pad, w: b.w + 2 * pad, h: b.h + 2 * pad });
    }
    const paths = group.edges.map((id) => pathOf.get(id)).filter((p): p is Point[] => !!p && p.length > 1);
    return { group, color, rects, paths };
  });
}
