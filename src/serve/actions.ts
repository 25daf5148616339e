// What the web view may do to a running lab, each a call of the library functions the CLI
// uses, with every input checked against the lab's own plan and every probe bounded in count
// and time. None changes the lab: ping and capture run in a node's namespace (traffic only to
// the lab's own addresses), trace is offline, verify probes as `vnetmap verify` does.
// Every read of a lab (its state, status, a ping or capture inside it) holds the lab's lock in
// shared mode, verify holds it exclusively, as the CLI does; a lab that
// another run holds is a busy answer at once, never a request left waiting.
import { nodeNamespace, labNodes } from '../apply/exec.js';
import { withLabLock } from '../apply/lock.js';
import { checkedLab, listLabs, readState, type LabState } from '../apply/state.js';
import { capturePlace } from '../apply/capture-place.js';
import { graphs } from '../diagram/draw.js';
import { allNodes } from '../diagram/graph.js';
import { UserError } from '../errors.js';
import { inNetns } from '../exec/netns.js';
import type { Runner } from '../exec/runner.js';
import { loadDesignFile } from '../model/load.js';
import type { Design } from '../model/types.js';
import { traceOffline } from '../semantics/trace.js';
import { engineNamed } from '../engines/index.js';
import { verifyLab } from '../engines/verify-lab.js';

/** How long verify waits for the lab (status reads of open pages hold it shortly, shared). */
const VERIFY_WAIT_MS = 15_000;
export const LIMITS = { pingCount: 10, captureCount: 100, captureSeconds: 15, verifySample: 8 } as const;

/** A lab this vnetmap owns (it has state under /run/vnetmap), by a name that passed the lab-name rule. */
export function ownedLab(name: unknown): LabState {
  if (typeof name !== 'string' || !listLabs().includes(name)) throw new UserError(`no lab ${JSON.stringify(name)} run by vnetmap here; labs: ${listLabs().join(', ') || 'none'}.`);
  const st = readState(checkedLab(name));
  if (!st) throw new UserError(`lab "${name}" has no state (removed meanwhile?).`);
  return st;
}

/** A node of the lab, by its exact design name. */
export function labNode(lab: string, name: unknown): string {
  if (typeof name !== 'string' || !labNodes(lab).includes(name)) throw new UserError(`lab "${lab}" has no node ${JSON.stringify(name)}.`);
  return name;
}

/** A whole number within [1, max], or the default when absent. */
export function bounded(v: unknown, max: number, dflt: number, what: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(`${what} must be a whole number from 1 to ${max}.`);
  return n;
}

/** The design of a lab, when its file still loads (the twin alone otherwise). */
export function labDesign(st: LabState): Design | undefined {
  try {
    return loadDesignFile(st.designFile).design;
  } catch {
    return undefined;
  }
}

/** Run `fn` reading the lab's state under its shared lock (busy at once while up or down holds it). */
export const reading = <T>(lab: string, what: string, fn: () => T | Promise<T>): Promise<T> => withLabLock(lab, shared(what), async () => fn());

const shared = (what: string) => ({ what: `serve ${what}`, shared: true, wait: false });

/** A lab's status for the page: its engine's drift (missing namespaces marked on the diagram). */
export function statusOf(lab: string, runner: Runner) {
  return withLabLock(lab, shared('status'), async () => {
    const st = ownedLab(lab);
    const engine = engineNamed(st.engine);
    const drift = await engine.drift(lab, runner);
    const namespaces = new Set(st.plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : []))).size;
    const missing = drift.flatMap((d) => (d.kind === 'missing' && d.namespace && d.object === `netns ${d.namespace}` ? [d.namespace] : []));
    return {
      lab,
      running: true,
      strategy: engine.label(engine.planOf(st)),
      appliedAt: st.appliedAt,
      namespaces,
      missing,
      drift: drift.map((d) => ({ kind: d.kind, object: d.object, detail: d.detail, namespace: d.namespace, dev: d.dev, refs: d.realizes ?? [] })),
    };
  });
}

/** ping from a node to another node of the same lab (its first address), a few packets, bounded in time. */
export function ping(lab: string, body: Record<string, unknown>, runner: Runner) {
  return reading(lab, 'ping', () => pingLocked(lab, body, runner));
}

async function pingLocked(lab: string, body: Record<string, unknown>, runner: Runner) {
  const st = ownedLab(lab);
  const from = labNode(lab, body.from);
  const to = labNode(lab, body.to);
  const count = bounded(body.count, LIMITS.pingCount, 3, 'count');
  const addr = st.plan.endpoints.find((e) => e.node === to && e.addresses.length)?.addresses[0]?.split('/')[0];
  if (!addr) throw new UserError(`node "${to}" has no address to ping.`);
  const argv = ['ping', '-n', '-c', String(count), '-i', '0.2', '-W', '1', '-w', String(count + 2), addr];
  const r = await runner.run(inNetns(nodeNamespace(lab, from), argv), { allowFail: true, timeoutMs: (count + 4) * 1000 });
  return { from, to, address: addr, ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** The offline trace through the twin, and the ids of the diagram elements on its path. */
export function trace(lab: string, body: Record<string, unknown>) {
  return reading(lab, 'trace', () => traceLocked(lab, body));
}

function traceLocked(lab: string, body: Record<string, unknown>) {
  const st = ownedLab(lab);
  const from = labNode(lab, body.from);
  const to = labNode(lab, body.to);
  const tcpPort = body.tcpPort === undefined || body.tcpPort === null || body.tcpPort === '' ? undefined : bounded(body.tcpPort, 65535, 80, 'tcpPort');
  const t = traceOffline(st.plan, from, to, tcpPort !== undefined ? { tcpPort } : {});
  const design = labDesign(st);
  const req = { from, to, ...(tcpPort !== undefined ? { tcpPort } : {}) };
  const gs = design ? graphs(design, st.plan, 'both', req) : [];
  const ids = gs.flatMap((g) => [...allNodes(g).filter((n) => n.traced).map((n) => n.id), ...g.edges.filter((e) => e.traced).map((e) => e.id)]);
  return { verdict: t.verdict, why: t.why ?? null, request: t.request.map((h) => `${h.node} ${h.action}: ${h.detail}`), reply: t.reply.map((h) => `${h.node} ${h.action}: ${h.detail}`), traced: [...new Set(ids)] };
}

/** A few packets seen on a device of a node (tcpdump, decoded), bounded in count and seconds. */
export function capture(lab: string, body: Record<string, unknown>, runner: Runner) {
  return reading(lab, 'capture', () => captureLocked(lab, body, runner));
}

async function captureLocked(lab: string, body: Record<string, unknown>, runner: Runner) {
  const st = ownedLab(lab);
  const node = labNode(lab, body.node);
  const iface = body.iface === undefined || body.iface === '' ? undefined : String(body.iface);
  if (iface !== undefined && !/^[A-Za-z0-9_.@-]{1,15}$/.test(iface)) throw new UserError('iface must be an interface name.');
  const count = bounded(body.count, LIMITS.captureCount, 10, 'count');
  const seconds = bounded(body.seconds, LIMITS.captureSeconds, 5, 'seconds');
  const at = capturePlace(lab, st.plan, iface === undefined ? node : `${node}:${iface}`);
  const tcpdump = ['timeout', '-s', 'INT', String(seconds), 'tcpdump', '-i', at.dev, '-n', '-l', '-c', String(count)];
  const argv = at.namespace === null ? tcpdump : inNetns(at.namespace, tcpdump);
  const r = await runner.run(argv, { allowFail: true, timeoutMs: (seconds + 3) * 1000 });
  return { where: at.what, seconds, count, packets: r.stdout.trim(), summary: r.stderr.trim() };
}

/** verify, sampled (a few targets per source), holding the lab as `vnetmap verify` does. */
export async function verify(lab: string, body: Record<string, unknown>, runner: Runner) {
  const st = ownedLab(lab);
  const design = labDesign(st);
  if (!design) throw new UserError(`the design of lab "${lab}" (${st.designFile}) no longer loads; verify needs it.`);
  const sample = bounded(body.sample, LIMITS.verifySample, 4, 'sample');
  // Exclusive, as `vnetmap verify`: waits a little for the status reads of open pages, not for an up.
  const lock = { what: 'serve verify', signal: AbortSignal.timeout(VERIFY_WAIT_MS) };
  const { report: r } = await withLabLock(lab, lock, () => verifyLab(st, design, runner, { sample, concurrency: 16 }));
  const nodes = new Set(labNodes(lab));
  // Checks name endpoints "pc1/eth0", or "gw 203.0.113.2:8080 -> pc1:80" for port forwards: their nodes.
  const nodesIn = (ep: string) => (ep.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? []).filter((n) => nodes.has(n));
  const bad = new Set(r.checks.filter((c) => !c.ok).flatMap((c) => [...nodesIn(c.from), ...nodesIn(c.to)]));
  const seen = new Set(r.checks.flatMap((c) => [...nodesIn(c.from), ...nodesIn(c.to)]));
  return {
    summary: r.summary,
    failed: r.checks.filter((c) => !c.ok).slice(0, 200).map((c) => ({ kind: c.kind, from: c.from, to: c.to, expected: c.expected, observed: c.observed, error: c.error ?? null })),
    nodes: Object.fromEntries([...seen].sort().map((n) => [n, bad.has(n) ? 'fail' : 'pass'])),
  };
}
