// A big design made for the diagram tests, and what every laid-out picture must satisfy:
// every node and cable placed exactly once, no stand-in leaking out, boxes inside their frames
// and apart from their siblings, cables orthogonal and touching both of their ends.
import { expect } from 'vitest';
import { allNodes } from '../../src/diagram/graph.js';
import type { Box, Layout } from '../../src/diagram/layout.js';

/** `switches` access switches of `hosts` hosts each under one core switch, plus a router with a few hosts (not a crowd). */
export function bigDesign(switches: number, hosts: number): string {
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

export function sound(l: Layout): void {
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

