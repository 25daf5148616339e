// How each kind of node looks: a body and a small icon, in the spirit of the seed's figures
// (PCs, switches with arrows, a router disc, a cloud outside, dashed server frames). Plain SVG
// primitives only, so the output renders the same in browsers, rsvg and Inkscape.
import type { Shape } from './graph.js';
import type { Box } from './layout.js';

export interface Look {
  fill: string;
  stroke: string;
  dash?: string;
  rx: number;
  width: number;
}

export const LOOKS: Record<Shape, Look> = {
  host: { fill: '#f7f9fc', stroke: '#3b4a5a', rx: 3, width: 1.3 },
  vm: { fill: '#eef6ff', stroke: '#3b6ea5', rx: 7, width: 1.3 },
  external: { fill: '#f2f2f2', stroke: '#6b6b6b', rx: 18, width: 1.3 },
  router: { fill: '#fff4e5', stroke: '#b36b00', rx: 12, width: 1.5 },
  switch: { fill: '#e9f3fb', stroke: '#2a6496', rx: 2, width: 1.5 },
  'l3-switch': { fill: '#e6f5ea', stroke: '#2d7a46', rx: 2, width: 1.5 },
  server: { fill: '#fcfcfc', stroke: '#222222', dash: '7 4', rx: 4, width: 1.4 },
  nic: { fill: '#ffffff', stroke: '#555555', rx: 2, width: 1.2 },
  netns: { fill: '#f5f5f5', stroke: '#8a8a8a', rx: 8, width: 1.2 },
  'root-ns': { fill: '#f5f0fc', stroke: '#7a5ea8', dash: '6 3', rx: 8, width: 1.2 },
  bridge: { fill: '#fff7d6', stroke: '#a38300', rx: 2, width: 1.5 },
  'ovs-bridge': { fill: '#efe7fb', stroke: '#6b46c1', rx: 2, width: 1.5 },
  dev: { fill: '#ffffff', stroke: '#6b6b6b', rx: 3, width: 1.1 },
  group: { fill: '#f7f9fc', stroke: '#3b4a5a', rx: 3, width: 1.3 },
};

const f = (v: number) => String(Math.round(v * 10) / 10);

/** A 16x14 icon whose top-left corner is (x, y). */
export function icon(shape: Shape, x: number, y: number): string {
  const s = LOOKS[shape].stroke;
  const g = (body: string) => `<g transform="translate(${f(x)},${f(y)})" fill="none" stroke="${s}" stroke-width="1.2">${body}</g>`;
  switch (shape) {
    case 'host':
    case 'vm':
      // A monitor on a stand.
      return g('<rect x="1" y="1" width="14" height="9" rx="1"/><path d="M8 10v3M4 13.5h8"/>');
    case 'external':
      return g('<path d="M4 12h9a3 3 0 0 0 0-6 4 4 0 0 0-7.6-1A3.5 3.5 0 0 0 4 12z"/>');
    case 'router':
      // The classic router disc with arrows in and out.
      return g('<circle cx="8" cy="7" r="6.5"/><path d="M4 4.5l3 2.5M12 9.5l-3-2.5M12 4.5l-3 2.5M4 9.5l3-2.5"/>');
    case 'switch':
    case 'bridge':
    case 'ovs-bridge':
      return g('<rect x="0.5" y="2" width="15" height="10" rx="1"/><path d="M3 5.5h9l-2-1.6M13 8.5H4l2 1.6"/>');
    case 'l3-switch':
      return g('<rect x="0.5" y="2" width="15" height="10" rx="1"/><path d="M3 5h9l-2-1.5M13 9H4l2 1.5M8 3v8"/>');
    case 'server':
      return g('<rect x="1" y="0.5" width="14" height="5" rx="1"/><rect x="1" y="7.5" width="14" height="5" rx="1"/><path d="M3.5 3h1M3.5 10h1"/>');
    case 'nic':
    case 'dev':
      return g('<rect x="3" y="3" width="10" height="8" rx="1"/><path d="M5.5 11v-2.5M8 11v-2.5M10.5 11v-2.5"/>');
    case 'netns':
    case 'root-ns':
      return g('<rect x="1" y="1" width="14" height="12" rx="2" stroke-dasharray="2 1.5"/><circle cx="8" cy="7" r="2"/>');
    case 'group':
      // A stack of cards.
      return g('<rect x="4.5" y="0.5" width="11" height="8" rx="1"/><rect x="2.5" y="2.5" width="11" height="8" rx="1" fill="#fff"/><rect x="0.5" y="4.5" width="11" height="8" rx="1" fill="#fff"/>');
  }
}

export function body(shape: Shape, b: Box): string {
  const l = LOOKS[shape];
  const dash = l.dash ? ` stroke-dasharray="${l.dash}"` : '';
  const rx = Math.min(l.rx, b.h / 2);
  // A group is a stack: two cards peek out behind its box.
  const stack =
    shape === 'group'
      ? [6, 3].map((d) => `<rect x="${f(b.x + d)}" y="${f(b.y - d)}" width="${f(b.w - d)}" height="${f(b.h)}" rx="${f(rx)}" fill="${l.fill}" stroke="${l.stroke}" stroke-width="1"/>`).join('')
      : '';
  return `${stack}<rect class="body" x="${f(b.x)}" y="${f(b.y)}" width="${f(b.w)}" height="${f(b.h)}" rx="${f(rx)}" fill="${l.fill}" stroke="${l.stroke}" stroke-width="${l.width}"${dash}/>`;
}

/** Colours of broadcast domains: the seed draws them brown; more domains need more hues. */
export const DOMAIN_COLORS = ['#c77c24', '#2b7bd6', '#2f9e44', '#d6336c', '#7950f2', '#0c8599', '#e8590c', '#5c940d', '#a61e4d', '#364fc7'];

/** Accent colours tying a design node to the Linux objects that realise it. */
export const TONE_COLORS = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#7048e8', '#0c8599', '#c2255c', '#5f3dc4', '#66a80f', '#d9480f', '#1098ad', '#862e9c'];

export interface EdgeLook {
  stroke: string;
  width: number;
  dash?: string;
  /** Drawn as two parallel lines (a trunk). */
  double?: boolean;
  /** Small dots on both ends (the two halves of a veth pair). */
  ends?: boolean;
}

export const EDGE_LOOKS: Record<string, EdgeLook> = {
  link: { stroke: '#333333', width: 1.5 },
  trunk: { stroke: '#333333', width: 4.5, double: true },
  vnic: { stroke: '#3b6ea5', width: 1.3, dash: '4 2' },
  veth: { stroke: '#333333', width: 1.6, ends: true },
  member: { stroke: '#9a9a9a', width: 1.3 },
  macvlan: { stroke: '#b3541e', width: 1.5, dash: '6 3' },
  tunnel: { stroke: '#0b7285', width: 2, dash: '10 4' },
  vlan: { stroke: '#2d7a46', width: 1.5, dash: '2 2' },
  'ovs-port': { stroke: '#6b46c1', width: 1.6 },
};
