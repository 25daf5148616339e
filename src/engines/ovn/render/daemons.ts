// The commands that start a lab's OVN daemons: pure argv, for `up` and for the bash script.
//
// Central (in the lab's central namespace; its sockets are files, reachable from every
// chassis namespace): the Northbound and Southbound ovsdb-servers and ovn-northd.
// Each chassis (in its own namespace): ovsdb-server with its Open_vSwitch database, configured
// before ovs-vswitchd starts (one ovs-vsctl transaction: OVN's settings, br-int, the tunnel
// bridge, every workload port bound to its logical switch port), then ovs-vswitchd, then — on
// the userspace datapath — the tunnel address on br-phy, then ovn-controller.
//
// Every daemon runs with --detach and a pidfile under its own directory: it outlives the
// vnetmap run that started it (a detached daemon is a child of no one, so vnetmap's
// parent-death signal does not reach it), and `down` finds it by that pidfile only.
import { enterNs } from '../../../exec/netns.js';
import { INTEGRATION_BRIDGE, LAB_KEY, PHYSICAL_BRIDGE, UNDERLAY_PREFIX } from '../plan/names.js';
import type { Binding, ChassisSpec, OvnPlan } from '../plan/types.js';
import { NB_SCHEMA, SB_SCHEMA, VSWITCH_SCHEMA, type DaemonFiles, type OvnLayout } from './layout.js';

export interface DaemonStep {
  argv: string[];
  why: string;
}

const common = (f: DaemonFiles): string[] => [`--pidfile=${f.pidfile}`, `--log-file=${f.log}`, '--detach', '--no-chdir', '-vconsole:off', '-vfile:info'];
const inNs = (ns: string, env: string[], argv: string[]): string[] => [...enterNs(ns), 'env', ...env, ...argv];

/** Databases and daemons of the central part, in the order they must start. */
export function centralSteps(L: OvnLayout, ns: string): DaemonStep[] {
  const env = L.env(L.central);
  const db = (name: 'nb' | 'sb', schema: string): DaemonStep[] => {
    const f = L.centralFiles(name);
    const file = `${L.central}/${name}.db`;
    return [
      { argv: ['ovsdb-tool', 'create', file, schema], why: `${name === 'nb' ? 'Northbound' : 'Southbound'} database` },
      // Its one NB_Global row, before anyone connects: `up` bumps its nb_cfg to learn when the chassis caught up.
      ...(name === 'nb' ? [{ argv: ['ovsdb-tool', 'transact', file, JSON.stringify(['OVN_Northbound', { op: 'insert', table: 'NB_Global', row: {} }])], why: 'Northbound: its NB_Global row' }] : []),
      { argv: inNs(ns, env, ['ovsdb-server', file, `--remote=punix:${name === 'nb' ? L.nbSock : L.sbSock}`, `--unixctl=${L.central}/${name}.ctl`, ...common(f)]), why: `${name === 'nb' ? 'Northbound' : 'Southbound'} ovsdb-server` },
    ];
  };
  const northd = L.centralFiles('northd');
  return [
    ...db('nb', NB_SCHEMA),
    ...db('sb', SB_SCHEMA),
    { argv: inNs(ns, env, ['ovn-northd', `--ovnnb-db=unix:${L.nbSock}`, `--ovnsb-db=unix:${L.sbSock}`, `--unixctl=${L.central}/northd.ctl`, ...common(northd)]), why: 'ovn-northd: Northbound to Southbound' },
  ];
}

/** ovs-vsctl against one chassis's database. */
export const vsctl = (L: OvnLayout, chassis: string, ...args: string[]): string[] => ['ovs-vsctl', `--db=unix:${L.dbSock(chassis)}`, '--timeout=10', ...args];

/** The ports of `bindings` on br-int, each bound to its logical switch port (idempotent). */
export function portArgs(lab: string, bindings: Binding[]): string[] {
  return bindings.flatMap((b) => ['--', '--may-exist', 'add-port', INTEGRATION_BRIDGE, b.dev, '--', 'set', 'Interface', b.dev, `external_ids:iface-id=${b.lsp}`, `external_ids:${LAB_KEY}=${lab}`]);
}

/** Open_vSwitch settings, bridges and ports of a chassis (one transaction, idempotent). */
export function chassisConfigArgs(plan: OvnPlan, L: OvnLayout, c: ChassisSpec): string[] {
  const netdev = plan.datapath === 'netdev';
  const mark = `external_ids:${LAB_KEY}=${plan.lab}`;
  return vsctl(L, c.name, '--no-wait', '--', 'init', '--',
    'set', 'Open_vSwitch', '.',
    `external_ids:system-id=${c.name}`,
    `external_ids:ovn-remote=unix:${L.sbSock}`,
    `external_ids:ovn-encap-type=${plan.encap}`,
    `external_ids:ovn-encap-ip=${c.encapIp}`,
    `external_ids:ovn-bridge-datapath-type=${plan.datapath}`,
    // Every chassis sees the whole (small) Southbound database: with conditional monitoring,
    // each new port changed the condition and cost a round of recomputation (measured: slower).
    'external_ids:ovn-monitor-all=true',
    mark,
    '--', '--may-exist', 'add-br', INTEGRATION_BRIDGE, '--', 'set', 'Bridge', INTEGRATION_BRIDGE, `datapath_type=${plan.datapath}`, 'fail_mode=secure', 'other_config:disable-in-band=true', mark,
    ...(netdev ? ['--', '--may-exist', 'add-br', PHYSICAL_BRIDGE, '--', 'set', 'Bridge', PHYSICAL_BRIDGE, 'datapath_type=netdev', `other_config:hwaddr=${JSON.stringify(c.encapMac)}`, mark, '--', '--may-exist', 'add-port', PHYSICAL_BRIDGE, c.underlayDev, '--', 'set', 'Interface', PHYSICAL_BRIDGE, `mtu_request=${plan.underlayMtu}`] : []),
    ...portArgs(plan.lab, plan.bindings.filter((b) => b.chassis === c.name)),
  );
}

export interface ChassisSteps {
  /** Before ovs-vswitchd: its database and configuration. */
  db: DaemonStep[];
  vswitchd: DaemonStep;
  /** After ovs-vswitchd, before ovn-controller: the tunnel address. */
  underlay: DaemonStep[];
  controller: DaemonStep;
}

export function chassisSteps(plan: OvnPlan, L: OvnLayout, c: ChassisSpec): ChassisSteps {
  const dir = L.chassis(c.name);
  const env = L.env(dir);
  const f = (d: 'ovsdb-server' | 'ovs-vswitchd' | 'ovn-controller') => L.chassisFiles(c.name, d);
  const netdev = plan.datapath === 'netdev';
  // The userspace datapath sends tunnelled frames out of an OVS bridge that holds the tunnel
  // address (br-phy, with the underlay device as its port); the kernel datapath routes them.
  const encapDev = netdev ? 'br-phy' : c.underlayDev;
  const ip = (...args: string[]) => [...enterNs(c.namespace), 'ip', ...args];
  return {
    db: [
      { argv: ['ovsdb-tool', 'create', `${dir}/conf.db`, VSWITCH_SCHEMA], why: `${c.name}: Open vSwitch database` },
      { argv: inNs(c.namespace, env, ['ovsdb-server', `${dir}/conf.db`, `--remote=punix:${L.dbSock(c.name)}`, `--unixctl=${dir}/ovsdb-server.ctl`, ...common(f('ovsdb-server'))]), why: `${c.name}: ovsdb-server` },
      { argv: chassisConfigArgs(plan, L, c), why: `${c.name}: OVN settings, br-int${netdev ? ', br-phy' : ''} and ${plan.bindings.filter((b) => b.chassis === c.name).length} workload ports` },
    ],
    vswitchd: { argv: inNs(c.namespace, env, ['ovs-vswitchd', `unix:${L.dbSock(c.name)}`, `--unixctl=${dir}/ovs-vswitchd.ctl`, ...common(f('ovs-vswitchd'))]), why: `${c.name}: ovs-vswitchd (${plan.datapath} datapath)` },
    underlay: [
      ...(netdev ? [{ argv: vsctl(L, c.name, 'wait-until', 'Interface', PHYSICAL_BRIDGE, 'ofport>0'), why: `${c.name}: wait for br-phy` }] : []),
      { argv: ip('addr', 'replace', `${c.encapIp}/${UNDERLAY_PREFIX}`, 'dev', encapDev), why: `${c.name}: tunnel endpoint ${c.encapIp}` },
      { argv: ip('link', 'set', 'dev', encapDev, 'up'), why: `${c.name}: tunnel device up` },
      // The userspace datapath drops the packet that makes it look up a tunnel peer's MAC (it
      // sends an ARP instead): a first ping across chassis would be lost. Every peer's MAC is
      // known (br-phy's is set), so it is in the tunnel neighbour cache from the start.
      ...(netdev
        ? plan.chassis.filter((o) => o.name !== c.name).map((o) => ({ argv: ['ovs-appctl', '-t', `${dir}/ovs-vswitchd.ctl`, 'tnl/arp/set', PHYSICAL_BRIDGE, o.encapIp, o.encapMac], why: `${c.name}: tunnel peer ${o.name} (${o.encapIp}) is at ${o.encapMac}` }))
        : []),
    ],
    controller: { argv: inNs(c.namespace, env, ['ovn-controller', `unix:${L.dbSock(c.name)}`, ...common(f('ovn-controller'))]), why: `${c.name}: ovn-controller` },
  };
}
