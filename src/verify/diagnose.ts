// Why a check failed, not only that it did: the live objects that differ from the plan (the
// drift of `vnetmap status`, src/apply/status.ts) matched to the objects the pair's packets
// cross in the plan. The semantics engine walks the pair through the plan model (the same walk
// `vnetmap trace --strategy` shows): the namespaces it enters, the devices it crosses, the
// design elements those realise. A failed check is explained by
//   - for an answer that went missing: drift on that path (a device down or gone, an address,
//     route or NAT rule missing, a sysctl changed ...);
//   - for an answer that should not have come (or came from someone else): drift that adds or
//     changes something (an extra cable, an extra address, a changed tag or mode), wherever it is;
//   - for a probe that could not be made: drift in the source's namespace.
// Drift items may say where they are (namespace, dev) and what they realise (refs); older ones
// only say it in `object` ("vn-L-pc1/eth0", "netns vn-L-pc1", "vn-L-gw route default ...",
// "host/vnab121", "ovs vnab12b0"), which is parsed instead.
import { parseIp } from '../model/ip.js';
import type { Plan } from '../plan/types.js';
import { roundTrip, type Hop } from '../semantics/forward.js';
import { planModel, type PlanModel } from '../semantics/from-plan.js';
import type { Endpoint, NetModel } from '../semantics/net-model.js';
import { ifaceOf } from '../semantics/reachability.js';
import type { Check } from './checks.js';

/** A drift item of `vnetmap status` (src/apply/status.ts Drift, with its optional location). */
export interface DriftItem {
  kind: 'missing' | 'extra' | 'different';
  object: string;
  detail: string;
  namespace?: string | null;
  dev?: string;
  realizes?: string[];
}

interface Path {
  namespaces: Set<string>;
  /** "ns/dev", "host/dev" for the root namespace, "ovs/bridge" */
  devices: Set<string>;
  refs: Set<string>;
}

/** Failed checks explained at most (each one walks the plan model). */
const MAX_EXPLAINED = 2_000;

/** Where a drift item is: from its fields, else from its `object` text. */
export function located(d: DriftItem): { ns?: string; dev?: string } {
  if (d.namespace !== undefined || d.dev !== undefined) return { ...(d.namespace !== undefined ? { ns: d.namespace ?? 'host' } : {}), ...(d.dev !== undefined ? { dev: d.dev } : {}) };
  const o = d.object;
  let m = /^netns (\S+)/.exec(o);
  if (m) return { ns: m[1]! };
  m = /^ovs (\S+)/.exec(o);
  if (m) return { ns: 'ovs', dev: m[1]! };
  m = /^([^\s/]+)\/(\S+)/.exec(o);
  if (m) return { ns: m[1]!, dev: m[2]! };
  m = /^(\S+) /.exec(o);
  return m ? { ns: m[1]! } : {};
}

const sentence = (d: DriftItem): string => `${d.object}: ${d.detail}`;

export function diagnose(checks: Check[], plan: Plan, drift: DriftItem[]): void {
  const failed = checks.filter((c) => !c.ok).slice(0, MAX_EXPLAINED);
  if (!failed.length) return;
  if (!drift.length) {
    for (const c of failed) c.explanation = ['the live objects match the plan (vnetmap status shows no drift): the plan itself, or something it does not describe, differs from the design'];
    return;
  }
  const pm = planModel(plan);
  const byName = new Map(pm.endpoints.map((e) => [e.name, e]));
  const where = drift.map(located);
  const cache = new Map<string, Path>();
  for (const c of failed) {
    const key = `${c.kind} ${c.from} ${c.to}`;
    const path = cache.get(key) ?? pathOf(pm, c, byName);
    cache.set(key, path);
    const src = byName.get(c.from);
    const srcNs = src && pm.namespaceOf.get(src.node);
    const hits = drift.filter((d, k) => {
      const w = where[k]!;
      const onPath = (d.realizes ?? []).some((r) => path.refs.has(r)) || (w.dev !== undefined ? path.devices.has(`${w.ns}/${w.dev}`) : w.ns !== undefined && path.namespaces.has(w.ns));
      if (c.error) return w.ns === srcNs || onPath;
      // Missing answers: something on the way went; unexpected ones: something was added or changed.
      return c.expected && !c.observed ? onPath && d.kind !== 'extra' : d.kind !== 'missing' || onPath;
    });
    // Devices first: an address or route missing is often what a missing device leaves behind.
    hits.sort((x, y) => Number(located(y).dev !== undefined) - Number(located(x).dev !== undefined));
    c.explanation = hits.length ? hits.slice(0, 5).map(sentence) : [`no drift on this pair's path; elsewhere: ${drift.slice(0, 2).map(sentence).join('; ')}${drift.length > 2 ? ` and ${drift.length - 2} more (vnetmap status)` : ''}`];
  }
}

/** The namespaces, devices and design elements the check's packets cross in the plan. */
function pathOf(pm: PlanModel, c: Check, byName: Map<string, Endpoint>): Path {
  const path: Path = { namespaces: new Set(), devices: new Set(), refs: new Set() };
  const a = byName.get(c.from);
  if (!a) return path;
  const m = pm as NetModel;
  const add = (node: string, dev?: string) => {
    const ns = pm.namespaceOf.get(node);
    if (!ns) return;
    path.namespaces.add(ns);
    if (dev) path.devices.add(`${ns}/${dev}`);
  };
  add(a.node, a.dev);
  for (const r of ifaceOf(m, a).realizes) path.refs.add(r);
  const steps = (hs: Hop[]) => {
    for (const h of hs) {
      add(h.node);
      for (const r of h.realizes) path.refs.add(r);
      if (h.action === 'arrive') add(h.node, h.detail.replace(/^on /, ''));
      const dev = / dev (\S+)/.exec(h.detail);
      if (h.action === 'route' && dev) add(h.node, dev[1]);
      if (h.action === 'l2') devicesIn(h.detail, path);
    }
  };
  if (c.kind === 'tcp' || c.kind === 'udp') {
    const t = /^\S+ (\S+):(\d+)\b/.exec(c.to);
    const addr = t && parseIp(t[1]!);
    if (addr !== undefined && addr !== null && t) {
      const rt = roundTrip(m, a.node, a.addr.ip, addr, c.kind, Number(t[2]));
      steps(rt.request.hops);
      steps(rt.reply?.hops ?? []);
    }
    return path;
  }
  const b = byName.get(c.to);
  if (!b) return path;
  add(b.node, b.dev);
  for (const r of ifaceOf(m, b).realizes) path.refs.add(r);
  if (c.kind === 'arp') {
    const [ia, ib] = [ifaceOf(m, a), ifaceOf(m, b)];
    if (m.l2.adjacent(ia, ib)) for (const s of m.l2.path(ia, ib)) (devicesIn(s.what, path), s.realizes.forEach((r) => path.refs.add(r)));
    return path;
  }
  const rt = roundTrip(m, a.node, a.addr.ip, b.addr.ip, 'icmp', 0);
  steps(rt.request.hops);
  steps(rt.reply?.hops ?? []);
  return path;
}

/** Devices named in an L2 step's text (plan-l2.ts: "eth0@vn-L-pc1", root devices bare, OVS bridges). */
function devicesIn(what: string, path: Path): void {
  for (const m of what.matchAll(/([\w.:-]+)@([\w.-]+)/g)) {
    path.devices.add(`${m[2]}/${m[1]}`);
    path.namespaces.add(m[2]!);
  }
  const ovs = /ovs bridge (\S+) port (\S+)/.exec(what);
  if (ovs) {
    path.devices.add(`ovs/${ovs[1]}`);
    path.devices.add(`host/${ovs[2]}`);
  }
  const veth = /^veth (\S+) <-> (\S+)/.exec(what);
  if (veth) for (const d of [veth[1]!, veth[2]!]) if (!d.includes('@')) path.devices.add(`host/${d}`);
}
