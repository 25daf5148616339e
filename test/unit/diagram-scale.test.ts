// Pictures that scale: crowds of identical hosts drawn as one group box (collapse.ts), trees of
// pods wrapped into grids of a screen's aspect ratio (pods.ts), wide (CJK) characters measured
// as two columns. Goldens pin the group's shapes in Mermaid, Graphviz and SVG.
import { describe, expect, it as baseIt } from 'vitest';
import { designYaml, treeTopo } from '../../bench/gen-designs.js';
import { collapseGraph } from '../../src/diagram/collapse.js';
import { drawDot, drawMermaid, drawSvg, graphs, layouts } from '../../src/diagram/draw.js';
import { allNodes, columns, textWidth, TITLE_PX } from '../../src/diagram/graph.js';
import { layout, type Layout } from '../../src/diagram/layout.js';
import { composeSvg } from '../../src/diagram/svg.js';
import { findPods } from '../../src/diagram/pods.js';
import { loadDesign } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { golden } from '../helpers/golden.js';
import { bigDesign, sound } from '../helpers/layout-sound.js';

const it = (name: string, fn: () => unknown) => baseIt(name, fn, 120_000);
const faithful = (yaml: string) => {
  const design = loadDesign(yaml, 'd.yaml').design!;
  return { design, plan: compile(design, { strategy: 'faithful', capabilities: PRESETS.full! }) };
};

describe('groups of identical leaves', () => {
  const { design, plan } = faithful(bigDesign(3, 10));

  it('design: each switch keeps one group box of its ten hosts, on one cable, with every ref', () => {
    const [g] = graphs(design, plan, 'design', undefined, { group: 'always' });
    const groups = g!.nodes.filter((n) => n.shape === 'group');
    expect(groups.map((n) => [n.title, n.lines[0], n.members!.length])).toEqual([
      ['10 × host', 'h0 … h9', 10],
      ['10 × host', 'h10 … h19', 10],
      ['10 × host', 'h20 … h29', 10],
    ]);
    expect(groups[0]!.refs).toContain('node:h9');
    const cable = g!.edges.find((e) => e.target === groups[0]!.id || e.source === groups[0]!.id)!;
    expect(cable.center).toBe('× 10');
    expect([cable.tail, cable.head].sort()).toEqual(['eth0', 'p0 … p9']);
    expect(cable.refs.filter((r) => r.startsWith('link:')).length).toBe(10);
    // The broadcast domain now names the group, not its members.
    expect(g!.groups[0]!.nodes).toContain(groups[0]!.id);
    expect(g!.groups[0]!.nodes).not.toContain('node:h3');
    // Nothing lost: the grouped graph's refs are the full graph's.
    const [full] = graphs(design, plan, 'design', undefined, { group: 'never' });
    const refs = (gr: typeof g) => new Set(allNodes(gr!).flatMap((n) => n.refs));
    expect(refs(g)).toEqual(refs(full));
  });

  it('twin: the host namespaces become one group, the switch namespace ports one port box', () => {
    const [g] = graphs(design, plan, 'twin', undefined, { group: 'always' });
    const nsGroup = g!.nodes.find((n) => n.id === 'group:ns:vn-big-h0')!;
    expect(nsGroup.title).toBe('10 × namespace');
    const sw = g!.nodes.find((n) => n.id === 'ns:vn-big-sw0')!;
    const ports = sw.children.find((c) => c.id.startsWith('group:'))!;
    expect([ports.title, ports.lines[0]]).toEqual(['10 ports', 'p0 … p9']);
    expect(sw.children.some((c) => c.id === 'dev:vn-big-sw0/p3')).toBe(false);
  });

  it('fewer than eight identical leaves stay as they are; auto groups only big pictures', () => {
    const small = faithful(bigDesign(2, 7));
    const [g] = graphs(small.design, small.plan, 'design');
    expect(collapseGraph(g!)).toBe(g);
    expect(graphs(design, plan, 'design')[0]!.nodes.some((n) => n.shape === 'group')).toBe(false);
  });

  it('grouped layouts are sound', async () => {
    for (const side of ['design', 'twin'] as const) sound(await layout(graphs(design, plan, side, undefined, { group: 'always' })[0]!));
  });

  it('members with devices and cables inside (servers holding a VM) group whole, both sides sound', async () => {
    const nodes = ['  tor: { kind: switch }', '  gw: { kind: router, interfaces: { lan: { address: 10.0.255.1/16 } } }'];
    const links = ['  - endpoints: [gw:lan, tor:up]'];
    for (let i = 0; i < 8; i++) {
      nodes.push(`  srv${i}: { kind: server, interfaces: { eth0: {} } }`, `  vm${i}: { kind: vm, server: srv${i}, interfaces: { eth0: { address: 10.0.0.${i + 1}/16 } } }`);
      links.push(`  - endpoints: [srv${i}:eth0, tor:p${i}]`);
    }
    const servers = faithful(`name: srv\nnodes:\n${nodes.join('\n')}\nlinks:\n${links.join('\n')}\n`);
    const [d] = graphs(servers.design, servers.plan, 'design', undefined, { group: 'always' });
    expect(d!.nodes.find((n) => n.shape === 'group')?.title).toBe('8 × server');
    for (const side of ['design', 'twin'] as const) sound(await layout(graphs(servers.design, servers.plan, side, undefined, { group: 'always' })[0]!));
  });

  it('goldens: the group in Mermaid, Graphviz and SVG', async () => {
    const small = faithful(bigDesign(1, 8));
    const opts = { group: 'always' } as const;
    await golden('test/golden/diagram/grouped.faithful.mmd', drawMermaid(small.design, small.plan, 'both', undefined, opts));
    await golden('test/golden/diagram/grouped.faithful.dot', drawDot(small.design, small.plan, 'both', undefined, opts));
    await golden('test/golden/diagram/grouped.design.svg', await drawSvg(small.design, small.plan, 'design', undefined, opts));
  });
});

describe('pods wrap a big tree to a screen-like picture', () => {
  it('finds the pods under a hub with enough of them, and only those', () => {
    // r - a,b,...,h (8 switches), each with two hosts; plus a cycle x-y-z off r.
    const tops = ['r', 'x', 'y', 'z'];
    const links: [string, string][] = [['r', 'x'], ['x', 'y'], ['y', 'z'], ['z', 'r']];
    for (const s of 'abcdefgh') {
      tops.push(s, `${s}1`, `${s}2`);
      links.push(['r', s], [s, `${s}1`], [s, `${s}2`]);
    }
    const pods = findPods(tops, links, 8);
    expect(pods.map((p) => [p.hub, p.root, p.members.length])).toEqual([...'abcdefgh'].map((s) => ['r', s, 3]));
  });

  it('1,000 hosts (a tree of depth 3, fanout 10): grouped (both sides) and not (the design), a sound picture no more than 3:1', async () => {
    const { design, plan } = faithful(designYaml(treeTopo(3, 10), { name: 'big' }));
    const sizes: string[] = [];
    let first: Layout | undefined;
    // (The ungrouped twin, 8,000 boxes, is left to bench/web.ts: ELK takes its time over it.)
    for (const [group, side] of [['auto', 'both'], ['never', 'design']] as const) {
      const ls = await layouts(design, plan, side, undefined, { group });
      for (const l of ls) {
        if (group === 'auto') sound(l);
        first ??= l;
        sizes.push(`${l.graph.side} ${group}: ${Math.round(l.width)} x ${Math.round(l.height)}`);
        expect(l.width / l.height, `${l.graph.side} ${group}`).toBeLessThan(3);
        expect(l.height / l.width, `${l.graph.side} ${group}`).toBeLessThan(3);
      }
    }
    // The legend names a few members of the one broadcast domain of 1,000 hosts, then how many more.
    const svg = composeSvg([first!]);
    expect(svg).toMatch(/more<\/text>/);
    expect(svg).not.toMatch(/<text[^>]*>[^<]*h900\/eth0/);
    expect(svg.length).toBeLessThan(2_000_000);
    // Before: the design alone was 74,922 x 681 px.
    console.log(`1,000-host tree: ${sizes.join('; ')}`);
  });
});

describe('twenty switches of fifty hosts (a 180,816 px strip before)', () => {
  it('grouped (auto at this size), both sides are sound and no more than 3:1, though a grouped picture has few boxes', async () => {
    const { design, plan } = faithful(bigDesign(20, 50));
    for (const l of await layouts(design, plan, 'both')) {
      sound(l);
      expect(l.nodes.some((p) => p.node.shape === 'group'), l.graph.side).toBe(true);
      expect(Math.max(l.width / l.height, l.height / l.width), `${l.graph.side} ${l.width} x ${l.height}`).toBeLessThan(3);
    }
  });
});

describe('wide characters', () => {
  it('count two columns, so CJK labels get the width they need', async () => {
    expect(columns('core')).toBe(4);
    expect(columns('核心交换机')).toBe(10);
    expect(columns('ｐｃ')).toBe(4);
    expect(columns('café')).toBe(4);
    expect(textWidth('交换机', TITLE_PX)).toBe(Math.ceil(6 * TITLE_PX * 0.602));
    const { design, plan } = faithful(
      'name: cjk\nnodes:\n  pc1: { kind: host, label: 财务部的电脑, interfaces: { eth0: { address: 10.0.0.1/24 } } }\n  pc2: { kind: host, interfaces: { eth0: { address: 10.0.0.2/24 } } }\nlinks:\n  - { endpoints: [pc1:eth0, pc2:eth0], label: 机房 }\n',
    );
    const [l] = await layouts(design, plan, 'design');
    const box = l!.nodes.find((p) => p.node.id === 'node:pc1')!.box;
    expect(box.w).toBeGreaterThanOrEqual(textWidth('财务部的电脑', 10.5) + 16);
    expect(l!.edges[0]!.labels.find((x) => x.text === '机房')!.box.w).toBe(textWidth('机房', 10.5) + 4);
  });
});
