// Laid-out diagram -> SVG text. Every drawn element is a <g class="el"> carrying data-id (its
// diagram id) and data-refs (the design elements it stands for or realises), so the HTML page
// can highlight counterparts across the two sides and tests can find everything by id.
import { fnv1a } from '../plan/names.js';
import { columns, FONT, FRAME_SHAPES, LINE_PX, TITLE_PX, textWidth, uniq, walk, type DNode } from './graph.js';
import { FRAME_SIDE, ICON_W, LINE_H, PAD, TITLE_H, type Box, type Layout, type PlacedEdge, type PlacedGroup, type Point } from './layout.js';
import { body, DOMAIN_COLORS, EDGE_LOOKS, icon, TONE_COLORS } from './shapes.js';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const f = (v: number) => String(Math.round(v * 10) / 10);
export const toneColor = (name: string): string => TONE_COLORS[fnv1a(name) % TONE_COLORS.length]!;
/** The path of a traced packet. */
const TRACE = '#f03e3e';
export const domainColor = (i: number): string => DOMAIN_COLORS[i % DOMAIN_COLORS.length]!;

const attrs = (id: string, refs: string[], cls: string) =>
  `class="el ${cls}" data-id="${esc(id)}" data-refs="${esc(refs.join(' '))}"`;
const tooltip = (title: string, refs: string[]) =>
  `<title>${esc(title)}${refs.length ? `\nrealizes: ${esc(refs.join(', '))}` : ''}</title>`;

function text(x: number, y: number, s: string, px: number, extra = ''): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${px}"${extra}>${esc(s)}</text>`;
}

/** A group's member as the HTML page lists it: title, lines (its devices' too), refs. */
function memberOf(m: DNode): { t: string; l: string[]; r: string[] } {
  const all = [...walk([m])].map((w) => w.node);
  return { t: m.title, l: [...m.lines, ...all.slice(1).map((c) => [c.title, ...c.lines].join(' '))], r: uniq(all.flatMap((c) => c.refs)) };
}

function drawNode(n: DNode, b: Box): string {
  const frame = FRAME_SHAPES.has(n.shape);
  const cls = frame ? 'frame' : n.members ? 'node group' : 'node';
  const members = n.members ? ` data-members="${esc(JSON.stringify(n.members.map(memberOf)))}"` : '';
  const tip = n.members ? `${n.title}: ${n.members.map((m) => m.title).join(', ')}` : n.title;
  const out: string[] = [`<g ${attrs(n.id, n.refs, cls)}${members}>`, tooltip(tip, n.members ? [] : n.refs), body(n.shape, b)];
  if (n.tone) {
    // The accent stripe: same colour on the design node and on every Linux object realising it.
    const h = frame ? TITLE_H + 2 : b.h - 6;
    out.push(`<rect x="${f(b.x + 2.5)}" y="${f(b.y + 3)}" width="3.5" height="${f(h)}" rx="1.5" fill="${toneColor(n.tone)}"/>`);
  }
  const left = b.x + (frame ? FRAME_SIDE - 4 : PAD);
  if (n.traced) out.push(`<rect class="trace" x="${f(b.x - 2)}" y="${f(b.y - 2)}" width="${f(b.w + 4)}" height="${f(b.h + 4)}" rx="5" fill="none" stroke="${TRACE}" stroke-width="2.5"/>`);
  out.push(icon(n.shape, left, b.y + PAD - 1));
  out.push(text(left + ICON_W, b.y + PAD + 11, n.title, TITLE_PX, ` font-weight="bold"${frame ? ' stroke="#ffffff" stroke-width="3" paint-order="stroke"' : ''}`));
  // Frame headers may be crossed by edges entering the frame: a white halo keeps them legible.
  const halo = frame ? ' stroke="#ffffff" stroke-width="3" paint-order="stroke"' : '';
  n.lines.forEach((l, i) => out.push(text(left + (frame ? ICON_W : 0), b.y + PAD + TITLE_H + LINE_H * i + 9, l, LINE_PX, ` fill="#333"${halo}`)));
  out.push('</g>');
  return out.join('');
}

const pathD = (pts: Point[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${f(p.x)} ${f(p.y)}`).join('');

function drawEdge(e: PlacedEdge): string {
  const look = EDGE_LOOKS[e.edge.style] ?? EDGE_LOOKS.link!;
  const d = pathD(e.points);
  const dash = look.dash ? ` stroke-dasharray="${look.dash}"` : '';
  const out = [`<g ${attrs(e.edge.id, e.edge.refs, `edge ${e.edge.style}`)}>`, tooltip(e.edge.id, e.edge.refs)];
  out.push(`<path class="line" d="${d}" fill="none" stroke="${look.stroke}" stroke-width="${look.width}"${dash}/>`);
  // A trunk is two parallel lines: a wide dark stroke with a thin white core.
  if (look.double) out.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-width="${look.width - 3}"/>`);
  if (e.edge.traced) out.push(`<path class="trace" d="${d}" fill="none" stroke="${TRACE}" stroke-width="3" stroke-opacity="0.85"/>`);
  if (look.ends && e.points.length > 1) {
    for (const p of [e.points[0]!, e.points[e.points.length - 1]!]) out.push(`<circle cx="${f(p.x)}" cy="${f(p.y)}" r="2.6" fill="${look.stroke}"/>`);
  }
  for (const l of e.labels) {
    const w = textWidth(l.text, LINE_PX) + 4;
    out.push(`<rect x="${f(l.box.x)}" y="${f(l.box.y)}" width="${f(w)}" height="${f(l.box.h)}" rx="2" fill="#ffffff" fill-opacity="0.85"/>`);
    out.push(text(l.box.x + 2, l.box.y + 10, l.text, LINE_PX, l.at === 'center' ? ' fill="#6b46c1"' : ' fill="#1f3a5a"'));
  }
  out.push('</g>');
  return out.join('');
}

function drawGroup(g: PlacedGroup): string {
  const c = domainColor(g.color);
  const out = [`<g ${attrs(g.group.id, g.group.refs, 'domain')}>`, tooltip(`${g.group.title}: ${g.group.detail}`, [])];
  // Group opacity makes overlapping halves of one domain a single even tint.
  out.push(`<g opacity="0.16" fill="${c}" stroke="${c}">`);
  for (const p of g.paths) out.push(`<path d="${pathD(p)}" fill="none" stroke-width="16" stroke-linecap="round" stroke-linejoin="round"/>`);
  for (const r of g.rects) out.push(`<rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" rx="9" stroke="none"/>`);
  out.push('</g>');
  for (const r of g.rects)
    out.push(`<rect x="${f(r.x)}" y="${f(r.y)}" width="${f(r.w)}" height="${f(r.h)}" rx="9" fill="none" stroke="${c}" stroke-width="1.2" stroke-dasharray="5 3"/>`);
  out.push('</g>');
  return out.join('');
}

/** One side as a <g>, translated by (dx, dy). Domains first (behind), then frames, edges, nodes. */
export function renderSide(l: Layout, dx: number, dy: number): string {
  const frames = l.nodes.filter((n) => FRAME_SHAPES.has(n.node.shape)).sort((a, b) => a.depth - b.depth);
  const leaves = l.nodes.filter((n) => !FRAME_SHAPES.has(n.node.shape));
  return [
    `<g class="side ${l.graph.side}" transform="translate(${f(dx)},${f(dy)})">`,
    ...frames.map((n) => drawNode(n.node, n.box)),
    ...l.groups.map(drawGroup),
    ...l.edges.map(drawEdge),
    ...leaves.map((n) => drawNode(n.node, n.box)),
    '</g>',
  ].join('\n');
}

const HEADER = 46;
const GAP = 48;
const MARGIN = 16;

/** The legend lines under a side: its domains (coloured) and its notes. */
function legend(l: Layout, x: number, y: number, width: number): { svg: string; height: number } {
  const out: string[] = [];
  let yy = y;
  const maxChars = Math.max(30, Math.floor(width / (LINE_PX * 0.602)));
  const wrap = (s: string): string[] => {
    // By columns, so that a line of wide (CJK) characters is cut at the same width.
    const lines: string[] = [];
    let cur = '';
    let cols = 0;
    for (const ch of s) {
      const w = columns(ch);
      if (cols + w > maxChars && cur) {
        lines.push(cur);
        cur = '';
        cols = 0;
      }
      cur += ch;
      cols += w;
    }
    if (cur) lines.push(cur);
    return lines;
  };
  // A domain of a thousand members would list them all: a few lines, then how many more.
  const short = (s: string): string => {
    const cut = 6 * maxChars;
    if (s.length <= cut) return s;
    const head = s.slice(0, cut);
    const more = s.slice(cut).split(', ').length;
    return `${head.slice(0, head.lastIndexOf(', '))}, … and ${more} more`;
  };
  for (const g of l.groups) {
    const c = domainColor(g.color);
    out.push(`<g ${attrs(`legend:${g.group.id}`, g.group.refs, 'legend')}>`);
    out.push(`<rect x="${f(x)}" y="${f(yy + 2)}" width="14" height="10" rx="2" fill="${c}" fill-opacity="0.3" stroke="${c}" stroke-dasharray="3 2"/>`);
    const lines = wrap(short(`${g.group.title}: ${g.group.detail}`));
    for (const [i, line] of lines.entries()) out.push(text(x + 20, yy + 11 + i * LINE_H, line, LINE_PX));
    yy += lines.length * LINE_H + 3;
    out.push('</g>');
  }
  for (const n of l.graph.notes)
    for (const line of wrap(n)) {
      out.push(text(x, yy + 11, line, LINE_PX, n.startsWith('deviation') ? ' fill="#b02a37"' : ' fill="#555" xml:space="preserve"'));
      yy += LINE_H;
    }
  return { svg: out.join('\n'), height: yy - y };
}

/** A complete SVG document with the given sides next to each other, left to right. */
export function composeSvg(sides: Layout[]): string {
  let x = MARGIN;
  const parts: string[] = [];
  let height = 0;
  for (const l of sides) {
    const w = Math.max(l.width, textWidth(l.graph.title, 16) + 10, 360);
    parts.push(text(x, MARGIN + 16, l.graph.title, 16, ' font-weight="bold"'));
    if (l.graph.subtitle) parts.push(text(x, MARGIN + 33, l.graph.subtitle, LINE_PX + 0.5, ' fill="#555"'));
    parts.push(renderSide(l, x, MARGIN + HEADER));
    const lg = legend(l, x + 12, MARGIN + HEADER + l.height + 8, w - 12);
    parts.push(lg.svg);
    height = Math.max(height, HEADER + l.height + 8 + lg.height);
    x += w + GAP;
  }
  const width = x - GAP + MARGIN;
  const total = height + 2 * MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(total)}" viewBox="0 0 ${f(width)} ${f(total)}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...(sides.length > 1 ? [sepLine(sides, total)] : []),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function sepLine(sides: Layout[], total: number): string {
  const x = MARGIN + Math.max(sides[0]!.width, textWidth(sides[0]!.graph.title, 16) + 10, 360) + GAP / 2;
  return `<path d="M${f(x)} ${MARGIN}V${f(total - MARGIN)}" stroke="#d0d0d0" stroke-width="1" stroke-dasharray="4 4"/>`;
}
