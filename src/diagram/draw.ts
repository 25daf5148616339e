// The diagram API: a design (and optionally the plan of its twin) in, a picture out.
// SVG and HTML go through ELK layout; Mermaid and Graphviz leave layout to their tools.
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { designGraph } from './design-graph.js';
import { toDot } from './dot.js';
import type { DiagramGraph } from './graph.js';
import { htmlPage } from './html.js';
import { layout, type Layout } from './layout.js';
import { toMermaid } from './mermaid.js';
import { planGraph } from './plan-graph.js';
import { composeSvg } from './svg.js';

export type Side = 'design' | 'twin' | 'both';
export type DrawFormat = 'svg' | 'html' | 'mmd' | 'dot';

/** The graphs for the requested side(s), design first. A twin needs a plan. */
export function graphs(design: Design, plan: Plan | undefined, side: Side = 'both'): DiagramGraph[] {
  const out: DiagramGraph[] = [];
  if (side !== 'twin') out.push(designGraph(design));
  if (side !== 'design') {
    if (!plan) throw new Error(`drawing the twin needs a plan (side "${side}")`);
    out.push(planGraph(plan, design));
  }
  return out;
}

export async function layouts(design: Design, plan: Plan | undefined, side: Side = 'both'): Promise<Layout[]> {
  const out: Layout[] = [];
  // One at a time: ELK's bundled engine is synchronous underneath, parallel buys nothing.
  for (const g of graphs(design, plan, side)) out.push(await layout(g));
  return out;
}

export async function drawSvg(design: Design, plan: Plan | undefined, side: Side = 'both'): Promise<string> {
  return composeSvg(await layouts(design, plan, side));
}

/** A self-contained HTML page: both sides inline, hovering an element highlights its counterparts. */
export async function drawHtml(design: Design, plan: Plan | undefined, side: Side = 'both'): Promise<string> {
  const ls = await layouts(design, plan, side);
  return htmlPage(design.name, ls.map((l) => composeSvg([l])));
}

export function drawMermaid(design: Design, plan: Plan | undefined, side: Side = 'both'): string {
  return toMermaid(graphs(design, plan, side));
}

export function drawDot(design: Design, plan: Plan | undefined, side: Side = 'both'): string {
  return toDot(graphs(design, plan, side));
}

export async function draw(design: Design, plan: Plan | undefined, format: DrawFormat, side: Side = 'both'): Promise<string> {
  switch (format) {
    case 'svg':
      return drawSvg(design, plan, side);
    case 'html':
      return drawHtml(design, plan, side);
    case 'mmd':
      return drawMermaid(design, plan, side);
    case 'dot':
      return drawDot(design, plan, side);
  }
}
