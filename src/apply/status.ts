// `status`: what a lab's state says it built, what the kernel shows, and the drift between
// them (planned objects missing, unplanned ones present, planned addresses not where planned).
import type { Runner } from '../exec/runner.js';
import { labMarker } from '../plan/names.js';
import { parseLinks, parseRoutes, type ObservedLink } from '../observe/ip-json.js';
import { mapPool } from '../exec/pool.js';
import { indexByNamespace, inNs, type NsIndex } from '../render/index-ns.js';
import { plannedDevicesIn } from '../render/render.js';
import { execIn, ipIn } from '../render/steps.js';
import { findOwned, isOurRootLink, rootLinks } from './discover.js';
import { readState } from './state.js';

export interface NsStatus {
  name: string;
  node?: string;
  role?: string;
  exists: boolean;
  interfaces: ObservedLink[];
}

export interface Drift {
  kind: 'missing' | 'extra' | 'different';
  object: string;
  detail: string;
}

export interface LabStatus {
  lab: string;
  running: boolean;
  designFile?: string;
  strategy?: string;
  appliedAt?: string;
  namespaces: NsStatus[];
  ovsBridges: string[];
  drift: Drift[];
}

async function observeNs(runner: Runner, ns: string): Promise<ObservedLink[] | undefined> {
  const r = await runner.run(ipIn(ns, '-j', '-d', 'addr', 'show'), { allowFail: true });
  return r.code === 0 ? parseLinks(r.stdout) : undefined;
}

const norm = (p: string): string => p.replace(/\/32$/, '');

/** Planned routes present (destination, gateway, device as planned) and planned NAT tables loaded. */
async function routeAndNatDrift(runner: Runner, idx: NsIndex, ns: string): Promise<Drift[]> {
  const out: Drift[] = [];
  const routes = inNs(idx, ns, 'route');
  if (routes.length) {
    const have = parseRoutes((await runner.run(ipIn(ns, '-j', 'route', 'show'), { allowFail: true })).stdout);
    for (const r of routes) {
      const ok = have.some((h) => norm(h.to) === norm(r.to) && (!r.via || h.via === r.via) && (!r.dev || h.dev === r.dev));
      if (!ok) out.push({ kind: 'missing', object: `${ns} route ${r.to}${r.via ? ` via ${r.via}` : ''}`, detail: 'route missing' });
    }
  }
  for (const o of inNs(idx, ns, 'nft')) {
    const r = await runner.run(execIn(ns, ['nft', 'list', 'table', 'ip', o.table]), { allowFail: true });
    if (r.code !== 0) out.push({ kind: 'missing', object: `${ns} nft table ip ${o.table}`, detail: 'NAT rules not loaded' });
  }
  return out;
}

export async function labStatus(lab: string, runner: Runner): Promise<LabStatus> {
  const st = readState(lab);
  const planned = st?.plan.objects.flatMap((o) => (o.kind === 'netns' ? [o] : [])) ?? [];
  const owned = await findOwned(runner, lab, planned.map((n) => n.name));
  const drift: Drift[] = [];
  const names = [...new Set([...planned.map((n) => n.name), ...owned.namespaces])].sort();
  const plannedBy = new Map(planned.map((n) => [n.name, n]));
  const idx = st ? indexByNamespace(st.plan) : new Map();
  // One process per namespace, a few at a time (thousands of namespaces in a big lab).
  const ownedSet = new Set(owned.namespaces);
  const seen = await mapPool(names, 8, async (n) => {
    const links = ownedSet.has(n) ? await observeNs(runner, n) : undefined;
    return { links, routes: st && links && plannedBy.has(n) ? await routeAndNatDrift(runner, idx, n) : [] };
  });
  const namespaces: NsStatus[] = [];
  names.forEach((name, i) => {
    const p = plannedBy.get(name);
    const { links, routes } = seen[i]!;
    namespaces.push({ name, ...(p?.node ? { node: p.node } : {}), ...(p ? { role: p.role } : {}), exists: !!links, interfaces: links ?? [] });
    if (!st) return;
    if (!p) {
      drift.push({ kind: 'extra', object: `netns ${name}`, detail: `carries lab ${lab}'s marker but is not in the plan` });
      return;
    }
    if (!links) {
      drift.push({ kind: 'missing', object: `netns ${name}`, detail: `namespace missing or without the marker ${labMarker(lab)}` });
      return;
    }
    const want = plannedDevicesIn(idx, name);
    const have = new Map(links.map((l) => [l.name, l]));
    for (const d of want) {
      const l = have.get(d);
      if (!l) drift.push({ kind: 'missing', object: `${name}/${d}`, detail: 'device missing' });
      else if (!l.up) drift.push({ kind: 'different', object: `${name}/${d}`, detail: 'device is down (planned up)' });
    }
    for (const l of links) if (l.name !== 'lo' && !want.includes(l.name)) drift.push({ kind: 'extra', object: `${name}/${l.name}`, detail: 'device not in the plan' });
    const addrs = inNs(idx, name, 'address');
    for (const a of addrs) {
      if (!have.get(a.dev)?.addresses.includes(a.cidr)) drift.push({ kind: 'missing', object: `${name}/${a.dev} ${a.cidr}`, detail: 'address missing' });
    }
    for (const l of links) {
      if (l.name === 'lo') continue;
      for (const c of l.addresses) if (!addrs.some((a) => a.dev === l.name && a.cidr === c)) drift.push({ kind: 'extra', object: `${name}/${l.name} ${c}`, detail: 'address not in the plan' });
    }
    drift.push(...routes);
  });
  if (st) {
    const roots = new Map((await rootLinks(runner)).filter((l) => isOurRootLink(lab, l)).map((l) => [l.name, l]));
    const wantRoot = st.plan.objects.flatMap((o) => (o.kind === 'veth' ? [o.a, o.b].filter((e) => e.namespace === null).map((e) => e.name) : []));
    for (const d of wantRoot) if (!roots.has(d)) drift.push({ kind: 'missing', object: `host/${d}`, detail: 'root-namespace device missing' });
    for (const d of roots.keys()) if (!wantRoot.includes(d)) drift.push({ kind: 'extra', object: `host/${d}`, detail: 'root-namespace device with our marker not in the plan' });
    const wantBr = st.plan.objects.flatMap((o) => (o.kind === 'ovs-bridge' ? [o.name] : []));
    for (const b of wantBr) if (!owned.ovsBridges.includes(b)) drift.push({ kind: 'missing', object: `ovs ${b}`, detail: 'Open vSwitch bridge missing' });
    for (const b of owned.ovsBridges) if (!wantBr.includes(b)) drift.push({ kind: 'extra', object: `ovs ${b}`, detail: 'Open vSwitch bridge with our marker not in the plan' });
  }
  const res: LabStatus = { lab, running: !!st, namespaces, ovsBridges: owned.ovsBridges, drift };
  if (st) Object.assign(res, { designFile: st.designFile, strategy: st.strategy, appliedAt: st.appliedAt });
  return res;
}
