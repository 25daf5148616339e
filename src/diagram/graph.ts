// The diagram graph: what both sides (design and Linux twin) are turned into before layout.
// It is plain data so that the SVG, Mermaid and Graphviz writers and the tests all read the
// same thing; only layout.ts adds coordinates.
import { eastAsianWidth } from 'get-east-asian-width';
import type { Ref } from '../plan/types.js';

/** Shapes a network engineer recognises; each has one drawing in shapes.ts. */
export type Shape =
  | 'host'
  | 'vm'
  | 'external'
  | 'router'
  | 'switch'
  | 'l3-switch'
  | 'server'
  | 'nic'
  | 'netns'
  | 'root-ns'
  | 'bridge'
  | 'ovs-bridge'
  | 'dev'
  /** Several identical nodes drawn as one (collapse.ts); its members are in `members`. */
  | 'group';

/** Shapes drawn as frames around other nodes (ELK compound nodes). */
export const FRAME_SHAPES: ReadonlySet<Shape> = new Set(['server', 'netns', 'root-ns']);

export interface DNode {
  /** Unique on its side: "node:pc1", "iface:host-a/eth0", "ns:vn-lab-pc1", "dev:vn-lab-pc1/eth0". */
  id: string;
  shape: Shape;
  title: string;
  /** Smaller text under the title (addresses, modes, NAT rules). */
  lines: string[];
  /** Design elements this node stands for or realises (provenance, hover highlighting). */
  refs: Ref[];
  /** Design node whose colour this node wears, so a reader matches both sides at a glance. */
  tone?: string;
  /** Plan objects (by planObjectId) drawn by this node, twin side only. */
  objects: string[];
  children: DNode[];
  /** On the path of a traced packet (draw --trace). */
  traced?: boolean;
  /** A group box's members, as they were before collapse.ts folded them into it. */
  members?: DNode[];
}

export type EdgeStyle = 'link' | 'trunk' | 'vnic' | 'veth' | 'member' | 'macvlan' | 'vlan' | 'ovs-port' | 'tunnel';

export interface DEdge {
  /** "link:3" on the design side; "veth:…", "member:…" on the twin side. */
  id: string;
  source: string;
  target: string;
  /** Text near the source end, near the target end, and in the middle. */
  tail?: string;
  head?: string;
  center?: string;
  style: EdgeStyle;
  refs: Ref[];
  objects: string[];
  traced?: boolean;
}

/** A broadcast domain: shaded behind its member nodes and along its edges. */
export interface DGroup {
  id: string;
  title: string;
  /** One-line description for the legend. */
  detail: string;
  nodes: string[];
  edges: string[];
  refs: Ref[];
}

export interface DiagramGraph {
  side: 'design' | 'twin';
  title: string;
  subtitle: string;
  nodes: DNode[];
  edges: DEdge[];
  groups: DGroup[];
  /** Free text under the picture: deviations, choices. */
  notes: string[];
}

export function node(id: string, shape: Shape, title: string, extra: Partial<DNode> = {}): DNode {
  return { id, shape, title, lines: [], refs: [], objects: [], children: [], ...extra };
}

/** Depth-first walk over nodes and their children, parents first. */
export function* walk(nodes: DNode[], parent?: DNode): Generator<{ node: DNode; parent: DNode | undefined }> {
  for (const n of nodes) {
    yield { node: n, parent };
    yield* walk(n.children, n);
  }
}

export function allNodes(g: DiagramGraph): DNode[] {
  return [...walk(g.nodes)].map((w) => w.node);
}

export const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** Monospace metrics: every label uses a monospace font so that sizes computed here hold. */
export const FONT = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
export const TITLE_PX = 12;
export const LINE_PX = 10.5;
export const CHAR_W = 0.602; // em advance of DejaVu Sans Mono, Menlo and Consolas alike
/**
 * Columns a string takes in a monospace font: East Asian wide and full-width characters (CJK,
 * kana, hangul, full-width forms, most emoji) take two, as terminals draw them. A browser draws
 * them from a CJK fallback font about 1 em wide, less than two columns (1.204 em): the label fits.
 */
export function columns(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // Combining marks and zero-width joiners take no column of their own.
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    n += cp < 0x1100 ? 1 : eastAsianWidth(cp, { ambiguousAsWide: false });
  }
  return n;
}
export const textWidth = (s: string, px: number): number => Math.ceil(columns(s) * px * CHAR_W);
