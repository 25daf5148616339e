// Drift -> the commands that repair exactly it (reconcile): re-create a deleted veth, bring a
// device up again, put back an address, a route, a sysctl, an nft table, an OVS port, an IPVS
// service or real server; delete what the plan does not have in the lab's own namespaces.
// Pure, like the rest of render/:
// src/apply/reconcile.ts runs the steps. Namespaces that are missing altogether are not
// repaired here: `up` rebuilds them, with their links (apply/diff.ts).
import type { Drift } from '../apply/drift.js';
import type { DaemonObj, Netns, OvsPortObj, Plan, PlanObject, VethObj } from '../plan/types.js';
import { daemonSteps } from './daemons.js';
import { namesFiles } from './hosts.js';
import { ipvsRepairLines } from './ipvs.js';
import { indexByNamespace, inNs } from './index-ns.js';
import { nftWhy, renderNft } from './nft.js';
import { ovsBridgeArgv, ovsHairpinFlows } from './ovs.js';
import { bridgeOptions, bridgeVlanLines, configLines, macvlanSteps, noLinkLocal, rootAlias, routeLine, tunnelLines, vethEndArgs, wireguardSteps } from './render.js';
import { batch, execIn, ipIn, namesPath, type Step } from './steps.js';

export interface Repair {
  steps: Step[];
  /** Drift these steps repair. */
  repaired: Drift[];
  /** Drift left alone, and why (a hosts file someone else wrote, missing namespaces: rebuilt instead). */
  left: { drift: Drift; why: string }[];
  /** Daemons these steps start again (the drifted ones and those that come after them). */
  daemons?: string[];
}

type Device = { ns: Netns; name: string; obj: PlanObject };

/** The plan object that makes each device, by namespace and name. */
function deviceObjects(plan: Plan): Map<string, Device> {
  const out = new Map<string, Device>();
  const put = (ns: Netns, name: string, obj: PlanObject): void => void out.set(`${ns ?? ''}/${name}`, { ns, name, obj });
  for (const o of plan.objects) {
    if (o.kind === 'veth') for (const e of [o.a, o.b]) put(e.namespace, e.name, o);
    else if (o.kind === 'bridge' || o.kind === 'tap' || o.kind === 'vlan' || o.kind === 'macvlan' || o.kind === 'tunnel') put(o.namespace, o.name, o);
  }
  return out;
}

const key = (ns: Netns | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`;

export function repairSteps(plan: Plan, drift: readonly Drift[]): Repair {
  const idx = indexByNamespace(plan);
  const devices = deviceObjects(plan);
  const steps: Step[] = [];
  const repaired: Drift[] = [];
  const left: Repair['left'] = [];
  const del = new Map<Netns, string[]>(); // "devices" phase: ip lines per namespace, deletions first
  const create = new Map<Netns, string[]>();
  const links = new Set<PlanObject>(); // veth pairs and macvlan children to create again
  const config = new Map<Netns, Set<string>>(); // devices whose settings are applied again
  const routesAgain = new Set<Netns>();
  const addrLines = new Map<Netns, string[]>();
  const sysctls = new Map<Netns, { key: string; value: string; optional?: true | undefined }[]>();
  const nftAgain = new Set<PlanObject>();
  const nftDrop = new Map<Netns, string[]>();
  const ipvs = new Map<string, Drift[]>(); // drifted IPVS services by namespace
  const offload = new Set<string>();
  const vlanPorts = new Set<string>();
  const ovsBridges = new Set<string>();
  const ovsReadd = new Set<string>();
  const ovsDrop: string[][] = [];
  const flows = new Set<string>();
  const hosts = new Set<string>();
  const daemons = new Set<string>(); // started again (reconcile.ts stops a running one first)
  const wgAgain = new Set<string>(); // namespaces whose WireGuard devices get their keys again
  const tunnelMake = new Map<Netns, string[]>(); // tunnel devices made again (tunnelLines)
  const push = <K, V>(m: Map<K, V[]>, k: K, ...v: V[]): void => void m.set(k, [...(m.get(k) ?? []), ...v]);
  const touch = (ns: Netns, dev: string): void => void config.set(ns, (config.get(ns) ?? new Set()).add(dev));

  /** Make a planned device again (after deleting what stands in its place, if anything). */
  const remake = (d: Device, exists: boolean): void => {
    const o = d.obj;
    if (o.kind === 'veth') {
      if (links.has(o)) return;
      links.add(o);
      // Deleting one end of a veth deletes both; an end that survived (moved, or the pair half
      // re-created by hand) is deleted first.
      if (exists) push(del, d.ns, `link del ${d.name}`);
      for (const e of [o.a, o.b]) {
        touch(e.namespace, e.name);
        routesAgain.add(e.namespace);
        if (e.txOff) offload.add(key(e.namespace, e.name));
        if (e.ovsBridge) ovsReadd.add(`${e.ovsBridge}\0${e.name}`);
      }
      return;
    }
    if (exists) push(del, d.ns, `link del ${d.name}`);
    if (o.kind === 'bridge') {
      push(create, d.ns, `link add ${o.name}${o.mtu ? ` mtu ${o.mtu}` : ''} type bridge ${bridgeOptions(o).join(' ')}`);
      // Its ports lost their master with it.
      for (const p of inNs(idx, d.ns, 'veth').flatMap((v) => [v.a, v.b]).filter((e) => e.namespace === d.ns && e.master === o.name)) touch(d.ns, p.name);
      for (const t of inNs(idx, d.ns, 'tap')) if (t.master === o.name) touch(d.ns, t.name);
      for (const v of inNs(idx, d.ns, 'vlan')) if (v.master === o.name) touch(d.ns, v.name);
    } else if (o.kind === 'tap') push(create, d.ns, `tuntap add dev ${o.name} mode tap`);
    else if (o.kind === 'vlan') push(create, d.ns, `link add ${o.name} link ${o.parent} type vlan id ${o.vid}`);
    else if (o.kind === 'macvlan') links.add(o);
    else if (o.kind === 'tunnel') {
      // Created whole again (its MTU in the same line); WireGuard's keys and a TUN's socat follow.
      push(tunnelMake, d.ns, ...tunnelLines(o));
      if (o.type === 'wireguard') wgAgain.add(o.namespace);
      if (o.type === 'tun') for (const dm of plan.objects) if (dm.kind === 'daemon' && dm.namespace === o.namespace && dm.name === `${o.namespace}.${o.name}.tun`) daemons.add(dm.name);
    }
    touch(d.ns, d.name);
    routesAgain.add(d.ns);
  };

  for (const x of drift) {
    const ns = x.namespace ?? null;
    switch (x.what) {
      case 'netns':
        if (x.kind === 'extra') {
          steps.push({ phase: 'netns', argv: ['ip', 'netns', 'del', x.namespace!], why: `remove namespace ${x.namespace}, marked as lab ${plan.lab}'s but not in its plan` });
          repaired.push(x);
        } else left.push({ drift: x, why: 'the namespace is rebuilt with its links' });
        continue;
      case 'device': {
        const d = devices.get(key(ns, x.dev));
        if (x.kind === 'extra' || !d) push(del, ns, `link del ${x.dev}`);
        else if (x.kind === 'missing' || x.recreate) remake(d, x.kind !== 'missing');
        else {
          touch(ns, d.name);
          const mtu = d.obj.kind === 'veth' ? [d.obj.a, d.obj.b].find((e) => e.name === d.name && e.namespace === ns)?.mtu : undefined;
          if (mtu) push(create, ns, `link set dev ${d.name} mtu ${mtu}`);
          if (ns === null && d.obj.kind === 'veth') push(create, null, `link set dev ${d.name} alias ${rootAlias(plan.lab, d.obj.realizes[0] ?? 'veth')}`);
        }
        break;
      }
      case 'address':
        push(addrLines, ns, x.kind === 'extra' ? `addr del ${x.key} dev ${x.dev}` : `addr replace ${x.key} dev ${x.dev}`);
        break;
      case 'route':
        if (x.kind === 'extra') push(addrLines, ns, routeLine('del', { to: x.key!, ...(x.dev ? { dev: x.dev } : {}) }));
        else routesAgain.add(ns);
        break;
      case 'sysctl': {
        const planned = inNs(idx, ns, 'sysctl').find((s) => s.key === x.key);
        push(sysctls, ns, planned ? { key: planned.key, value: planned.value, optional: planned.optional } : { key: x.key!, value: '0' });
        break;
      }
      case 'nft': {
        const planned = inNs(idx, ns, 'nft').find((o) => `${o.family ?? 'ip'} ${o.table}` === x.key);
        if (x.kind === 'extra' || !planned) push(nftDrop, ns, x.key!);
        else nftAgain.add(planned);
        break;
      }
      case 'ipvs':
        push(ipvs, x.namespace!, x);
        break;
      case 'offload':
        offload.add(key(ns, x.dev));
        break;
      case 'bridge-vlans':
        vlanPorts.add(key(ns, x.dev));
        break;
      case 'hosts':
        if (x.detail.includes('did not write')) {
          left.push({ drift: x, why: 'someone else wrote that file; vnetmap does not overwrite it' });
          continue;
        }
        hosts.add(x.namespace!);
        break;
      case 'ovs-bridge':
        if (!x.key) {
          left.push({ drift: x, why: 'start Open vSwitch (scripts/setup.sh) and run up again' });
          continue;
        }
        ovsBridges.add(x.key);
        break;
      case 'ovs-port': {
        const p = plan.objects.find((o): o is OvsPortObj => o.kind === 'ovs-port' && o.name === x.key);
        if (x.kind === 'extra' || !p) {
          const br = /^ovs (\S+) port/.exec(x.object)?.[1];
          if (br) ovsDrop.push(['--', '--if-exists', 'del-port', br, x.key!]);
        } else ovsBridges.add(p.bridge);
        break;
      }
      case 'ovs-flows':
        flows.add(x.key!);
        break;
      case 'daemon':
        daemons.add(x.key!);
        break;
    }
    repaired.push(x);
  }

  // 1. devices: deletions first (a rogue device, a device of the wrong kind), then bridges, TAPs and VLAN devices.
  for (const [ns, lines] of del) steps.push({ phase: 'devices', argv: ipIn(ns, '-force', '-batch', '-'), input: batch(lines), mayFail: true, why: `remove devices of ${ns ?? 'the root namespace'} that the plan does not have there (or that must be re-created)` });
  for (const ns of nftDrop.keys()) steps.push({ phase: 'nft', argv: execIn(ns, ['nft', '-f', '-']), input: nftDrop.get(ns)!.map((t) => `delete table ${t}\n`).join(''), why: `remove nftables tables of ${ns} that the plan does not have` });
  if (ovsDrop.length) steps.push({ phase: 'ovs', argv: ['ovs-vsctl', '--timeout=10', ...ovsDrop.flat()], why: 'remove Open vSwitch ports the plan does not have' });
  const makes = [...create].filter(([, l]) => l.some((x) => !x.startsWith('link set')));
  for (const [ns, lines] of makes) steps.push({ phase: 'devices', argv: ipIn(ns, '-batch', '-'), input: batch(lines.filter((l) => !l.startsWith('link set'))), why: `re-create missing devices of ${ns ?? 'the root namespace'}` });
  for (const [ns, lines] of tunnelMake) steps.push({ phase: 'devices', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `re-create missing tunnel devices of ${ns ?? 'the root namespace'}` });
  steps.push(...wireguardSteps(plan, wgAgain));
  // 2. links: veth pairs, each end straight into its namespace, root ends marked as ours.
  const veths = [...links].filter((o): o is VethObj => o.kind === 'veth');
  if (veths.length) {
    const lines: string[] = [];
    for (const v of veths) {
      lines.push(`link add ${vethEndArgs(v.a).join(' ')} type veth peer ${vethEndArgs(v.b).join(' ')}`);
      for (const e of [v.a, v.b]) if (e.namespace === null) lines.push(`link set dev ${e.name} alias ${rootAlias(plan.lab, v.realizes[0] ?? 'veth')}`, noLinkLocal(e.name), `link set dev ${e.name} up`);
    }
    steps.push({ phase: 'links', argv: ['ip', '-batch', '-'], input: batch(lines), why: `re-create ${veths.length} missing veth pair(s)` });
  }
  const macvlans = [...links].filter((o) => o.kind === 'macvlan');
  if (macvlans.length) steps.push(...macvlanSteps(plan, { create: new Set(), settle: new Set(), links: macvlans as Extract<PlanObject, { kind: 'macvlan' }>[], ovs: false }));
  // 3. Open vSwitch: the bridge's whole (idempotent) transaction; ports whose device was re-created are added anew.
  for (const r of ovsReadd) ovsBridges.add(r.split('\0')[0]!);
  for (const b of plan.objects) {
    if (b.kind !== 'ovs-bridge' || !ovsBridges.has(b.name)) continue;
    const ports = plan.objects.filter((o): o is OvsPortObj => o.kind === 'ovs-port' && o.bridge === b.name);
    // A port whose device was re-created is removed in a transaction of its own first: removed
    // and added in one, ovs-vswitchd sees no change and keeps the deleted device open.
    const readd = ports.filter((p) => ovsReadd.has(`${b.name}\0${p.name}`)).flatMap((p) => ['--', '--if-exists', 'del-port', b.name, p.name]);
    if (readd.length) steps.push({ phase: 'ovs', argv: ['ovs-vsctl', '--timeout=10', ...readd], why: `take the re-created devices' ports off ${b.name}, to add them anew` });
    steps.push({ phase: 'ovs', argv: ovsBridgeArgv(plan.lab, b, ports), why: `Open vSwitch bridge ${b.name} and its ports as planned` });
    if (ports.some((p) => p.hairpin)) ports.filter((p) => p.hairpin).forEach((p) => flows.add(p.name));
  }
  const hairpinPorts = plan.objects.filter((o): o is OvsPortObj => o.kind === 'ovs-port' && !!o.hairpin && flows.has(o.name));
  for (const br of new Set(hairpinPorts.map((p) => p.bridge))) {
    const ps = hairpinPorts.filter((p) => p.bridge === br);
    steps.push({ phase: 'ovs', argv: ['ovs-ofctl', 'add-flows', br, '-'], input: ps.flatMap(ovsHairpinFlows).join('\n') + '\n', why: `reflective relay (hairpin) flows on ${ps.map((p) => p.name).join(', ')}` });
  }
  // 4. config: the settings of every touched device, addresses, then routes where anything changed.
  const nss = new Set<Netns>([...config.keys(), ...addrLines.keys(), ...routesAgain, ...[...create.keys()]]);
  for (const ns of nss) {
    const mtus = (create.get(ns) ?? []).filter((l) => l.startsWith('link set'));
    const lines = [...mtus, ...(addrLines.get(ns) ?? []), ...configLines(idx, ns, { devices: config.get(ns) ?? new Set(), routes: routesAgain.has(ns) })];
    if (lines.length) steps.push({ phase: 'config', argv: ipIn(ns, '-batch', '-'), input: batch(lines), why: `settings of ${ns ?? 'the root namespace'} as planned` });
  }
  for (const p of vlanPorts) {
    const [ns, dev] = splitKey(p);
    const ports = inNs(idx, ns, 'bridge-port').filter((x) => x.dev === dev);
    const noDefault = inNs(idx, ns, 'bridge').some((o) => o.defaultPvid === 0);
    // Every VLAN of the port goes, then the planned ones come back (bridge vlan del of an absent VLAN is refused, so 1-4094 at once).
    steps.push({ phase: 'bridge-vlans', argv: execIn(ns, ['bridge', '-force', '-batch', '-']), input: batch([`vlan del dev ${dev} vid 1-4094${ports.some((x) => x.self) ? ' self' : ''}`, ...bridgeVlanLines(ports, noDefault)]), why: `VLANs of ${ns}/${dev} as planned` });
  }
  for (const o of offload) {
    const [ns, dev] = splitKey(o);
    steps.push({ phase: 'offload', argv: execIn(ns, ['ethtool', '-K', dev, 'tx', 'off']), why: `checksums in software on ${dev} (OVS userspace datapath)` });
  }
  for (const [ns, kv] of sysctls) {
    for (const optional of [false, true]) {
      const set = kv.filter((x) => !!x.optional === optional).map((x) => `${x.key}=${x.value}`);
      if (set.length) steps.push({ phase: 'sysctl', argv: execIn(ns, ['sysctl', optional ? '-qew' : '-qw', ...set]), why: `kernel settings of ${ns} as planned` });
    }
  }
  for (const o of nftAgain) if (o.kind === 'nft') steps.push({ phase: 'nft', argv: execIn(o.namespace, ['nft', '-f', '-']), input: renderNft(o), why: `${nftWhy(o, o.namespace)} as planned` });
  // One ipvsadm -R per namespace: its lines run in order (a service before its real servers),
  // which separate commands in the parallel nft phase would not.
  for (const [ns, ds] of ipvs) {
    const lines = ipvsRepairLines(inNs(idx, ns, 'ipvs'), ds);
    if (lines.length) steps.push({ phase: 'nft', argv: execIn(ns, ['ipvsadm', '-R']), input: lines.join('\n') + '\n', why: `IPVS services of ${ns} as planned (${ds.map((d) => d.key).join(', ')})` });
  }
  for (const h of namesFiles(plan)) if (hosts.has(h.namespace)) steps.push({ phase: 'hosts', path: namesPath(h.namespace, h.file), content: h.content, why: `${h.file === 'hosts' ? 'names' : 'name servers'} for ${h.namespace}` });
  // A daemon that others reach through it (FRR's zebra) is started again with them: they would
  // otherwise wait for their own reconnection timers.
  const all = plan.objects.filter((o): o is DaemonObj => o.kind === 'daemon');
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of all) if (!daemons.has(d.name) && d.after?.some((a) => daemons.has(a))) grew = !!daemons.add(d.name);
  }
  steps.push(...daemonSteps(plan, all.filter((o) => daemons.has(o.name))));
  return { steps, repaired, left, daemons: [...daemons] };
}

function splitKey(k: string): [Netns, string] {
  const i = k.indexOf('/');
  const ns = k.slice(0, i);
  return [ns === '' ? null : ns, k.slice(i + 1)];
}
