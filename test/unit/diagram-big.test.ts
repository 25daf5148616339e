// Big diagrams fold crowds of hosts into grids (src/diagram/leaf-grid.ts). Whatever the folding
// does, the picture must stay sound: every node and cable placed exactly once, no stand-in
// leaking out, boxes inside their frames and apart from each other, cables orthogonal and
// touching both of their ends.
import { describe, expect, it as baseIt } from 'vitest';
import { graphs } from '../../src/diagram/draw.js';
import { allNodes } from '../../src/diagram/graph.js';
import { layout, type Box, type Layout } from '../../src/diagram/layout.js';
import { loadDesign } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';

const it = (name: string, fn: () => unknown) => baseIt(name, fn, 120_000);

/** `switches` access switches of `hosts` hosts each under one core switch, plus a router with a few hosts (not a crowd). */
function bigDesign(switches: number, hosts: number): string {
  const nodes = ['  core: { kind: switch }', '  gw: { kind: router, interfaces: { lan: { address: 10.0.255.1/16 } } }'];
  const links = ['  - endpoints: [gw:lan, core:uplink]'];
  for (let s = 0; s < switches; s++) {
    nodes.push(`  sw${s}: { kind: switch }`);
    links.push(`  - endpoints: [sw${s}:up, core:p${s}]`);
    for (let h = 0; h < hosts; h++) {
      const n = s * hosts + h;
      nodes.push(`  h${n}: { kind: host, interfaces: { eth0: { address: 10.0.${Math.floor(n / 250)}.${(n % 250) + 1}/16 } }, gateway: 10.0.255.1 }`);
      links.push(`  - endpoints: [h${n}:eth0, sw${s}:p${h}]`);
    }
  }
  return `name: big\nnodes:\n${nodes.join('\n')}\nlinks:\n${links.join('\n')}\n`;
}

const inside = (p: { x: number; y: number }, b: Box, tol = 1.5) => p.x >= b.x - tol && p.x <= b.x + b.w + tol && p.y >= b.y - tol && p.y <= b.y + b.h + tol;
const onBorder = (p: { x: number; y: number }, b: Box, tol = 1.5) =>
  inside(p, b, tol) && (Math.abs(p.x - b.x) <= tol || Math.abs(p.x - b.x - b.w) <= tol || Math.abs(p.y - b.y) <= tol || Math.abs(p.y - b.y - b.h) <= tol);
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function sound(l: Layout): void {
  const ids = allNodes(l.graph).map((n) => n.id);
  expect(l.nodes.map((p) => p.node.id).sort()).toEqual([...ids].sort());
  expect(l.edges.map((e) => e.edge.id)).toEqual(l.graph.edges.map((e) => e.id));
  const box = new Map(l.nodes.map((p) => [p.node.id, p.box]));
  for (const p of l.nodes) {
    expect(p.box.x >= 0 && p.box.y >= 0 && p.box.x + p.box.w <= l.width + 0.5 && p.box.y + p.box.h <= l.height + 0.5, p.node.id).toBe(true);
    if (p.parent) expect(inside({ x: p.box.x, y: p.box.y }, box.get(p.parent)!) && inside({ x: p.box.x + p.box.w, y: p.box.y + p.box.h }, box.get(p.parent)!), p.node.id).toBe(true);
  }
  // Siblings never overlap (checked per parent: top-level boxes, and each frame's children).
  const byParent = new Map<string, Box[]>();
  for (const p of l.nodes) (byParent.get(p.parent ?? '') ?? byParent.set(p.parent ?? '', []).get(p.parent ?? '')!).push(p.box);
  for (const [parent, bs] of byParent) {
    const sorted = [...bs].sort((a, b) => a.x - b.x);
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.w; j++) expect(overlap(sorted[i]!, sorted[j]!), `overlap in ${parent || 'top level'}`).toBe(false);
  }
  for (const e of l.edges) {
    expect(e.points.length, e.edge.id).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < e.points.length; i++) {
      const [a, b] = [e.points[i - 1]!, e.points[i]!];
      expect(a.x === b.x || a.y === b.y, `${e.edge.id} segment ${i} is not orthogonal`).toBe(true);
    }
    expect(onBorder(e.points[0]!, box.get(e.edge.source)!), `${e.edge.id} starts on its source`).toBe(true);
    expect(onBorder(e.points[e.points.length - 1]!, box.get(e.edge.target)!), `${e.edge.id} ends on its target`).toBe(true);
  }
}

describe('big diagrams (crowds folded into grids)', () => {
  const design = loadDesign(bigDesign(12, 30), 'big.yaml').design!;
  const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.full! });

  it('design side: sound, and the crowds sit in grids, not in one endless row', async () => {
    const [g] = graphs(design, plan, 'design');
    const l = await layout(g!);
    sound(l);
    // 360 hosts in one row would be ~360 boxes wide; in grids of 30 the picture is far narrower.
    const hostW = Math.max(...l.nodes.filter((p) => p.node.shape === 'host').map((p) => p.box.w));
    expect(l.width).toBeLessThan(360 * hostW * 0.4);
    const ys = new Set(l.nodes.filter((p) => p.node.id.startsWith('node:h')).map((p) => p.box.y));
    expect(ys.size).toBeGreaterThan(1);
    // Each cable's port labels are still drawn, one of each per cable.
    const labels = l.edges.flatMap((e) => e.labels.map((x) => x.text));
    expect(labels.filter((t) => t === 'eth0').length).toBe(360);
  });

  it('twin side: sound, ports of the crowd kept inside their switch namespace', async () => {
    const [g] = graphs(design, plan, 'twin');
    const l = await layout(g!);
    sound(l);
    const parent = new Map(l.nodes.map((p) => [p.node.id, p.parent]));
    expect(parent.get('dev:vn-big-sw3/p7')).toBe('ns:vn-big-sw3');
  });

  it('is deterministic', async () => {
    const [g] = graphs(design, plan, 'design');
    expect(JSON.stringify((await layout(g!)).edges)).toBe(JSON.stringify((await layout(graphs(design, plan, 'design')[0]!)).edges));
  });
});
