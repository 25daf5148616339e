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
import { composeSvg } from './svg.js';
import { overlayTrace, type TraceRequest } from './trace-overlay.js';

export type Side = 'design' | 'twin' | 'both';
export type { TraceRequest } from './trace-overlay.js';
export type DrawFormat = 'svg' | 'html' | 'mmd' | 'dot';

/**
 * The graphs for the requested side(s), design first. A twin needs a plan, or its graph made
 * by its engine (`twin`: the OVN engine draws its own, src/engines/ovn/diagram.ts).
 */
export function graphs(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): DiagramGraph[] {
  const out: DiagramGraph[] = [];
  if (side !== 'twin') {
    const g = designGraph(design);
    if (trace) overlayTrace(g, design, design, trace);
    out.push(g);
  }
  if (side !== 'design') {
    if (twin) out.push(twin);
    else {
      if (!plan) throw new Error(`drawing the twin needs a plan (side "${side}")`);
      const g = planGraph(plan, design);
      if (trace) overlayTrace(g, plan, design, trace);
      out.push(g);
    }
  }
  return out;
}

export async function layouts(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): Promise<Layout[]> {
  const out: Layout[] = [];
  // One at a time: ELK's bundled engine is synchronous underneath, parallel buys nothing.
  for (const g of graphs(design, plan, side, trace, twin)) out.push(await layout(g));
  return out;
}

export async function drawSvg(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): Promise<string> {
  return composeSvg(await layouts(design, plan, side, trace, twin));
}

/** A self-contained HTML page: both sides inline, hovering an element highlights its counterparts. */
export async function drawHtml(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): Promise<string> {
  const ls = await layouts(design, plan, side, trace, twin);
  return htmlPage(design.name, ls.map((l) => composeSvg([l])));
}

export function drawMermaid(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): string {
  return toMermaid(graphs(design, plan, side, trace, twin));
}

export function drawDot(design: Design, plan: Plan | undefined, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): string {
  return toDot(graphs(design, plan, side, trace, twin));
}

export async function draw(design: Design, plan: Plan | undefined, format: DrawFormat, side: Side = 'both', trace?: TraceRequest, twin?: DiagramGraph): Promise<string> {
  switch (format) {
    case 'svg':
      return drawSvg(design, plan, side, trace, twin);
    case 'html':
      return drawHtml(design, plan, side, trace, twin);
    case 'mmd':
      return drawMermaid(design, plan, side, trace, twin);
    case 'dot':
      return drawDot(design, plan, side, trace, twin);
  }
}
