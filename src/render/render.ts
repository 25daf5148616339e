// Plan (+ scope) -> ordered steps. The only place that knows iproute2 syntax for the twin.
// Batching follows MACHINE.md's measurements: one `ip -batch` for all namespaces and all veths,
// one `ip -n NS -batch -` per namespace, one nft transaction per namespace, one ovs-vsctl
// transaction per bridge.
import { labMarker } from '../plan/names.js';
import type { BridgePortObj, Plan, PlanObject, VethEnd } from '../plan/types.js';
import { hostsFiles } from './hosts.js';
import { renderNft } from './nft.js';
import { ovsSteps } from './ovs.js';
import { fullScope, type Scope } from './scope.js';
import { batch, execIn, hostsPath, ipIn, type Step } from './steps.js';

/** Alias carried by root-namespace devices we create. */
export const rootAlias = (lab: string, ref: string): string => `${labMarker(lab)}:${ref}`;

/** Temporary name of a macvlan child in its parent's namespace, before it moves and takes its name. */
export const macvlanTmpName = (labId: string, i: number): string => `vt${labId}${i.toString(36)}`;

function vethEndArgs(e: VethEnd): string[] {
  const out = ['name', e.name];
  if (e.namespace !== null) out.push('netns', e.namespace);
  if (e.mac) out.push('address', e.mac);
  if (e.mtu) out.push('mtu', String(e.mtu));
  return out;
}

const inNs = (o: PlanObject, ns: string): boolean => 'namespace' in o && o.namespace === ns;

/** Devices living in namespace ns that must be brought up, with their bridge master if any. */
function devicesIn(plan: Plan, ns: string): { name: string; master?: string; mac?: string }[] {
  const out: { name: string; master?: string; mac?: string }[] = [];
  for (const o of plan.objects) {
    if (o.kind === 'veth') for (const e of [o.a, o.b]) if (e.namespace === ns) out.push(e.master ? { name: e.name, master: e.master } : { name: e.name });
    if (o.kind === 'tap' && o.namespace === ns) out.push({ name: o.name, ...(o.master ? { master: o.master } : {}), ...(o.mac ? { mac: o.mac } : {}) });
    if (o.kind === 'vlan' && o.namespace === ns) out.push(o.master ? { name: o.name, master: o.master } : { name: o.name });
    if (o.kind === 'macvlan' && o.namespace === ns) out.push({ name: o.name });
  }
  return out;
}

/** Names of every device the plan puts in namespace ns (lo excluded): for status and drift. */
export function plannedDevices(plan: Plan, ns: string): string[] {
  const bridges = plan.objects.flatMap((o) => (o.kind === 'bridge' && o.namespace === ns ? [o.name] : []));
  return [...bridges, ...devicesIn(plan, ns).map((d) => d.name)];
}

/**
 * Marker first (so a crash right after leaves a namespace `down` recognises), then devices with
 * no dependencies. Lines of ONE root `ip -batch`: `netns exec` forks inside ip, which is far
 * cheaper than a process per namespace from Node, and bridges are created straight in their
 * namespace with `link add ... netns NS`.
 */
function markerLines(plan: Plan, ns: string): string[] {
  const lines = [`netns exec ${ns} ip link set dev lo up alias ${labMarker(plan.lab)}`];
  for (const o of plan.objects) {
    if (o.kind === 'bridge' && o.namespace === ns) {
      const opts = [
        `stp_state ${o.stp ? 1 : 0}`,
        ...(o.vlanFiltering ? ['vlan_filtering 1'] : []),
        // A VLAN-aware port with no VLAN configured must carry nothing, not VLAN 1.
        ...(o.defaultPvid !== undefined ? [`vlan_default_pvid ${o.defaultPvid}`] : []),
      ];
      lines.push(`link add ${o.name} netns ${ns}${o.mtu ? ` mtu ${o.mtu}` : ''} type bridge ${opts.join(' ')}`);
    }
    if (o.kind === 'tap' && o.namespace === ns) lines.push(`netns exec ${ns} ip tuntap add dev ${o.name} mode tap`);
  }
  return lines;
}

/** Idempotent settings of one namespace (its devices all exist by now). */
function configBatch(plan: Plan, ns: string): string[] {
  const lines: string[] = [];
  const devs = devicesIn(plan, ns);
  for (const d of devs) if (d.mac) lines.push(`link set dev ${d.name} address ${d.mac}`);
  for (const d of devs) if (d.master) lines.push(`link set dev ${d.name} master ${d.master}`);
  for (const o of plan.objects) if (o.kind === 'bridge-port' && o.namespace === ns && o.hairpin) lines.push(`link set dev ${o.dev} type bridge_slave hairpin on`);
  for (const o of plan.objects) if (o.kind === 'bridge' && o.namespace === ns) lines.push(`link set dev ${o.name} up`);
  for (const d of devs) lines.push(`link set dev ${d.name} up`);
  for (const o of plan.objects) if (o.kind === 'address' && o.namespace === ns) lines.push(`addr replace ${o.cidr} dev ${o.dev}`);
  for (const o of plan.objects) {
    if (o.kind !== 'route' || o.namespace !== ns) continue;
    lines.push(['route replace', o.to, o.via ? `via ${o.via}` : '', o.dev ? `dev ${o.dev}` : ''].filter(Boolean).join(' '));
  }
  return lines;
}

/**
 * Bridge VLAN membership (only with vlan_filtering). A port's default VLAN 1 goes unless
 * planned — unless the bridge was created with vlan_default_pvid 0, where ports never get VLAN 1
 * and deleting it would fail the whole batch.
 */
function bridgeVlanBatch(ports: BridgePortObj[], noDefaultVlan: boolean): string[] {
  const lines: string[] = [];
  for (const p of ports) {
    if (!p.vlans?.length) continue;
    if (!noDefaultVlan && !p.vlans.some((v) => v.vid === 1)) lines.push(`vlan del dev ${p.dev} vid 1${p.self ? ' self' : ''}`);
    for (const v of p.vlans) lines.push(`vlan add dev ${p.dev} vid ${v.vid}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}${p.self ? ' self' : ''}`);
  }
  return lines;
}

export function renderSteps(plan: Plan, scope: Scope = fullScope(plan)): Step[] {
  const steps: Step[] = [];
  const create = [...scope.create];
  const settle = [...scope.settle];
  if (create.length) {
    steps.push({ phase: 'netns', argv: ['ip', '-batch', '-'], input: batch(create.map((n) => `netns add ${n}`)), why: `create ${create.length} network namespaces` });
    steps.push({ phase: 'marker', argv: ['ip', '-batch', '-'], input: batch(create.flatMap((ns) => markerLines(plan, ns))), why: `mark the namespaces as ours (lo alias) and add their bridges and TAPs` });
  }
  const veths = scope.links.filter((l) => l.kind === 'veth');
  if (veths.length) {
    const lines: string[] = [];
    for (const v of veths) {
      lines.push(`link add ${vethEndArgs(v.a).join(' ')} type veth peer ${vethEndArgs(v.b).join(' ')}`);
      for (const e of [v.a, v.b]) if (e.namespace === null) lines.push(`link set dev ${e.name} alias ${rootAlias(plan.lab, v.realizes[0] ?? 'veth')}`, `link set dev ${e.name} up`);
    }
    steps.push({ phase: 'links', argv: ['ip', '-batch', '-'], input: batch(lines), why: `create ${veths.length} veth pairs, each end directly in its namespace` });
  }
  // VLAN devices sit on veth ends (links) and may be macvlan parents (next), so they come between.
  for (const ns of create) {
    const lines = plan.objects.flatMap((o) => (o.kind === 'vlan' && o.namespace === ns ? [`link add ${o.name} link ${o.parent} type vlan id ${o.vid}`] : []));
    if (lines.length) steps.push({ phase: 'vlans', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `802.1Q VLAN devices of ${ns}` });
  }
  plan.objects.forEach((o, i) => {
    if (o.kind !== 'macvlan' || !scope.links.includes(o)) return;
    const tmp = macvlanTmpName(plan.labId, i);
    const type = o.tap ? 'macvtap' : 'macvlan';
    const add = ['link', 'add', tmp, 'link', o.parent.name, ...(o.mac ? ['address', o.mac] : []), 'type', type, 'mode', o.mode];
    steps.push({ phase: 'macvlan', argv: ipIn(o.parent.namespace, ...add), why: `${type} ${o.mode} child of ${o.parent.name} (${o.realizes.join(', ')})` });
    const move = o.namespace === null ? ['link', 'set', 'dev', tmp, 'name', o.name] : ['link', 'set', 'dev', tmp, 'netns', o.namespace, 'name', o.name];
    steps.push({ phase: 'macvlan', argv: ipIn(o.parent.namespace, ...move), why: `move it into ${o.namespace ?? 'the root namespace'} as ${o.name}` });
    if (o.namespace === null) steps.push({ phase: 'macvlan', argv: ipIn(null, 'link', 'set', 'dev', o.name, 'alias', rootAlias(plan.lab, o.realizes[0] ?? 'macvlan')), why: 'mark it as ours' });
  });
  if (scope.ovs) for (const s of ovsSteps(plan)) steps.push({ phase: 'ovs', ...s });
  // Bridge VLAN membership needs the ports enslaved first (config), so it is its own phase.
  const vlanSteps: Step[] = [];
  for (const ns of settle) {
    const lines = configBatch(plan, ns);
    if (lines.length) steps.push({ phase: 'config', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `configure ${ns}: masters, links up, addresses, routes` });
    const ports = plan.objects.filter((o): o is BridgePortObj => o.kind === 'bridge-port' && inNs(o, ns));
    const noDefaultVlan = plan.objects.some((o) => o.kind === 'bridge' && inNs(o, ns) && o.defaultPvid === 0);
    const vl = bridgeVlanBatch(ports, noDefaultVlan);
    if (vl.length) vlanSteps.push({ phase: 'bridge-vlans', argv: ['bridge', '-n', ns, '-batch', '-'], input: batch(vl), why: `VLAN membership of ${ns}'s bridge ports` });
  }
  steps.push(...vlanSteps);
  // TX checksum offload off on ends whose frames cross the OVS userspace datapath (MACHINE.md).
  for (const v of scope.links) {
    if (v.kind !== 'veth') continue;
    for (const e of [v.a, v.b]) if (e.txOff) steps.push({ phase: 'offload', argv: execIn(e.namespace, ['ethtool', '-K', e.name, 'tx', 'off']), why: `checksums in software on ${e.name} (OVS userspace datapath)` });
  }
  for (const ns of settle) {
    const kv = plan.objects.flatMap((o) => (o.kind === 'sysctl' && o.namespace === ns ? [`${o.key}=${o.value}`] : []));
    if (kv.length) steps.push({ phase: 'sysctl', argv: execIn(ns, ['sysctl', '-qw', ...kv]), why: `kernel settings of ${ns}` });
  }
  for (const ns of settle) {
    for (const o of plan.objects) if (o.kind === 'nft' && o.namespace === ns) steps.push({ phase: 'nft', argv: execIn(ns, ['nft', '-f', '-']), input: renderNft(o), why: `NAT of ${ns} (${o.rules.length} rules)` });
  }
  // Names resolve in every namespace, so hosts files are always rewritten (they are cheap).
  for (const h of hostsFiles(plan)) steps.push({ phase: 'hosts', path: hostsPath(h.namespace), content: h.content, why: `names for ${h.namespace}` });
  return steps;
}
