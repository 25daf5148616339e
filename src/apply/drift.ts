// Drift: every way a running lab differs from its plan, one entry per object, each saying what
// the plan wanted and what is there, with the design elements the object realises. Pure: it
// compares a LabObservation (observe-lab.ts) with the plan; `status` prints the entries, `up`
// repairs exactly them (reconcile.ts), verify points failed checks at them.
import type { SeenLink, SeenNamespace } from '../observe/namespace.js';
import { labMarker } from '../plan/names.js';
import type { Netns, Plan, PlanObject, Ref } from '../plan/types.js';
import { daemonLog } from '../render/daemons.js';
import { namesFiles } from '../render/hosts.js';
import { namesPath } from '../render/steps.js';
import { indexByNamespace, inNs, type NsIndex } from '../render/index-ns.js';
import { rootAlias } from '../render/render.js';
import { OVS_LAB_KEY } from '../render/ovs.js';
import { ipvsDrift, type IpvsParts } from './ipvs-drift.js';
import { FORWARD_KEY, nftKey, type LabObservation } from './observe-lab.js';

/** The kind of object that drifted: what `up` has to do to repair it. */
export type DriftWhat = 'netns' | 'device' | 'address' | 'route' | 'sysctl' | 'nft' | 'hosts' | 'offload' | 'bridge-vlans' | 'ovs-bridge' | 'ovs-port' | 'ovs-flows' | 'daemon' | 'ipvs';

export interface Drift {
  kind: 'missing' | 'extra' | 'different';
  what: DriftWhat;
  /** For people: "vn-lab-pc1/eth0", "vn-lab-gw route default via 203.0.113.1". */
  object: string;
  /** What is wrong, in words ("device is down (planned up)"). */
  detail: string;
  /** Where (null: the root namespace; absent for Open vSwitch). */
  namespace?: Netns;
  dev?: string;
  /** The address, route destination, sysctl key, nft table, OVS bridge or port, IPVS service ("tcp 10.0.0.1:80") concerned. */
  key?: string;
  /** Design elements of the planned object (absent for extra objects). */
  realizes?: Ref[];
  /** A device that differs in what only re-creating it changes (its kind, macvlan mode, VLAN id, bridge options, port isolation). */
  recreate?: true;
  /** An IPVS service that differs: what of it (ipvs-drift.ts), which is all its repair touches. */
  ipvs?: IpvsParts;
}

interface Want {
  ns: Netns;
  name: string;
  kind: string;
  master?: string;
  mac?: string;
  mtu?: number;
  macvlanMode?: string;
  vlanId?: number;
  stp?: boolean;
  vlanFiltering?: boolean;
  hairpin?: boolean;
  txOff?: boolean;
  alias?: string;
  realizes: Ref[];
}

/** Every device the plan puts in each namespace, with what must hold of it. */
function wantedDevices(plan: Plan): Map<Netns, Map<string, Want>> {
  const out = new Map<Netns, Map<string, Want>>();
  // A device can be named by several objects (a veth end and its bridge-port settings): merge what each says.
  const put = (w: Partial<Want> & Pick<Want, 'ns' | 'name' | 'realizes'>): void => {
    let m = out.get(w.ns);
    if (!m) out.set(w.ns, (m = new Map()));
    const had = m.get(w.name);
    const defined = Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined));
    m.set(w.name, { kind: '', ...had, ...defined, realizes: [...new Set([...(had?.realizes ?? []), ...w.realizes])] } as Want);
  };
  for (const o of plan.objects) {
    const r = o.realizes;
    switch (o.kind) {
      case 'bridge':
        put({ ns: o.namespace, name: o.name, kind: 'bridge', stp: o.stp, vlanFiltering: !!o.vlanFiltering, ...(o.mtu ? { mtu: o.mtu } : {}), realizes: r });
        break;
      case 'veth':
        for (const e of [o.a, o.b])
          put({ ns: e.namespace, name: e.name, kind: 'veth', ...(e.master ? { master: e.master } : {}), ...(e.mac ? { mac: e.mac } : {}), ...(e.mtu ? { mtu: e.mtu } : {}), ...(e.txOff ? { txOff: true } : {}), ...(e.namespace === null ? { alias: rootAlias(plan.lab, r[0] ?? 'veth') } : {}), realizes: r });
        break;
      case 'tap':
        put({ ns: o.namespace, name: o.name, kind: 'tun', ...(o.master ? { master: o.master } : {}), ...(o.mac ? { mac: o.mac } : {}), realizes: r });
        break;
      case 'macvlan':
        put({ ns: o.namespace, name: o.name, kind: o.tap ? 'macvtap' : 'macvlan', macvlanMode: o.mode, ...(o.mac ? { mac: o.mac } : {}), realizes: r });
        break;
      case 'vlan':
        put({ ns: o.namespace, name: o.name, kind: 'vlan', vlanId: o.vid, ...(o.master ? { master: o.master } : {}), realizes: r });
        break;
      case 'bridge-port':
        put({ ns: o.namespace, name: o.dev, hairpin: !!o.hairpin, realizes: r });
        break;
      case 'tunnel':
        put({ ns: o.namespace, name: o.name, kind: o.type, ...(o.master ? { master: o.master } : {}), ...(o.mac ? { mac: o.mac } : {}), ...(o.mtu ? { mtu: o.mtu } : {}), realizes: r });
        break;
      default:
    }
  }
  return out;
}

const at = (ns: Netns, what: string): string => `${ns ?? 'host'}/${what}`;

/**
 * Differences of one device from what the plan wants of it; `recreate` where setting it again
 * cannot repair it.
 */
function deviceDiffs(w: Want, l: SeenLink): { text: string; recreate?: true }[] {
  const out: { text: string; recreate?: true }[] = [];
  const fix = (text: string): void => void out.push({ text });
  const rebuild = (text: string): void => void out.push({ text, recreate: true });
  if (w.kind && l.kind !== w.kind) rebuild(`is a ${l.kind ?? 'device of no kind'} (planned ${w.kind})`);
  if (!l.up) fix('is down (planned up)');
  if ((w.master ?? '') !== (l.master ?? '')) fix(w.master ? `is ${l.master ? `a port of ${l.master}` : 'in no bridge'} (planned port of ${w.master})` : `is a port of ${l.master} (planned in no bridge)`);
  if (w.mac && l.mac?.toLowerCase() !== w.mac.toLowerCase()) fix(`has MAC ${l.mac} (planned ${w.mac})`);
  if (w.mtu && l.mtu !== w.mtu) fix(`has MTU ${l.mtu} (planned ${w.mtu})`);
  if (w.macvlanMode && l.macvlan_mode !== w.macvlanMode) rebuild(`is in ${l.kind} mode ${l.macvlan_mode} (planned ${w.macvlanMode})`);
  if (w.vlanId !== undefined && l.vlan_id !== w.vlanId) rebuild(`carries VLAN ${l.vlan_id} (planned ${w.vlanId})`);
  if (w.stp !== undefined && l.stp !== undefined && l.stp !== w.stp) rebuild(`has STP ${l.stp ? 'on' : 'off'} (planned ${w.stp ? 'on' : 'off'})`);
  if (w.vlanFiltering !== undefined && l.vlan_filtering !== undefined && l.vlan_filtering !== w.vlanFiltering) rebuild(`has VLAN filtering ${l.vlan_filtering ? 'on' : 'off'} (planned ${w.vlanFiltering ? 'on' : 'off'})`);
  if (l.slave === 'bridge' && !!l.hairpin !== !!w.hairpin) fix(`has hairpin ${l.hairpin ? 'on' : 'off'} (planned ${w.hairpin ? 'on' : 'off'})`);
  if (l.slave === 'bridge' && l.isolated) rebuild('is an isolated bridge port (planned not isolated)');
  if (w.alias && l.alias !== w.alias) fix(`has alias ${JSON.stringify(l.alias ?? '')} (planned ${w.alias})`);
  return out;
}

/** Route protocols of FRR's zebra in the kernel (/etc/iproute2/rt_protos). */
export const LEARNED = new Set(['zebra', 'bgp', 'ospf']);

const norm = (to: string): string => (to === 'default' || to.includes('/') ? to : `${to}/32`);

/** Drift of the lab's namespaces: devices, addresses, routes, sysctls, nft, offload, bridge VLANs, IPVS. */
function namespaceDrift(idx: NsIndex, wanted: Map<Netns, Map<string, Want>>, ns: string, seen: SeenNamespace, nftSnapshot: Record<string, string> | undefined, out: Drift[]): void {
  const want = wanted.get(ns) ?? new Map<string, Want>();
  const have = new Map(seen.links.map((l) => [l.name, l]));
  for (const w of want.values()) {
    const l = have.get(w.name);
    if (!l) out.push({ kind: 'missing', what: 'device', object: at(ns, w.name), detail: 'device missing', namespace: ns, dev: w.name, realizes: w.realizes });
    else for (const d of deviceDiffs(w, l)) out.push({ kind: 'different', what: 'device', object: at(ns, w.name), detail: `device ${d.text}`, namespace: ns, dev: w.name, realizes: w.realizes, ...(d.recreate ? { recreate: true as const } : {}) });
  }
  for (const l of seen.links) if (l.name !== 'lo' && !want.has(l.name)) out.push({ kind: 'extra', what: 'device', object: at(ns, l.name), detail: `${l.kind ?? 'device'} not in the plan`, namespace: ns, dev: l.name });
  const addrs = inNs(idx, ns, 'address');
  const hasAddr = new Set(seen.addresses.map((a) => `${a.dev} ${a.cidr}`));
  for (const a of addrs) if (!hasAddr.has(`${a.dev} ${a.cidr}`)) out.push({ kind: 'missing', what: 'address', object: `${at(ns, a.dev)} ${a.cidr}`, detail: 'address missing', namespace: ns, dev: a.dev, key: a.cidr, realizes: a.realizes });
  const planned = new Set(addrs.map((a) => `${a.dev} ${a.cidr}`));
  // A DHCP client's device carries what its lease gives (address, default route): not the plan's to judge; status lists leases.
  const leased = new Set(inNs(idx, ns, 'daemon').flatMap((d) => (d.client ? [d.client.dev] : [])));
  for (const a of seen.addresses) if (a.dev !== 'lo' && !leased.has(a.dev) && !planned.has(`${a.dev} ${a.cidr}`)) out.push({ kind: 'extra', what: 'address', object: `${at(ns, a.dev)} ${a.cidr}`, detail: 'address not in the plan', namespace: ns, dev: a.dev, key: a.cidr });
  const routes = inNs(idx, ns, 'route');
  const matches = (r: (typeof routes)[number], h: SeenNamespace['routes'][number]): boolean => norm(h.to) === norm(r.to) && (!r.via || h.via === r.via) && (!r.dev || h.dev === r.dev);
  for (const r of routes) {
    if (!seen.routes.some((h) => matches(r, h))) out.push({ kind: 'missing', what: 'route', object: `${ns} route ${r.to}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''}`, detail: 'route missing', namespace: ns, key: r.to, realizes: r.realizes });
  }
  // Connected routes come with the addresses; routes the namespace's routing daemons learned
  // (FRR installs them as proto ospf, bgp or zebra) are theirs, checked by verify; every other
  // route must be planned.
  const learns = inNs(idx, ns, 'routing').length > 0;
  for (const h of seen.routes) {
    if (h.proto === 'kernel' || (learns && LEARNED.has(h.proto)) || routes.some((r) => matches(r, h)) || (h.dev && leased.has(h.dev))) continue;
    out.push({ kind: 'extra', what: 'route', object: `${ns} route ${h.to}${h.via ? ` via ${h.via}` : ''}${h.dev ? ` dev ${h.dev}` : ''}`, detail: 'route not in the plan', namespace: ns, key: h.to, ...(h.dev ? { dev: h.dev } : {}) });
  }
  const sysctls = inNs(idx, ns, 'sysctl');
  const forward = sysctls.find((s) => s.key === FORWARD_KEY);
  for (const s of [...sysctls.filter((x) => x.key !== FORWARD_KEY), forward ?? { key: FORWARD_KEY, value: '0', realizes: [] as Ref[], optional: undefined }]) {
    const v = seen.sysctls[s.key];
    if (v === undefined || (v === null && s.optional) || v === s.value) continue;
    out.push({ kind: 'different', what: 'sysctl', object: `${ns} ${s.key}`, detail: v === null ? `kernel setting missing (planned ${s.value})` : `is ${v} (planned ${s.value})`, namespace: ns, key: s.key, ...(s.realizes.length ? { realizes: s.realizes } : {}) });
  }
  const nfts = inNs(idx, ns, 'nft');
  const cmds = seen.commands;
  let c = 0;
  for (const o of nfts) {
    const res = cmds[c++];
    const planned = `${o.family ?? 'ip'} ${o.table}`;
    const was = nftSnapshot?.[nftKey(ns, o)] ?? nftSnapshot?.[ns]; // older states keyed it by namespace alone
    if (!seen.tables.includes(planned) || (res && res.code !== 0)) {
      out.push({ kind: 'missing', what: 'nft', object: `${ns} nft table ${planned}`, detail: `table not loaded (${o.filter?.rules.length ?? o.rules.length} rules planned)`, namespace: ns, key: planned, realizes: o.realizes });
    } else if (res && was !== undefined && res.stdout !== was) {
      out.push({ kind: 'different', what: 'nft', object: `${ns} nft table ${planned}`, detail: `rules differ from what up loaded (${describeNftChange(was, res.stdout)})`, namespace: ns, key: planned, realizes: o.realizes });
    }
  }
  for (const t of seen.tables) if (!nfts.some((o) => `${o.family ?? 'ip'} ${o.table}` === t)) out.push({ kind: 'extra', what: 'nft', object: `${ns} nft table ${t}`, detail: 'nftables table not in the plan', namespace: ns, key: t });
  const bvl = inNs(idx, ns, 'bridge-port').filter((p) => p.vlans?.length);
  if (bvl.length && cmds[c]) bridgeVlanDrift(ns, bvl, cmds[c]!.stdout, out);
  // The IPVS table's listing comes after the bridge VLANs' (observe-lab.ts, queries).
  const ipvs = inNs(idx, ns, 'ipvs');
  if (ipvs.length) ipvsDrift(ns, ipvs, cmds[c + (bvl.length ? 1 : 0)], out);
  for (const w of want.values()) {
    if (!w.txOff || !have.has(w.name)) continue;
    if (seen.txcsum[w.name] === true) out.push({ kind: 'different', what: 'offload', object: at(ns, w.name), detail: 'TX checksum offload is on (planned off: TCP through the OVS userspace datapath fails with it)', namespace: ns, dev: w.name, realizes: w.realizes });
  }
}

/** "2 rules gone, 1 added": lines that differ between two listings of one table. */
function describeNftChange(was: string, now: string): string {
  const rules = (t: string): string[] => t.split('\n').map((l) => l.trim()).filter((l) => l && !/^(table|chain|type|}|policy)/.test(l));
  const a = rules(was);
  const b = rules(now);
  const gone = a.filter((l) => !b.includes(l));
  const added = b.filter((l) => !a.includes(l));
  const parts = [gone.length ? `missing: ${gone.join('; ')}` : '', added.length ? `added: ${added.join('; ')}` : ''].filter(Boolean);
  return parts.join('; ') || 'chains or their settings changed';
}

function bridgeVlanDrift(ns: string, ports: Extract<PlanObject, { kind: 'bridge-port' }>[], json: string, out: Drift[]): void {
  let seen: { ifname: string; vlans?: { vlan: number; flags?: string[] }[] }[] = [];
  try {
    seen = json.trim() ? JSON.parse(json) : [];
  } catch {
    // unreadable: every planned membership is reported below
  }
  for (const p of ports) {
    const have = seen.find((s) => s.ifname === p.dev)?.vlans ?? [];
    const show = (vs: { vlan: number; pvid?: boolean; untagged?: boolean }[]): string => vs.map((v) => `${v.vlan}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}`).join(', ') || 'none';
    const h = have.map((v) => ({ vlan: v.vlan, pvid: !!v.flags?.includes('PVID'), untagged: !!v.flags?.includes('Egress Untagged') })).sort((x, y) => x.vlan - y.vlan);
    const w = p.vlans!.map((v) => ({ vlan: v.vid, pvid: !!v.pvid, untagged: !!v.untagged })).sort((x, y) => x.vlan - y.vlan);
    if (show(h) !== show(w)) out.push({ kind: 'different', what: 'bridge-vlans', object: at(ns, p.dev), detail: `VLANs ${show(h)} (planned ${show(w)})`, namespace: ns, dev: p.dev, realizes: p.realizes });
  }
}

/** Every difference between the running lab and its plan. `nft`: what `up` loaded (LabState.nft). */
export function labDrift(plan: Plan, obs: LabObservation, nft?: Record<string, string>): Drift[] {
  const out: Drift[] = [];
  const idx = indexByNamespace(plan);
  const wanted = wantedDevices(plan);
  const marker = labMarker(plan.lab);
  const plannedNs = new Set(plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : [])));
  for (const o of plan.objects) {
    if (o.kind !== 'netns') continue;
    const seen = obs.namespaces.get(o.name);
    if (!seen) out.push({ kind: 'missing', what: 'netns', object: `netns ${o.name}`, detail: `namespace missing or without the marker ${marker}`, namespace: o.name, realizes: o.realizes });
    else namespaceDrift(idx, wanted, o.name, seen, nft, out);
  }
  for (const ns of obs.owned.namespaces) if (!plannedNs.has(ns)) out.push({ kind: 'extra', what: 'netns', object: `netns ${ns}`, detail: `carries lab ${plan.lab}'s marker but is not in the plan`, namespace: ns });
  rootDrift(plan, obs, wanted, out);
  hostsDrift(plan, obs, out);
  ovsDrift(plan, obs, out);
  daemonDrift(plan, obs, out);
  return out;
}

function daemonDrift(plan: Plan, obs: LabObservation, out: Drift[]): void {
  for (const d of plan.objects) {
    if (d.kind !== 'daemon') continue;
    const seen = obs.daemons.get(d.name);
    if (d.namespace !== null && !obs.namespaces.get(d.namespace)) continue; // the namespace itself is reported
    const object = `daemon ${d.name}`;
    const base = { what: 'daemon' as const, object, namespace: d.namespace, key: d.name, realizes: d.realizes };
    const changed = d.files.filter((f) => seen?.files[f.name] !== f.content).map((f) => f.name);
    if (!seen?.running) out.push({ kind: 'missing', ...base, detail: `not running (its log: ${daemonLog(plan.lab, d.name)})` });
    else if (changed.length) out.push({ kind: 'different', ...base, detail: `${changed.join(', ')} changed since up started it` });
    else if (seen.frr !== undefined && d.files[0]) {
      const lost = frrLinesLost(d.files[0].content, seen.frr);
      if (lost.length) out.push({ kind: 'different', ...base, detail: `its running configuration lacks ${lost.length} line(s) of ${d.files[0].name} (changed by hand, with vtysh?): ${lost.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')}${lost.length > 3 ? ', ...' : ''}` });
    }
  }
}

/**
 * Lines of the configuration up gave an FRR daemon that its running configuration no longer
 * has, each under the block it belongs to ("interface c: ip ospf cost 30"): FRR prints what it
 * was given in the same words, indenting a block's lines, and adds its own defaults, so what
 * went missing or changed is seen, not what was added. Comments, `exit` and `line vty` (zebra
 * prints no empty vty block) are left out.
 */
export function frrLinesLost(planned: string, running: string): string[] {
  const keyed = (text: string): string[] => {
    let block = '';
    return text.split('\n').flatMap((raw) => {
      const l = raw.trim();
      if (!l || l.startsWith('!') || l === 'exit' || l === 'end' || l === 'line vty') return [];
      if (!/^\s/.test(raw)) {
        block = l;
        return [l];
      }
      return [`${block}: ${l}`];
    });
  };
  const have = new Set(keyed(running));
  return keyed(planned).filter((k) => !have.has(k));
}

function rootDrift(plan: Plan, obs: LabObservation, wanted: Map<Netns, Map<string, Want>>, out: Drift[]): void {
  const want = wanted.get(null);
  if (!obs.root) return;
  const have = new Map(obs.root.links.map((l) => [l.name, l]));
  for (const w of want?.values() ?? []) {
    const l = have.get(w.name);
    // A root device that is an OVS port is enslaved by OVS, not by a Linux bridge.
    const w2 = { ...w, master: l?.master === 'ovs-system' ? 'ovs-system' : w.master };
    if (!l) out.push({ kind: 'missing', what: 'device', object: at(null, w.name), detail: 'root-namespace device missing', namespace: null, dev: w.name, realizes: w.realizes });
    else for (const d of deviceDiffs(w2, l)) out.push({ kind: 'different', what: 'device', object: at(null, w.name), detail: `device ${d.text}`, namespace: null, dev: w.name, realizes: w.realizes, ...(d.recreate ? { recreate: true as const } : {}) });
    if (l && w.txOff && obs.root.txcsum[w.name] === true) out.push({ kind: 'different', what: 'offload', object: at(null, w.name), detail: 'TX checksum offload is on (planned off)', namespace: null, dev: w.name, realizes: w.realizes });
  }
  const prefix = `${labMarker(plan.lab)}:`;
  for (const l of obs.root.links) if (l.alias?.startsWith(prefix) && !want?.has(l.name)) out.push({ kind: 'extra', what: 'device', object: at(null, l.name), detail: `root-namespace device with lab ${plan.lab}'s marker not in the plan`, namespace: null, dev: l.name });
}

function hostsDrift(plan: Plan, obs: LabObservation, out: Drift[]): void {
  for (const h of namesFiles(plan)) {
    if (!obs.namespaces.get(h.namespace)) continue; // the namespace itself is reported
    const object = namesPath(h.namespace, h.file);
    const text = obs.hosts.get(object);
    const what = h.file === 'hosts' ? 'hosts file' : 'resolv.conf';
    if (text === undefined) out.push({ kind: 'missing', what: 'hosts', object, detail: `${what} missing (node names do not resolve in this node)`, namespace: h.namespace });
    else if (text !== h.content) out.push({ kind: 'different', what: 'hosts', object, detail: text.startsWith(h.content.split('\n')[0]!) ? `${what} changed since up wrote it` : `${what} replaced by one vnetmap did not write (up leaves it alone)`, namespace: h.namespace });
  }
}

function ovsDrift(plan: Plan, obs: LabObservation, out: Drift[]): void {
  const bridges = plan.objects.filter((o): o is Extract<PlanObject, { kind: 'ovs-bridge' }> => o.kind === 'ovs-bridge');
  if (!bridges.length) return;
  if (!obs.ovs) {
    out.push({ kind: 'missing', what: 'ovs-bridge', object: 'Open vSwitch', detail: obs.ovsUp ? 'could not be read' : 'not running (its bridges carry this lab\'s switches)' });
    return;
  }
  const ports = plan.objects.filter((o): o is Extract<PlanObject, { kind: 'ovs-port' }> => o.kind === 'ovs-port');
  for (const b of bridges) {
    const s = obs.ovs.bridges.get(b.name);
    if (!s) {
      out.push({ kind: 'missing', what: 'ovs-bridge', object: `ovs ${b.name}`, detail: 'Open vSwitch bridge missing', key: b.name, realizes: b.realizes });
      continue;
    }
    if (s.externalIds[OVS_LAB_KEY] !== plan.lab) out.push({ kind: 'different', what: 'ovs-bridge', object: `ovs ${b.name}`, detail: `Open vSwitch bridge without lab ${plan.lab}'s marker`, key: b.name, realizes: b.realizes });
    if (s.stp !== b.stp) out.push({ kind: 'different', what: 'ovs-bridge', object: `ovs ${b.name}`, detail: `STP ${s.stp ? 'on' : 'off'} (planned ${b.stp ? 'on' : 'off'})`, key: b.name, realizes: b.realizes });
    const mine = ports.filter((p) => p.bridge === b.name);
    for (const p of mine) {
      const sp = obs.ovs.ports.get(p.name);
      const object = `ovs ${b.name} port ${p.name}`;
      if (!sp || sp.bridge !== b.name) {
        out.push({ kind: 'missing', what: 'ovs-port', object, detail: sp ? `port is on bridge ${sp.bridge} (planned ${b.name})` : 'Open vSwitch port missing', key: p.name, dev: p.name, realizes: p.realizes });
        continue;
      }
      const diffs: string[] = [];
      if (sp.tag !== p.tag) diffs.push(`tag ${sp.tag ?? 'none'} (planned ${p.tag ?? 'none'})`);
      if (sp.trunks.join(',') !== (p.trunks ?? []).join(',')) diffs.push(`trunks ${sp.trunks.join(',') || 'all'} (planned ${(p.trunks ?? []).join(',') || 'all'})`);
      if ((sp.vlanMode ?? '') !== (p.vlanMode ?? '')) diffs.push(`vlan_mode ${sp.vlanMode ?? 'default'} (planned ${p.vlanMode ?? 'default'})`);
      for (const d of diffs) out.push({ kind: 'different', what: 'ovs-port', object, detail: `port ${d}`, key: p.name, dev: p.name, realizes: p.realizes });
    }
    for (const n of s.ports) if (!mine.some((p) => p.name === n)) out.push({ kind: 'extra', what: 'ovs-port', object: `ovs ${b.name} port ${n}`, detail: 'port not in the plan', key: n, dev: n });
    const hp = mine.filter((p) => p.hairpin);
    if (hp.length) {
      const flows = obs.flows.get(b.name) ?? '';
      for (const p of hp) if (!new RegExp(`in_port="?${p.name}"?[ ,].*learn\\(`).test(flows)) out.push({ kind: 'missing', what: 'ovs-flows', object: `ovs ${b.name} port ${p.name}`, detail: 'reflective relay (hairpin) flows missing', key: p.name, dev: p.name, realizes: p.realizes });
    }
  }
}
