// The pages `vnetmap draw --format html` writes, in a real headless browser (Debian's chromium,
// driven by puppeteer-core): they load with no console error and no request leaving the file;
// design and twin sit side by side on a 1,440 px screen; hovering highlights counterparts;
// zoom and pan move the picture; a group opens its member list; CJK labels fit their boxes;
// a 1,000-host page renders and answers quickly (its first render is measured and printed,
// for bench/results/web.md, and only bounded generously here).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { designYaml, treeTopo } from '../../bench/gen-designs.js';
import { drawHtml, type DrawOptions } from '../../src/diagram/draw.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { hasChromium, launch, watchedPage } from '../helpers/browser.js';
import { bigDesign } from '../helpers/layout-sound.js';

const hasCjkFont = (() => {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
})();
const dir = mkdtempSync(join(tmpdir(), 'vnetmap-web-'));
let browser: Browser;

async function page(name: string, design: Design, opts: DrawOptions = {}): Promise<string> {
  const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.minimal! });
  const file = join(dir, `${name}.html`);
  writeFileSync(file, await drawHtml(design, plan, 'both', undefined, opts));
  return `file://${file}`;
}
const viewBox = (w: Awaited<ReturnType<typeof watchedPage>>, side: string) =>
  w.page.$eval(`.vn-pane[data-side="${side}"] svg`, (s) => s.getAttribute('viewBox')!.split(' ').map(Number));

describe.skipIf(!hasChromium)(`HTML pages in headless Chromium${hasChromium ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('network B: clean load, side by side at 1,440 px, hover highlights the twin, zoom and pan', async () => {
    const url = await page('network-b', loadDesignFile('examples/network-b.yaml').design!);
    const w = await watchedPage(browser);
    await w.page.goto(url, { waitUntil: 'load' });
    const panes = await w.page.$$eval('.vn-pane', (ps) => ps.map((p) => p.getBoundingClientRect().toJSON() as DOMRect));
    expect(panes.length).toBe(2);
    expect(Math.abs(panes[0]!.y - panes[1]!.y)).toBeLessThan(1);
    expect(panes[1]!.x + panes[1]!.width).toBeLessThanOrEqual(1440);
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);

    await w.page.hover('.side.design .el.node[data-id="node:pc1"]');
    const lit = await w.page.$$eval('.side.twin .el.hl', (es) => es.map((e) => e.getAttribute('data-id')));
    expect(lit).toContain('ns:vn-network-b-pc1');
    await w.page.mouse.move(2, 2);
    expect(await w.page.$$eval('.el.hl', (es) => es.length)).toBe(0);

    const home = await viewBox(w, 'design');
    await w.page.click('.vn-pane[data-side="design"] button[data-z="in"]');
    const zoomed = await viewBox(w, 'design');
    expect(zoomed[2]).toBeCloseTo(home[2]! / 1.5, 0);
    const box = panes[0]!;
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 40, { steps: 4 });
    await w.page.mouse.up();
    const panned = await viewBox(w, 'design');
    expect(panned[0]).toBeGreaterThan(zoomed[0]!);
    expect(panned[2]).toBe(zoomed[2]);
    await w.page.mouse.wheel({ deltaY: 200 });
    expect((await viewBox(w, 'design'))[2]).toBeGreaterThan(panned[2]!);
    await w.page.click('.vn-pane[data-side="design"] button[data-z="fit"]');
    expect(await viewBox(w, 'design')).toEqual(home);
    expect(w.errors).toEqual([]);
    expect(w.foreign).toEqual([]);
  }, 60_000);

  it('a group box opens its members, which hover-link to the twin', async () => {
    const url = await page('grouped', loadDesign(bigDesign(2, 10), 'g.yaml').design!, { group: 'always' });
    const w = await watchedPage(browser);
    await w.page.goto(url, { waitUntil: 'load' });
    await w.page.click('.side.design .el.group');
    await w.page.waitForSelector('#vn-members:not([hidden]) .member');
    expect(await w.page.$$eval('#vn-members .member b', (es) => es.map((e) => e.textContent))).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9']);
    await w.page.hover('#vn-members .member:nth-child(4)');
    expect(await w.page.$$eval('.side.twin .el.hl', (es) => es.map((e) => e.getAttribute('data-id')))).toContain('group:ns:vn-big-h0');
    expect(w.errors).toEqual([]);
  }, 60_000);

  // Without a CJK font, Chromium draws missing glyphs as narrow boxes and nothing is measured.
  it.skipIf(!hasCjkFont)(`a CJK label fits its box${hasCjkFont ? '' : ' (skipped: no CJK font, e.g. Debian fonts-wqy-microhei)'}`, async () => {
    const yaml = bigDesign(1, 2).replace('  gw: { kind: router,', '  gw: { kind: router, label: 核心路由器（机房一号楼三层）,');
    const url = await page('cjk', loadDesign(yaml, 'cjk.yaml').design!);
    const w = await watchedPage(browser);
    await w.page.goto(url, { waitUntil: 'load' });
    // The wide label's drawn text ends inside its box (it did not when a CJK character counted one column).
    const fit = await w.page.$eval('.side.design .el.node[data-id="node:gw"]', (g) => {
      const rect = g.querySelector<SVGRectElement>('rect.body')!.getBBox();
      const texts = [...g.querySelectorAll('text')].map((t) => t.getBBox());
      return { right: rect.x + rect.width, texts: texts.map((t) => t.x + t.width) };
    });
    for (const r of fit.texts) expect(r).toBeLessThanOrEqual(fit.right);
    expect(w.errors).toEqual([]);
  }, 60_000);

  it('1,000 hosts: first render and a hover stay quick', async () => {
    const design = loadDesign(designYaml(treeTopo(3, 10), { name: 'big' }), 'big.yaml').design!;
    const url = await page('big', design);
    const w = await watchedPage(browser);
    const t0 = Date.now();
    await w.page.goto(url, { waitUntil: 'load' });
    const load = Date.now() - t0;
    // First render: from the start of navigation to the second frame after load (the first drawn with everything).
    const paint = await w.page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
    const hover = await w.page.evaluate(() => {
      const el = document.querySelector('.side.design .el.node[data-id="node:s2"]')!;
      const t = performance.now();
      el.dispatchEvent(new MouseEvent('mouseenter'));
      document.body.getBoundingClientRect(); // force style and layout
      return { ms: performance.now() - t, lit: document.querySelectorAll('.el.hl').length };
    });
    const elements = await w.page.$$eval('.el', (es) => es.length);
    console.log(`1,000-host page (grouped): load ${load} ms, first render ${Math.round(paint)} ms, hover ${hover.ms.toFixed(1)} ms, ${elements} elements`);
    expect(hover.lit).toBeGreaterThan(1);
    expect(load).toBeLessThan(30_000);
    expect(hover.ms).toBeLessThan(2_000);
    expect(w.errors).toEqual([]);
  }, 120_000);
});
