// `vnetmap serve`: an HTTP server (node:http, nothing else) for the web view of running labs.
// Everything it serves comes from this process: pages, scripts, styles, JSON, and the live
// status as server-sent events. Guards, since it runs as root:
// - it listens on 127.0.0.1 unless told otherwise;
// - the Host header must name this server (a DNS-rebinding page cannot talk to it);
// - actions are POSTs of application/json from this origin only (a cross-site form cannot
//   send them), bodies of at most 4 KB, a few at a time;
// - labs are those vnetmap runs (state under /run/vnetmap), nodes those of their plan.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listLabs, readState } from '../apply/state.js';
import { DIAGRAM_SCRIPT } from '../diagram/html-script.js';
import { BusyError, InterruptedError, UserError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { labNodes } from '../apply/exec.js';
import { capture, ownedLab, ping, reading, statusOf, trace, verify } from './actions.js';
import { SERVE_CSS, SERVE_JS } from './client.js';
import { DIAGRAM_CSS, indexPage, labPage } from './pages.js';
import { labLabel } from '../engines/index.js';

export interface ServeOptions {
  host: string;
  port: number;
  runner: Runner;
  /** Seconds between two status pushes to a page. */
  interval?: number;
  log?: (line: string) => void;
}

const MAX_BODY = 4096;
const MAX_ACTIVE = 4;
const MAX_STREAMS = 16;
const HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
const STATIC: Record<string, [string, string]> = {
  '/static/diagram.js': ['text/javascript', DIAGRAM_SCRIPT],
  '/static/serve.js': ['text/javascript', SERVE_JS],
  '/static/diagram.css': ['text/css', DIAGRAM_CSS],
  '/static/serve.css': ['text/css', SERVE_CSS],
};

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { ...HEADERS, 'Content-Type': `${type}; charset=utf-8` });
  res.end(body);
}
const json = (res: ServerResponse, code: number, v: unknown) => send(res, code, 'application/json', JSON.stringify(v));

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new UserError(`request body over ${MAX_BODY} bytes.`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new UserError('the request body must be a JSON object.'));
      }
    });
    req.on('error', reject);
  });
}

export function serveServer(o: ServeOptions): Server {
  const log = o.log ?? (() => {});
  const interval = Math.max(1, o.interval ?? 3) * 1000;
  let active = 0;
  let streams = 0;
  const hostOk = (host: string | undefined, port: number): boolean => {
    if (o.host === '0.0.0.0' || o.host === '::') return true; // every address of the machine: no one name to check
    const ok = new Set([`${o.host}:${port}`, `[${o.host}]:${port}`]);
    if (o.host === '127.0.0.1' || o.host === '::1') ok.add(`localhost:${port}`).add(`127.0.0.1:${port}`).add(`[::1]:${port}`);
    return host !== undefined && ok.has(host);
  };

  const server = createServer((req, res) => {
    const port = (server.address() as { port: number }).port;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (!hostOk(req.headers.host, port)) return send(res, 421, 'text/plain', 'unexpected Host header\n');
    void route(req, res, path).catch((e: unknown) => {
      const code = e instanceof BusyError || e instanceof InterruptedError ? 409 : e instanceof UserError ? 400 : 500;
      if (code === 500) log(`serve: ${req.method} ${path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) json(res, code, { error: e instanceof Error ? e.message : String(e) });
      else res.end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const st = STATIC[path];
    if (req.method === 'GET' && st) return send(res, 200, st[0], st[1]);
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html', indexPage(labList()));
    if (req.method === 'GET' && path === '/api/labs') return json(res, 200, labList());
    const m = /^\/(lab|api\/labs)\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (!m) return send(res, 404, 'text/plain', 'not found\n');
    const lab = ownedLab(decodeURIComponent(m[2]!)).lab;
    const [, kind, , action] = m;
    if (req.method === 'GET') {
      if (kind === 'lab' && !action) return send(res, 200, 'text/html', await reading(lab, 'page', () => labPage(ownedLab(lab))));
      if (action === 'status') return json(res, 200, await statusOf(lab, o.runner));
      if (action === 'nodes') return json(res, 200, { nodes: await reading(lab, 'nodes', () => labNodes(lab)) });
      if (action === 'events') return events(res, lab);
      return send(res, 404, 'text/plain', 'not found\n');
    }
    if (req.method !== 'POST' || kind !== 'api/labs') return send(res, 405, 'text/plain', 'method not allowed\n');
    // Only this page's own scripts: a JSON body (a cross-site form cannot send one without
    // asking first, and we never say yes) and, where the browser names it, this origin.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return json(res, 415, { error: 'send application/json' });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return json(res, 403, { error: 'cross-origin request refused' });
    if (active >= MAX_ACTIVE) return json(res, 429, { error: `${MAX_ACTIVE} actions already running; try again when one is done` });
    active++;
    try {
      const body = await readBody(req);
      log(`serve: ${action} on ${lab} ${JSON.stringify(body)}`);
      if (action === 'ping') return json(res, 200, await ping(lab, body, o.runner));
      if (action === 'trace') return json(res, 200, await trace(lab, body));
      if (action === 'capture') return json(res, 200, await capture(lab, body, o.runner));
      if (action === 'verify') return json(res, 200, await verify(lab, body, o.runner));
      return json(res, 404, { error: `no action "${action}"` });
    } finally {
      active--;
    }
  }

  /** Server-sent events: the lab's status now, then every `interval`, while the page is open. */
  function events(res: ServerResponse, lab: string): void {
    // Each open page reads its lab's status every few seconds: a bounded number of them.
    if (streams >= MAX_STREAMS) return json(res, 429, { error: `${MAX_STREAMS} pages already follow labs here; close one` });
    streams++;
    res.on('close', () => streams--);
    res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const push = async () => {
      let data: unknown;
      try {
        data = await statusOf(lab, o.runner);
      } catch (e) {
        data = e instanceof BusyError ? { busy: e.message } : { error: e instanceof Error ? e.message : String(e) };
      }
      if (stopped) return;
      res.write(`event: status\ndata: ${JSON.stringify(data)}\n\n`);
      timer = setTimeout(() => void push(), interval);
    };
    res.on('close', () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    });
    void push();
  }

  return server;
}

function labList(): { lab: string; strategy: string; appliedAt: string }[] {
  return listLabs().flatMap((lab) => {
    const st = readState(lab);
    return st ? [{ lab, strategy: labLabel(st), appliedAt: st.appliedAt }] : [];
  });
}
