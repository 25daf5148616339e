// Big diagrams fold crowds of hosts into grids (src/diagram/leaf-grid.ts). Whatever the folding
// does, the picture must stay sound: every node and cable placed exactly once, no stand-in
// leaking out, boxes inside their frames and apart from each other, cables orthogonal and
// touching both of their ends.
import { describe, expect, it as baseIt } from 'vitest';
import { graphs } from '../../src/diagram/draw.js';
import { layout } from '../../src/diagram/layout.js';
import { loadDesign } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { bigDesign, sound } from '../helpers/layout-sound.js';

const it = (name: string, fn: () => unknown) => baseIt(name, fn, 120_000);

describe('big diagrams (crowds folded into grids)', () => {
  const design = loadDesign(bigDesign(12, 30), 'big.yaml').design!;
  const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.full! });

  it('design side: sound, and the crowds sit in grids, not in one endless row', async () => {
    const [g] = graphs(design, plan, 'design', undefined, { group: 'never' });
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
    const [g] = graphs(design, plan, 'twin', undefined, { group: 'never' });
    const l = await layout(g!);
    sound(l);
    const parent = new Map(l.nodes.map((p) => [p.node.id, p.parent]));
    expect(parent.get('dev:vn-big-sw3/p7')).toBe('ns:vn-big-sw3');
  });

  it('is deterministic', async () => {
    const [g] = graphs(design, plan, 'design', undefined, { group: 'never' });
    expect(JSON.stringify((await layout(g!)).edges)).toBe(JSON.stringify((await layout(graphs(design, plan, 'design', undefined, { group: 'never' })[0]!)).edges));
  });
});
