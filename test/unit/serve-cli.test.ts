// vnetmap serve without a lab: --listen parsing, and what the server answers before any lab
// is involved (pages, static files with their types, its security headers, the Host guard).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/cli/serve.js';
import { ProcessRunner } from '../../src/exec/runner.js';
import { serveServer } from '../../src/serve/server.js';

describe('serve --listen', () => {
  it('takes ADDRESS:PORT, localhost by default, and refuses the rest', () => {
    expect(parseListen('127.0.0.1:8470')).toEqual({ host: '127.0.0.1', port: 8470 });
    expect(parseListen(':9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListen('localhost:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    for (const bad of ['8470', 'example.com:80', '127.0.0.1:99999', '1.2.3:80', '127.0.0.1:80;rm']) expect(() => parseListen(bad), bad).toThrow(/--listen/);
  });
});

describe('the server, before any lab', () => {
  const server = serveServer({ host: '127.0.0.1', port: 0, runner: new ProcessRunner() });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('serves its page, scripts and styles itself, under a strict Content-Security-Policy', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).toContain('<script src="/static/diagram.js">');
    expect(html).not.toMatch(/<script>|https?:\/\//);
    for (const [path, type] of [['/static/diagram.js', 'text/javascript'], ['/static/serve.js', 'text/javascript'], ['/static/serve.css', 'text/css'], ['/static/diagram.css', 'text/css']]) {
      const r = await fetch(base + path!);
      expect([r.status, r.headers.get('content-type')]).toEqual([200, `${type}; charset=utf-8`]);
      expect(await r.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/labs/..%2F..%2Fetc/status`)).status).toBe(400);
    expect((await fetch(`${base}/api/labs/x/ping`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(400);
  });
});
