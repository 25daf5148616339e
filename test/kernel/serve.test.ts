// vnetmap serve against a real lab (network A, in namespaces this test creates and removes):
// the JSON API with its guards, then the page in headless Chromium — no console errors, no
// request leaving the server, live status and drift pushed to the page, a click on a node and
// a ping, trace and verify from it overlaid on the picture.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { withLabLock } from '../../src/apply/lock.js';
import { serveServer } from '../../src/serve/server.js';
import { hasChromium, launch, watchedPage } from '../helpers/browser.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const lab = uniqueLab();
let server: Server | undefined;
let base = '';
let browser: Browser | undefined;
let pc1ns = '';

describe.skipIf(!isRoot)(`vnetmap serve on a running lab${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  beforeAll(async () => {
    const plan = await examplePlan('network-a', 'faithful', lab);
    pc1ns = nsOf(plan, 'pc1');
    await applyPlan(plan, runner, { designFile: example('network-a') });
    server = serveServer({ host: '127.0.0.1', port: 0, runner, interval: 1 });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await destroyLab(lab, runner).catch(() => undefined);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 60_000);

  const post = (what: string, body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${base}/api/labs/${lab}/${what}`, { method: 'POST', headers, body: JSON.stringify(body) });

  it('lists the lab, its status and nodes; pings, traces and captures inside it', async () => {
    expect((await (await fetch(`${base}/api/labs`)).json()).map((l: { lab: string }) => l.lab)).toContain(lab);
    const st = await (await fetch(`${base}/api/labs/${lab}/status`)).json();
    expect([st.running, st.drift, st.missing]).toEqual([true, [], []]);
    expect((await (await fetch(`${base}/api/labs/${lab}/nodes`)).json()).nodes).toContain('pc1');
    const p = await (await post('ping', { from: 'pc1', to: 'pc2', count: 1 })).json();
    expect([p.ok, p.address]).toEqual([true, '192.168.1.12']);
    const t = await (await post('trace', { from: 'pc1', to: 'pc2' })).json();
    expect(t.verdict).toBe('delivered');
    expect(t.traced).toContain('node:pc2');
    // A capture on pc2 while pc1 pings it: bounded by count and seconds.
    const [c] = await Promise.all([post('capture', { node: 'pc2', count: 2, seconds: 4 }).then((r) => r.json()), post('ping', { from: 'pc1', to: 'pc2', count: 3 })]);
    expect(c.where).toBe('pc2/eth0');
    expect(c.packets).toMatch(/ICMP echo/);
  }, 60_000);

  it('refuses what it must: unknown labs and nodes, unbounded counts, foreign hosts and origins, forms', async () => {
    expect((await post('ping', { from: 'pc1', to: 'pc2; reboot' })).status).toBe(400);
    expect((await post('ping', { from: '../x', to: 'pc2' })).status).toBe(400);
    expect((await post('ping', { from: 'pc1', to: 'pc2', count: 1000 })).status).toBe(400);
    expect((await post('capture', { node: 'pc1', iface: 'eth0 -w /etc/x' })).status).toBe(400);
    expect((await fetch(`${base}/api/labs/no-such-lab/status`)).status).toBe(400);
    expect((await post('ping', { from: 'pc1', to: 'pc2' }, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('ping', { from: 'pc1', to: 'pc2' }, { 'Content-Type': 'application/json', Origin: 'http://evil.example' })).status).toBe(403);
    const port = (server!.address() as AddressInfo).port;
    const rebound = await new Promise<number>((resolve) => {
      // fetch() will not send another Host header: plain http.
      void import('node:http').then((http) =>
        http.get({ host: '127.0.0.1', port, path: '/api/labs', headers: { Host: `evil.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }),
      );
    });
    expect(rebound).toBe(421);
    // While another run holds the lab (an up, a down), a read is busy at once, not left waiting.
    await withLabLock(lab, { what: 'test' }, async () => {
      const busy = await post('ping', { from: 'pc1', to: 'pc2', count: 1 });
      expect(busy.status).toBe(409);
      expect((await busy.json()).error).toMatch(/busy/);
    });
  });

  describe.skipIf(!hasChromium)(`the page in a browser${hasChromium ? '' : ' (skipped: no /usr/bin/chromium)'}`, () => {
    it('loads clean, shows live status and drift, and acts on a clicked node', async () => {
      browser = await launch();
      const w = await watchedPage(browser, [base]);
      await w.page.goto(`${base}/lab/${lab}`, { waitUntil: 'load' });
      await w.page.waitForFunction(() => /no drift/.test(document.getElementById('vn-status')!.textContent ?? ''), { timeout: 15_000 });
      // Design and twin side by side on a 1,440 px screen.
      const panes = await w.page.$$eval('.vn-pane', (ps) => ps.map((p) => p.getBoundingClientRect().toJSON() as DOMRect));
      expect(panes.length).toBe(2);
      expect(panes[1]!.x).toBeGreaterThan(panes[0]!.x + panes[0]!.width - 1);
      expect(panes[1]!.x + panes[1]!.width).toBeLessThanOrEqual(1440);

      // Click pc1 on the design, ping pc2.
      // A namespace frame on the twin stands for its node; then pc1 on the design.
      const frame = await w.page.$eval('.side.twin .el.frame[data-refs~="node:pc2"] rect.body', (r) => r.getBoundingClientRect().toJSON() as DOMRect);
      await w.page.mouse.click(frame.x + 6, frame.y + frame.height - 4);
      expect(await w.page.$eval('#vn-selected', (e) => e.textContent)).toBe('pc2');
      await w.page.click('.side.design .el.node[data-id="node:pc1"]');
      expect(await w.page.$eval('#vn-selected', (e) => e.textContent)).toBe('pc1');
      await w.page.select('#vn-to', 'pc2');
      await w.page.click('#vn-ping');
      await w.page.waitForFunction(() => /PING OK pc1 → pc2/.test(document.getElementById('vn-out')!.textContent ?? ''), { timeout: 15_000 });
      // Trace overlaid: pc2 marked on both sides.
      await w.page.select('#vn-trace-to', 'pc2');
      await w.page.click('#vn-trace');
      await w.page.waitForSelector('.side.design .el.traced[data-id="node:pc2"]', { timeout: 10_000 });
      expect(await w.page.$$eval('.side.twin .el.traced', (e) => e.length)).toBeGreaterThan(0);

      // Verify, overlaid: every probed node green or red.
      await w.page.click('#vn-verify');
      await w.page.waitForFunction(() => /^verify: \d+ passed/.test(document.getElementById('vn-out')!.textContent ?? ''), { timeout: 60_000 });
      expect(await w.page.$$eval('.side.design .el.v-pass', (e) => e.length)).toBeGreaterThan(0);

      // Drift: pc1's interface down shows on the page within a few pushes.
      await runner.run(['ip', '-n', pc1ns, 'link', 'set', 'eth0', 'down']);
      await w.page.waitForFunction(() => /drift/.test(document.getElementById('vn-status')!.textContent ?? '') && !/no drift/.test(document.getElementById('vn-status')!.textContent ?? ''), { timeout: 15_000 });
      expect(await w.page.$$eval('.el.drift', (e) => e.length)).toBeGreaterThan(0);
      // (Up again is not the same lab: the kernel dropped pc1's routes with the link. down removes it.)

      expect(w.errors).toEqual([]);
      expect(w.foreign).toEqual([]);
    }, 120_000);
  });
});
