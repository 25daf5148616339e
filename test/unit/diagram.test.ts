// The drawings of every example under every strategy: everything in the design and the plan
// is drawn (by id), boxes do not overlap unless nested, labels are all there, domains enclose
// their members, and the text outputs match their golden files.
import { readdirSync } from 'node:fs';
import { describe, expect, it as baseIt } from 'vitest';

// Layout runs ELK, seconds on a loaded 2-core machine: allow it, the default 5 s is too tight.
const it = (name: string, fn: () => unknown) => baseIt(name, fn, 60_000);
import { drawDot, drawMermaid, drawSvg, graphs, layouts, type Side } from '../../src/diagram/draw.js';
import { allNodes, FRAME_SHAPES, type DiagramGraph } from '../../src/diagram/graph.js';
import type { Box, Layout } from '../../src/diagram/layout.js';
import { planObjectId } from '../../src/diagram/plan-objects.js';
import { esc } from '../../src/diagram/svg.js';
import type { Strategy } from '../../src/model/limits.js';
import { loadDesignFile } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { broadcastDomains } from '../../src/semantics/domains.js';
import { golden } from '../helpers/golden.js';

const EXAMPLES = readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort();

function load(file: string): Design {
  const r = loadDesignFile(`examples/${file}`);
  if (!r.design) throw new Error(`examples/${file}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.design;
}

// Tunnels are built by the faithful strategy only (the others refuse: plan goldens hold their messages).
const strategiesFor = (d: Design): Strategy[] => (d.links.some((l) => l.tunnel) ? ['faithful'] : ['faithful', 'compact', 'ovs', ...(d.nodes.some((n) => n.kind === 'vm') ? ['macvtap' as const] : [])]);

const inside = (a: Box, b: Box) => a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.w <= b.x + b.w + 0.5 && a.y + a.h <= b.y + b.h + 0.5;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;

/** Structural checks shared by every side. */
function checkLayout(l: Layout): void {
  const g = l.graph;
  const placed = new Map(l.nodes.map((n) => [n.node.id, n]));
  expect(placed.size).toBe(allNodes(g).length);
  const ancestors = (id: string): Set<string> => {
    const s = new Set<string>();
    for (let p = placed.get(id)?.parent; p; p = placed.get(p)?.parent) s.add(p);
    return s;
  };
  // Children sit inside their frames.
  for (const n of l.nodes) if (n.parent) expect(inside(n.box, placed.get(n.parent)!.box), `${n.node.id} inside ${n.parent}`).toBe(true);
  // No two boxes overlap unless one holds the other.
  const list = l.nodes;
  for (let i = 0; i < list.length; i++)
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (ancestors(a.node.id).has(b.node.id) || ancestors(b.node.id).has(a.node.id)) continue;
      expect(overlap(a.box, b.box), `${a.node.id} overlaps ${b.node.id}`).toBe(false);
    }
  // Every edge is routed from its source box to its target box.
  expect(l.edges.length).toBe(g.edges.length);
  for (const e of l.edges) {
    expect(e.points.length, e.edge.id).toBeGreaterThanOrEqual(2);
    for (const want of [e.edge.tail, e.edge.head, e.edge.center].filter(Boolean)) expect(e.labels.map((x) => x.text)).toContain(want);
  }
  // Domains enclose their member nodes.
  for (const pg of l.groups)
    for (const id of pg.group.nodes) {
      const n = placed.get(id);
      expect(n, `${pg.group.id} member ${id} is drawn`).toBeDefined();
      expect(pg.rects.some((r) => inside(n!.box, r)), `${pg.group.id} encloses ${id}`).toBe(true);
    }
}

function checkSvgText(svg: string, gs: DiagramGraph[]): void {
  for (const g of gs) {
    for (const n of allNodes(g)) {
      expect(svg).toContain(`data-id="${esc(n.id)}"`);
      expect(svg).toContain(`>${esc(n.title)}</text>`);
      for (const line of n.lines) expect(svg).toContain(`>${esc(line)}</text>`);
    }
    for (const e of g.edges) {
      expect(svg).toContain(`data-id="${esc(e.id)}"`);
      for (const t of [e.tail, e.head, e.center]) if (t) expect(svg).toContain(`>${esc(t)}</text>`);
    }
    for (const d of g.groups) expect(svg).toContain(`data-id="${esc(d.id)}"`);
  }
}

function checkDesignGraph(d: Design, g: DiagramGraph): void {
  const ids = new Set(allNodes(g).map((n) => n.id));
  for (const n of d.nodes) expect(ids.has(`node:${n.name}`), n.name).toBe(true);
  const edges = new Set(g.edges.map((e) => e.id));
  for (const l of d.links) expect(edges.has(`link:${l.index}`)).toBe(true);
  // VMs sit in their server's frame.
  for (const n of d.nodes)
    if (n.kind === 'vm') expect(allNodes(g).find((x) => x.id === `node:${n.server}`)!.children.map((c) => c.id)).toContain(`node:${n.name}`);
  const domains = broadcastDomains(d).domains;
  expect(g.groups.map((x) => x.id)).toEqual(domains.map((x) => `domain:${x.id}`));
  for (const dom of domains) {
    const grp = g.groups.find((x) => x.id === `domain:${dom.id}`)!;
    for (const m of dom.members) expect(grp.nodes.some((id) => id === `node:${m.node}` || id === `iface:${m.node}/${m.dev}`), m.ref).toBe(true);
    for (const l of dom.links) expect(grp.edges).toContain(`link:${l}`);
  }
}

function checkPlanGraph(plan: Plan, g: DiagramGraph): void {
  const drawn = new Set([...allNodes(g).flatMap((n) => n.objects), ...g.edges.flatMap((e) => e.objects)]);
  for (const o of plan.objects) expect(drawn.has(planObjectId(o)), planObjectId(o)).toBe(true);
  // Namespaces are frames, devices live inside them.
  for (const n of g.nodes) expect(FRAME_SHAPES.has(n.shape)).toBe(true);
  for (const o of plan.objects) if (o.kind === 'netns') expect(g.nodes.map((n) => n.id)).toContain(`ns:${o.name}`);
  // Each deviation is written under the picture.
  for (const dv of plan.deviations) expect(g.notes.some((x) => x.includes(dv.message))).toBe(true);
}

for (const file of EXAMPLES) {
  const base = file.replace(/\.yaml$/, '');
  describe(`draw ${file}`, () => {
    const d = load(file);
    it('design side: every node, link and domain, laid out without overlaps', async () => {
      const [g] = graphs(d, undefined, 'design');
      checkDesignGraph(d, g!);
      const [l] = await layouts(d, undefined, 'design');
      checkLayout(l!);
    });
    for (const strategy of strategiesFor(d)) {
      it(`${strategy}: every plan object drawn, structure sound, goldens`, async () => {
        const plan = compile(d, { strategy, capabilities: PRESETS.full! });
        const gs = graphs(d, plan, 'both');
        checkDesignGraph(d, gs[0]!);
        checkPlanGraph(plan, gs[1]!);
        const ls = await layouts(d, plan, 'both');
        ls.forEach(checkLayout);
        const svg = await drawSvg(d, plan, 'both');
        checkSvgText(svg, gs);
        await golden(`test/golden/diagram/${base}.${strategy}.mmd`, drawMermaid(d, plan));
        await golden(`test/golden/diagram/${base}.${strategy}.dot`, drawDot(d, plan));
      });
    }
  });
}

describe('determinism and sides', () => {
  const d = load('network-b.yaml');
  const plan = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
  it('draws the same picture twice, byte for byte', async () => {
    const a = await drawSvg(d, plan, 'both');
    const b = await drawSvg(d, plan, 'both');
    expect(a).toBe(b);
    await golden('test/golden/diagram/network-b.faithful.svg', a);
  });
  it('draws one side when asked, and refuses a twin without a plan', async () => {
    const sides: Side[] = ['design', 'twin'];
    for (const s of sides) {
      const svg = await drawSvg(d, plan, s);
      expect(svg.includes('class="side design"')).toBe(s === 'design');
      expect(svg.includes('class="side twin"')).toBe(s === 'twin');
    }
    expect(() => graphs(d, undefined, 'twin')).toThrow(/needs a plan/);
  });
  it('the minimal preset records its choices under the twin', () => {
    const p = compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    const [, twin] = graphs(d, p, 'both');
    expect(p.choices.length).toBeGreaterThan(0);
    for (const c of p.choices) expect(twin!.notes.some((n) => n.includes(c.why))).toBe(true);
  });
});

describe('the structural checks catch broken drawings', () => {
  const d = load('network-a.yaml');
  const plan = compile(d, { strategy: 'faithful', capabilities: PRESETS.full! });
  it('two boxes on top of each other', async () => {
    const [l] = await layouts(d, undefined, 'design');
    const [a, b] = l!.nodes.filter((n) => !n.parent);
    b!.box = { ...a!.box };
    expect(() => checkLayout(l!)).toThrow(/overlaps/);
  });
  it('a domain that misses a member', async () => {
    const [l] = await layouts(d, undefined, 'design');
    l!.groups[0]!.rects.pop();
    expect(() => checkLayout(l!)).toThrow(/encloses/);
  });
  it('a plan object left out of the twin', () => {
    const [, twin] = graphs(d, plan, 'both');
    for (const n of allNodes(twin!)) n.objects = n.objects.filter((o) => !o.startsWith('nft:'));
    expect(() => checkPlanGraph(plan, twin!)).toThrow(/nft:/);
  });
});
