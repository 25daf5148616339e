// Plan (+ scope) -> ordered steps. The only place that knows iproute2 syntax for the twin.
// Batching follows MACHINE.md's measurements, and the process count stays one per namespace:
// one root `ip -batch` each for all namespaces, all bridges and all veths, then one
// `ip -batch` per namespace entered with `nsenter --net` (see src/exec/netns.ts for why not `ip -n`;
// the process runner carries those out over netlink where it can, src/exec/netlink.ts),
// one nft transaction per namespace, one ovs-vsctl transaction per bridge.
import { labMarker } from '../plan/names.js';
import type { BridgeObj, BridgePortObj, DaemonObj, MacvlanObj, Netns, Plan, TunnelObj, VethEnd } from '../plan/types.js';
import { daemonSteps } from './daemons.js';
import { namesFiles } from './hosts.js';
import { devicesIn, indexByNamespace, inNs, type NsIndex } from './index-ns.js';
import { nftWhy, renderNft } from './nft.js';
import { renderIpvs } from './ipvs.js';
import { ovsSteps } from './ovs.js';
import { fullScope, type Scope } from './scope.js';
import { batch, execIn, ipIn, namesPath, type Step } from './steps.js';

/** Alias carried by root-namespace devices we create. */
export const rootAlias = (lab: string, ref: string): string => `${labMarker(lab)}:${ref}`;

/** At most this many `netns add` per batch (one process each, run side by side). */
const NETNS_CHUNK = 512;
/** Below NETNS_CHUNK, up to NETNS_SPLIT batches, none smaller than NETNS_MIN_CHUNK. */
const NETNS_SPLIT = 4;
const NETNS_MIN_CHUNK = 128;

/**
 * iproute2 (6.1) keeps the namespace file of every `netns NAME` argument of a batch open, so a
 * batch with more than ~1,000 of them fails under the usual limit of 1,024 open files
 * ("Invalid netns value"). Batches naming namespaces stay under this many such arguments.
 */
const NETNS_ARGS_PER_BATCH = 400;

/**
 * `netns add` batches of about equal size: enough of them for the runner's parallel starts to
 * keep both cores busy (1,111 namespaces as 4 x 278 took ~0.45 s here, as 512 + 512 + 87 ~0.65 s).
 */
function netnsBatches(names: string[]): string[][] {
  const parts = Math.max(Math.ceil(names.length / NETNS_CHUNK), Math.min(NETNS_SPLIT, Math.ceil(names.length / NETNS_MIN_CHUNK)));
  return chunks(names, Math.ceil(names.length / Math.max(1, parts)));
}

/** Consecutive slices of at most n items. */
function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Temporary name of a macvlan child in its parent's namespace, before it moves and takes its name. */
export const macvlanTmpName = (labId: string, i: number): string => `vt${labId}${i.toString(36)}`;

export function vethEndArgs(e: VethEnd): string[] {
  const out = ['name', e.name];
  if (e.namespace !== null) out.push('netns', e.namespace);
  if (e.mac) out.push('address', e.mac);
  if (e.mtu) out.push('mtu', String(e.mtu));
  return out;
}

/**
 * The design language is IPv4-only, so the twin's devices get no IPv6 link-local address
 * (`addrgenmode none`, set before a device first goes up). Without this every device keeps
 * sending router solicitations (unlimited, with back-off, on current kernels), DAD probes and
 * MLD reports, each flooded through every bridge of its broadcast domain: in a line of 1,000
 * switches that is millions of frame copies, which kept both cores in softirq for minutes.
 */
export const noLinkLocal = (dev: string): string => `link set dev ${dev} addrgenmode none`;

/**
 * Bridges, created from the root namespace straight into theirs (`link add ... netns NS type
 * bridge`). Without multicast snooping: the design's switches flood multicast like broadcast,
 * as plain switches do, and a snooping bridge would itself send IGMP and MLD reports (joining the
 * all-snoopers groups) that flood the whole broadcast domain as it comes up.
 */
function deviceLines(idx: NsIndex, create: string[]): string[] {
  const lines: string[] = [];
  for (const ns of create) for (const o of inNs(idx, ns, 'bridge')) lines.push(`link add ${o.name} netns ${ns}${o.mtu ? ` mtu ${o.mtu}` : ''} type bridge ${bridgeOptions(o).join(' ')}`);
  return lines;
}

/** `type bridge ...` options of a planned bridge (also used when one is re-created). */
export function bridgeOptions(o: BridgeObj): string[] {
  return [
    `stp_state ${o.stp ? 1 : 0}`,
    'mcast_snooping 0',
    ...(o.vlanFiltering ? ['vlan_filtering 1'] : []),
    // A VLAN-aware port with no VLAN configured must carry nothing, not VLAN 1.
    ...(o.defaultPvid !== undefined ? [`vlan_default_pvid ${o.defaultPvid}`] : []),
  ];
}

/** Root-namespace TAPs (OVS ports for real guests): created and marked with the lab's veths. */
function rootTapLines(plan: Plan, idx: NsIndex): string[] {
  return inNs(idx, null, 'tap').flatMap((t) => [`tuntap add dev ${t.name} mode tap`, `link set dev ${t.name} alias ${rootAlias(plan.lab, t.realizes[0] ?? 'tap')}`, noLinkLocal(t.name)]);
}

/**
 * What a namespace created by this run needs before its settings: the ownership marker (lo's
 * alias; until it is set, the journal names the namespace) and its TAPs, which `ip tuntap`
 * can only create from inside.
 */
function createLines(plan: Plan, idx: NsIndex, ns: string): string[] {
  return [`link set dev lo up alias ${labMarker(plan.lab)}`, ...inNs(idx, ns, 'tap').map((t) => `tuntap add dev ${t.name} mode tap`), ...inNs(idx, ns, 'tunnel').flatMap(tunnelLines)];
}

/** The lines that create one tunnel end (docs/routing.md); WireGuard's keys are set by `wg` (tunnelSteps). */
export function tunnelLines(t: TunnelObj): string[] {
  const mtu = t.mtu ? ` mtu ${t.mtu}` : '';
  const ends = `local ${t.local} remote ${t.remote}`;
  const key = t.key !== undefined ? ` key ${t.key}` : '';
  switch (t.type) {
    case 'vxlan':
      return [`link add ${t.name}${mtu} type vxlan id ${t.vni} ${ends} dstport ${t.port}`];
    case 'gretap':
    case 'gre':
      return [`link add ${t.name}${mtu} type ${t.type} ${ends}${key}`];
    case 'ipip':
      return [`link add ${t.name}${mtu} type ipip ${ends}`];
    case 'wireguard':
      return [`link add ${t.name}${mtu} type wireguard`];
    case 'tun':
      // Persistent, so the configuration can address it now; socat (a daemon) attaches later.
      return [`tuntap add dev ${t.name} mode tun`, ...(t.mtu ? [`link set dev ${t.name} mtu ${t.mtu}`] : [])];
  }
}

/** `wg set` of each WireGuard end: its key, the other end as its one peer (every address allowed through). */
export function wireguardSteps(plan: Plan, namespaces: Iterable<string>): Step[] {
  const idx = indexByNamespace(plan);
  const steps: Step[] = [];
  for (const ns of namespaces)
    for (const t of inNs(idx, ns, 'tunnel'))
      if (t.type === 'wireguard' && t.wireguard)
        steps.push({ phase: 'keys', argv: execIn(ns, ['wg', 'set', t.name, 'listen-port', String(t.port), 'private-key', '/dev/stdin', 'peer', t.wireguard.peerPublicKey, 'endpoint', `${t.remote}:${t.port}`, 'allowed-ips', '0.0.0.0/0']), input: `${t.wireguard.privateKey}\n`, why: `WireGuard keys and peer of ${ns}/${t.name}` });
  return steps;
}

/**
 * Idempotent settings of one namespace (its devices all exist by now). The netlink helper
 * (libexec/netlink-batch.py) speaks exactly these line forms: a new form must be taught there,
 * or every batch containing it falls back to ip (test/unit/netlink.test.ts notices).
 */
export function configLines(idx: NsIndex, ns: Netns, only?: { devices: ReadonlySet<string>; routes: boolean }): string[] {
  const lines: string[] = [];
  // `only` (a repair, render/repair.ts): the lines of these devices and their addresses, and the routes if asked.
  const pick = <T>(xs: T[], name: (x: T) => string): T[] => (only ? xs.filter((x) => only.devices.has(name(x))) : xs);
  const devs = pick(devicesIn(idx, ns), (d) => d.name);
  const bridges = pick(inNs(idx, ns, 'bridge'), (b) => b.name);
  for (const d of devs) if (d.mac) lines.push(`link set dev ${d.name} address ${d.mac}`);
  for (const d of devs) if (d.master) lines.push(`link set dev ${d.name} master ${d.master}`);
  for (const o of pick(inNs(idx, ns, 'bridge-port'), (p) => p.dev)) if (o.hairpin) lines.push(`link set dev ${o.dev} type bridge_slave hairpin on`);
  // A repaired bridge port gets its hairpin setting back whichever way it drifted (a new port has it off).
  if (only) for (const d of devs) if (d.master && !inNs(idx, ns, 'bridge-port').some((p) => p.dev === d.name && p.hairpin)) lines.push(`link set dev ${d.name} type bridge_slave hairpin off`);
  for (const o of bridges) lines.push(noLinkLocal(o.name));
  for (const d of devs) lines.push(noLinkLocal(d.name));
  for (const o of bridges) lines.push(`link set dev ${o.name} up`);
  for (const d of devs) lines.push(`link set dev ${d.name} up`);
  for (const o of pick(inNs(idx, ns, 'address'), (a) => a.dev)) lines.push(`addr replace ${o.cidr} dev ${o.dev}`);
  if (!only || only.routes) for (const o of inNs(idx, ns, 'route')) lines.push(routeLine('replace', o));
  return lines;
}

/** `route replace|del TO [via GW] [dev DEV]`. */
export const routeLine = (verb: 'replace' | 'del', o: { to: string; via?: string; dev?: string }): string => [`route ${verb}`, o.to, o.via ? `via ${o.via}` : '', o.dev ? `dev ${o.dev}` : ''].filter(Boolean).join(' ');

/**
 * Bridge VLAN membership (only with vlan_filtering). A port's default VLAN 1 goes unless
 * planned — unless the bridge was created with vlan_default_pvid 0, where ports never get VLAN 1
 * and deleting it would fail the whole batch.
 */
export function bridgeVlanLines(ports: BridgePortObj[], noDefaultVlan: boolean): string[] {
  const lines: string[] = [];
  for (const p of ports) {
    if (!p.vlans?.length) continue;
    if (!noDefaultVlan && !p.vlans.some((v) => v.vid === 1)) lines.push(`vlan del dev ${p.dev} vid 1${p.self ? ' self' : ''}`);
    for (const v of p.vlans) lines.push(`vlan add dev ${p.dev} vid ${v.vid}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}${p.self ? ' self' : ''}`);
  }
  return lines;
}

/**
 * macvlan/macvtap children, one batch per parent namespace: each is created on its parent
 * under a temporary name, then moved and renamed in one call; children left in the root
 * namespace are marked there by alias afterwards.
 */
export function macvlanSteps(plan: Plan, scope: Scope): Step[] {
  const byParent = new Map<Netns, { lines: string[]; what: string[] }>();
  const marks: string[] = [];
  plan.objects.forEach((o, i) => {
    if (o.kind !== 'macvlan' || !scope.links.includes(o)) return;
    const m: MacvlanObj = o;
    const tmp = macvlanTmpName(plan.labId, i);
    const type = m.tap ? 'macvtap' : 'macvlan';
    const g = byParent.get(m.parent.namespace) ?? { lines: [], what: [] };
    byParent.set(m.parent.namespace, g);
    g.lines.push(`link add ${tmp} link ${m.parent.name}${m.mac ? ` address ${m.mac}` : ''} type ${type} mode ${m.mode}`);
    g.lines.push(m.namespace === null ? `link set dev ${tmp} name ${m.name}` : `link set dev ${tmp} netns ${m.namespace} name ${m.name}`);
    g.what.push(`${type} ${m.mode} child of ${m.parent.name} (${m.realizes.join(', ')}), moved into ${m.namespace ?? 'the root namespace'} as ${m.name}`);
    if (m.namespace === null) marks.push(`link set dev ${m.name} alias ${rootAlias(plan.lab, m.realizes[0] ?? 'macvlan')}`, noLinkLocal(m.name));
  });
  const steps: Step[] = [...byParent].flatMap(([ns, g]) =>
    // Two lines per child, one naming a namespace.
    chunks(g.lines, 2 * NETNS_ARGS_PER_BATCH).map((lines) => ({ phase: 'macvlan' as const, argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: g.what.length === 1 ? g.what[0]! : `${lines.length / 2} macvlan/macvtap children created in ${ns ?? 'the root namespace'}, each moved into its namespace` })),
  );
  if (marks.length) steps.push({ phase: 'macvlan', argv: ['ip', '-batch', '-'], input: batch(marks), why: 'mark root-namespace macvlan children as ours' });
  return steps;
}

export function renderSteps(plan: Plan, scope: Scope = fullScope(plan)): Step[] {
  const idx = indexByNamespace(plan);
  const steps: Step[] = [];
  const create = [...scope.create];
  const settle = [...scope.settle];
  // Namespaces in batches that run side by side: creating one is mostly work outside the
  // kernel's global locks, so two batches on two cores take ~60% of the time of one.
  for (const chunk of netnsBatches(create)) steps.push({ phase: 'netns', argv: ['ip', '-batch', '-'], input: batch(chunk.map((n) => `netns add ${n}`)), why: `create ${chunk.length} network namespaces` });
  for (const part of chunks(deviceLines(idx, create), NETNS_ARGS_PER_BATCH)) steps.push({ phase: 'devices', argv: ['ip', '-batch', '-'], input: batch(part), why: `create bridges straight into their namespaces` });
  const taps = scope.rootDevices ? rootTapLines(plan, idx) : [];
  if (taps.length) steps.push({ phase: 'devices', argv: ['ip', '-batch', '-'], input: batch(taps), why: `create TAPs for guests in the root namespace, marked as ours` });
  // A veth line names up to two namespaces.
  for (const part of chunks(scope.links.filter((l) => l.kind === 'veth'), NETNS_ARGS_PER_BATCH / 2)) {
    const lines: string[] = [];
    for (const v of part) {
      lines.push(`link add ${vethEndArgs(v.a).join(' ')} type veth peer ${vethEndArgs(v.b).join(' ')}`);
      for (const e of [v.a, v.b]) if (e.namespace === null) lines.push(`link set dev ${e.name} alias ${rootAlias(plan.lab, v.realizes[0] ?? 'veth')}`, noLinkLocal(e.name), `link set dev ${e.name} up`);
    }
    steps.push({ phase: 'links', argv: ['ip', '-batch', '-'], input: batch(lines), why: `create ${part.length} veth pairs, each end directly in its namespace` });
  }
  // VLAN devices sit on veth ends (links) and may be macvlan parents (next), so they come between.
  for (const ns of create) {
    const lines = inNs(idx, ns, 'vlan').map((o) => `link add ${o.name} link ${o.parent} type vlan id ${o.vid}`);
    if (lines.length) steps.push({ phase: 'vlans', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `802.1Q VLAN devices of ${ns}` });
  }
  steps.push(...macvlanSteps(plan, scope));
  if (scope.ovs) for (const s of ovsSteps(plan)) steps.push({ phase: 'ovs', ...s });
  // One process per namespace: marker and TAPs (if created by this run), then its settings.
  const creating = new Set(create);
  for (const ns of settle) {
    const lines = [...(creating.has(ns) ? createLines(plan, idx, ns) : []), ...configLines(idx, ns)];
    if (lines.length) steps.push({ phase: 'config', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `configure ${ns}: marker, masters, links up, addresses, routes` });
  }
  steps.push(...wireguardSteps(plan, create));
  // Bridge VLAN membership needs the ports enslaved first (config), so it is its own phase.
  for (const ns of settle) {
    const noDefaultVlan = inNs(idx, ns, 'bridge').some((o) => o.defaultPvid === 0);
    const vl = bridgeVlanLines(inNs(idx, ns, 'bridge-port'), noDefaultVlan);
    if (vl.length) steps.push({ phase: 'bridge-vlans', argv: execIn(ns, ['bridge', '-batch', '-']), input: batch(vl), why: `VLAN membership of ${ns}'s bridge ports` });
  }
  // TX checksum offload off on ends whose frames cross the OVS userspace datapath (MACHINE.md).
  for (const v of scope.links) {
    if (v.kind !== 'veth') continue;
    for (const e of [v.a, v.b]) if (e.txOff) steps.push({ phase: 'offload', argv: execIn(e.namespace, ['ethtool', '-K', e.name, 'tx', 'off']), why: `checksums in software on ${e.name} (OVS userspace datapath)` });
  }
  for (const ns of settle) {
    const kv = (optional: boolean) => inNs(idx, ns, 'sysctl').filter((o) => !!o.optional === optional).map((o) => `${o.key}=${o.value}`);
    const [must, ifLoaded] = [kv(false), kv(true)];
    if (must.length) steps.push({ phase: 'sysctl', argv: execIn(ns, ['sysctl', '-qw', ...must]), why: `kernel settings of ${ns}` });
    // -e: a module's setting that does not exist because the module is not loaded is skipped.
    if (ifLoaded.length) steps.push({ phase: 'sysctl', argv: execIn(ns, ['sysctl', '-qew', ...ifLoaded]), why: `kernel settings of ${ns} that exist only with their module loaded` });
  }
  for (const ns of settle) {
    for (const o of inNs(idx, ns, 'nft')) steps.push({ phase: 'nft', argv: execIn(ns, ['nft', '-f', '-']), input: renderNft(o), why: nftWhy(o, ns) });
    const ipvs = inNs(idx, ns, 'ipvs');
    if (ipvs.length) steps.push({ phase: 'nft', argv: execIn(ns, ['ipvsadm', '-R']), input: renderIpvs(ipvs), why: `IPVS load balancers of ${ns} (${ipvs.map((o) => o.name).join(', ')})` });
  }
  // Names resolve in every namespace, so hosts files are always rewritten. Identical files are
  // hard links to the first (every node's file lists every node: N copies would be N² bytes).
  const written = new Map<string, string>(); // text -> first path written with it
  for (const h of namesFiles(plan)) {
    const path = namesPath(h.namespace, h.file);
    const first = written.get(h.content);
    if (first === undefined) written.set(h.content, path);
    steps.push({ phase: 'hosts', path, content: first === undefined ? h.content : { sameAs: first }, why: `${h.file === 'hosts' ? 'names' : 'name servers'} for ${h.namespace}` });
  }
  // Daemons last: they may need every address, route and name of their namespace. Those of
  // namespaces this run creates start now; the others run already (status watches them).
  steps.push(...daemonSteps(plan, plan.objects.filter((o): o is DaemonObj => o.kind === 'daemon' && (o.namespace === null ? !!scope.rootDevices : creating.has(o.namespace)))));
  return steps;
}
