// The routes phase of verify: wait, bounded and saying how it goes, until every routing node's
// FRR has the routes the semantics engine converged to (dynamic.ts), then check each node's
// live routes against them — prefix by prefix, by next-hop address: a missing route, an extra
// one or another set of next hops (a lost ECMP path) each fails a check. Live routes are
// zebra's selected OSPF and BGP routes (`show ip route json` through zebra's vty socket, the
// kernel's table as zebra installed it). `vnetmap link` waits the same way after a cut.
import type { Runner } from '../exec/runner.js';
import { askDaemon } from '../exec/vty.js';
import { formatIp, formatNet } from '../model/ip.js';
import { daemonDir } from '../paths.js';
import { frrVtyDaemon } from '../plan/frr.js';
import type { Plan } from '../plan/types.js';
import type { Converged } from '../semantics/dynamic.js';
import { check, type Check } from './checks.js';

/** A node's routes: prefix -> protocol and next-hop addresses (sorted). */
export type RouteTable = Map<string, { proto: string; vias: string[] }>;

export const CONVERGE_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
const ASK_AT_ONCE = 8;

/** The routing nodes of a plan (those with an FRR instance). */
export const routingNodes = (plan: Plan): string[] => plan.objects.flatMap((o) => (o.kind === 'routing' ? [o.spec.node] : []));

/** What each routing node must have, from the converged routing of the (design) model. */
export function expectedTables(routing: Converged | undefined, nodes: string[]): Map<string, RouteTable> {
  const out = new Map<string, RouteTable>();
  for (const n of nodes) {
    const t: RouteTable = new Map();
    for (const r of routing?.routes.get(n) ?? []) t.set(formatNet(r), { proto: r.proto, vias: [...new Set(r.nexthops.map((h) => formatIp(h.via)))].sort() });
    out.set(n, t);
  }
  return out;
}

interface ZebraRoute {
  protocol?: string;
  selected?: boolean;
  nexthops?: { ip?: string; active?: boolean; fib?: boolean; recursive?: boolean }[];
}

/** zebra's `show ip route json` -> its selected OSPF and BGP routes, by the addresses packets go to. */
export function parseZebraRoutes(json: string): RouteTable {
  const t: RouteTable = new Map();
  const all = JSON.parse(json) as Record<string, ZebraRoute[]>;
  for (const [prefix, entries] of Object.entries(all)) {
    const sel = entries.find((e) => e.selected && (e.protocol === 'ospf' || e.protocol === 'bgp'));
    if (!sel) continue;
    // A BGP route's own next hop is "recursive"; the addresses it resolves to are what the kernel uses.
    const vias = (sel.nexthops ?? []).filter((h) => !h.recursive && (h.active || h.fib) && h.ip).map((h) => h.ip!);
    t.set(prefix, { proto: sel.protocol!, vias: [...new Set(vias)].sort() });
  }
  return t;
}

/** One node's live table, or why it cannot be read. */
export async function readTable(runner: Runner, lab: string, node: string): Promise<RouteTable | Error> {
  const dir = daemonDir(lab, frrVtyDaemon(node));
  try {
    const text = await askDaemon(runner, dir, 'zebra', 'show ip route json');
    return parseZebraRoutes(text);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

export interface RouteDiff {
  node: string;
  prefix: string;
  expected?: { proto: string; vias: string[] };
  live?: { proto: string; vias: string[] };
  error?: string;
}

export function diffTables(expected: Map<string, RouteTable>, live: Map<string, RouteTable | Error>): RouteDiff[] {
  const out: RouteDiff[] = [];
  for (const [node, want] of expected) {
    const have = live.get(node);
    if (have instanceof Error || !have) {
      out.push({ node, prefix: '*', error: have?.message ?? 'not read' });
      continue;
    }
    for (const prefix of [...new Set([...want.keys(), ...have.keys()])].sort()) {
      const w = want.get(prefix);
      const h = have.get(prefix);
      if (w && h && w.proto === h.proto && w.vias.join() === h.vias.join()) continue;
      out.push({ node, prefix, ...(w ? { expected: w } : {}), ...(h ? { live: h } : {}) });
    }
  }
  return out;
}

export interface Convergence {
  /** ms until every table was as expected; undefined: not within the bound. */
  ms?: number;
  /** The differences of the last reading (none when converged). */
  diffs: RouteDiff[];
  live: Map<string, RouteTable | Error>;
}

/**
 * Ask every routing node until all tables are as expected or `timeoutMs` passed. Nodes
 * already as expected are asked again only at the end (a table may still change while others
 * converge), so the final answer is one consistent look at all of them.
 */
export async function awaitConvergence(runner: Runner, lab: string, expected: Map<string, RouteTable>, opts: { timeoutMs?: number; progress?: (line: string) => void } = {}): Promise<Convergence> {
  const t0 = Date.now();
  const bound = opts.timeoutMs ?? CONVERGE_TIMEOUT_MS;
  const nodes = [...expected.keys()];
  const live = new Map<string, RouteTable | Error>();
  let pending = nodes;
  let said = t0;
  for (;;) {
    await readAll(runner, lab, pending, live);
    pending = [...new Set(diffTables(new Map(pending.map((n) => [n, expected.get(n)!])), live).map((d) => d.node))];
    if (!pending.length) {
      // Everyone matched at some point: one more look at all of them together.
      await readAll(runner, lab, nodes, live);
      const diffs = diffTables(expected, live);
      if (!diffs.length) return { ms: Date.now() - t0, diffs, live };
      pending = [...new Set(diffs.map((d) => d.node))];
    }
    const now = Date.now();
    if (now - t0 > bound) return { diffs: diffTables(expected, live), live };
    if (opts.progress && now - said >= 2000) {
      said = now;
      opts.progress(`routes: ${nodes.length - pending.length} of ${nodes.length} routers as expected after ${((now - t0) / 1000).toFixed(1)} s; waiting for ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ` and ${pending.length - 5} more` : ''}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function readAll(runner: Runner, lab: string, nodes: string[], into: Map<string, RouteTable | Error>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < nodes.length) {
      const n = nodes[next++]!;
      into.set(n, await readTable(runner, lab, n));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ASK_AT_ONCE, nodes.length) }, worker));
}

const show = (r: { proto: string; vias: string[] } | undefined): string => (r ? `${r.proto} via ${r.vias.join(', ') || 'nothing'}` : 'no route');

/** The checks of a converged (or timed-out) reading: one per node and prefix, expected or present. */
export function routeChecks(expected: Map<string, RouteTable>, c: Convergence): Check[] {
  const out: Check[] = [];
  const bad = new Map(c.diffs.map((d) => [`${d.node} ${d.prefix}`, d]));
  for (const [node, want] of expected) {
    const failed = bad.get(`${node} *`);
    if (failed) {
      out.push(check('route', node, '*', true, false, { error: `its routing table cannot be read: ${failed.error}` }));
      continue;
    }
    const have = c.live.get(node) as RouteTable;
    for (const prefix of [...new Set([...want.keys(), ...have.keys()])].sort()) {
      const d = bad.get(`${node} ${prefix}`);
      const w = want.get(prefix);
      if (!d) {
        out.push(check('route', node, prefix, true, true));
        continue;
      }
      const detail = `expected ${show(d.expected)}, FRR has ${show(d.live)}`;
      out.push(check('route', node, prefix, !!w, !!d.live, { detail, wrong: true }));
    }
  }
  return out;
}

/**
 * The routes phase: wait for the twin's routing daemons to converge to what the design's
 * routing converges to (bounded, saying how it goes), then one check per node and prefix.
 * Returns how long convergence took (undefined: not within the bound), for the report.
 */
export async function routesPhase(runner: Runner, plan: Plan, routing: Converged | undefined, add: (c: Check) => void, opts: { timeoutMs?: number; progress?: (line: string) => void } = {}): Promise<number | undefined> {
  const nodes = routingNodes(plan);
  if (!nodes.length) return undefined;
  const expected = expectedTables(routing, nodes);
  const c = await awaitConvergence(runner, plan.lab, expected, opts);
  for (const x of routeChecks(expected, c)) add(x);
  return c.ms;
}
