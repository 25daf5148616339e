// The diagram API: a design (and optionally the plan of its twin) in, a picture out.
// SVG and HTML go through ELK layout; Mermaid and Graphviz leave layout to their tools.
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { designGraph } from './design-graph.js';
import { toDot } from './dot.js';
import type { DiagramGraph } from './graph.js';
import { htmlPage } from './html.js';
import { layout } from './layout.js';
import type { Layout } from './layout-types.js';
import { toMermaid } from './mermaid.js';
import { planGraph } from './plan-graph.js';
import { collapseGraph, shouldGroup, type GroupMode } from './collapse.js';
import { composeSvg } from './svg.js';
import { overlayTrace, type TraceRequest } from './trace-overlay.js';

export type Side = 'design' | 'twin' | 'both';
export type { TraceRequest } from './trace-overlay.js';
export type DrawFormat = 'svg' | 'html' | 'mmd' | 'dot';
export type { GroupMode } from './collapse.js';

export interface DrawOptions {
  /** Fold crowds of identical leaves into group boxes (collapse.ts): above 300 boxes (auto, the default), always, or never. */
  group?: GroupMode;
  /** The twin's graph made by its engine, instead of one from the plan (the OVN engine draws its own, src/engines/ovn/diagram.ts). */
  twin?: DiagramGraph;
}

/** The graphs for the requested side(s), design first. A twin needs a plan, or its graph made by its engine (opts.twin). */
export function graphs(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): DiagramGraph[] {
  const out: DiagramGraph[] = [];
  if (side !== 'twin') {
    const g = designGraph(design);
    if (trace) overlayTrace(g, design, design, trace);
    out.push(grouped(g, opts));
  }
  if (side !== 'design') {
    if (opts.twin) out.push(grouped(opts.twin, opts));
    else {
      if (!plan) throw new Error(`drawing the twin needs a plan (side "${side}")`);
      const g = planGraph(plan, design);
      if (trace) overlayTrace(g, plan, design, trace);
      out.push(grouped(g, opts));
    }
  }
  return out;
}

const grouped = (g: DiagramGraph, opts: DrawOptions): DiagramGraph => (shouldGroup(g, opts.group) ? collapseGraph(g) : g);

export async function layouts(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): Promise<Layout[]> {
  const out: Layout[] = [];
  // One at a time: ELK's bundled engine is synchronous underneath, parallel buys nothing.
  for (const g of graphs(design, plan, side, trace, opts)) out.push(await layout(g));
  return out;
}

export async function drawSvg(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): Promise<string> {
  return composeSvg(await layouts(design, plan, side, trace, opts));
}

/** A self-contained HTML page: both sides inline, hovering an element highlights its counterparts. */
export async function drawHtml(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): Promise<string> {
  const ls = await layouts(design, plan, side, trace, opts);
  return htmlPage(design.name, ls.map((l) => composeSvg([l])));
}

export function drawMermaid(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): string {
  return toMermaid(graphs(design, plan, side, trace, opts));
}

export function drawDot(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): string {
  return toDot(graphs(design, plan, side, trace, opts));
}

export async function draw(design: Design, plan: Plan | undefined, format: DrawFormat, side: Side = 'both', trace?: TraceRequest, opts: DrawOptions = {}): Promise<string> {
  switch (format) {
    case 'svg':
      return drawSvg(design, plan, side, trace, opts);
    case 'html':
      return drawHtml(design, plan, side, trace, opts);
    case 'mmd':
      return drawMermaid(design, plan, side, trace, opts);
    case 'dot':
      return drawDot(design, plan, side, trace, opts);
  }
}
