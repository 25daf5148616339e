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

/** Where the central part listens besides its unix sockets (an inventory's machines reach it over TCP). */
export interface CentralTcp {
  address: string;
  nbPort: number;
  sbPort: number;
}

/**
 * Databases and daemons of the central part, in the order they must start: in `ns` (simulated
 * chassis), or in this machine's own namespace (null: an inventory's central, which also
 * listens on `tcp` for the machines).
 */
export function centralSteps(L: OvnLayout, ns: string | null, tcp?: CentralTcp): DaemonStep[] {
  const env = L.env(L.central);
  const run = (argv: string[]) => (ns === null ? ['env', ...env, ...argv] : inNs(ns, env, argv));
  const db = (name: 'nb' | 'sb', schema: string): DaemonStep[] => {
    const f = L.centralFiles(name);
    const file = `${L.central}/${name}.db`;
    const listen = tcp ? [`--remote=ptcp:${name === 'nb' ? tcp.nbPort : tcp.sbPort}:${tcp.address}`] : [];
    return [
      { argv: ['ovsdb-tool', 'create', file, schema], why: `${name === 'nb' ? 'Northbound' : 'Southbound'} database` },
      // Its one NB_Global row, before anyone connects: `up` bumps its nb_cfg to learn when the chassis caught up.
      ...(name === 'nb' ? [{ argv: ['ovsdb-tool', 'transact', file, JSON.stringify(['OVN_Northbound', { op: 'insert', table: 'NB_Global', row: {} }])], why: 'Northbound: its NB_Global row' }] : []),
      { argv: run(['ovsdb-server', file, `--remote=punix:${name === 'nb' ? L.nbSock : L.sbSock}`, ...listen, `--unixctl=${L.central}/${name}.ctl`, ...common(f)]), why: `${name === 'nb' ? 'Northbound' : 'Southbound'} ovsdb-server${tcp ? ` (also on ${tcp.address}:${name === 'nb' ? tcp.nbPort : tcp.sbPort})` : ''}` },
    ];
  };
  const northd = L.centralFiles('northd');
  return [
    ...db('nb', NB_SCHEMA),
    ...db('sb', SB_SCHEMA),
    { argv: run(['ovn-northd', `--ovnnb-db=unix:${L.nbSock}`, `--ovnsb-db=unix:${L.sbSock}`, `--unixctl=${L.central}/northd.ctl`, ...common(northd)]), why: 'ovn-northd: Northbound to Southbound' },
  ];
}

/** ovs-vsctl against one chassis's database. */
export const vsctl = (L: OvnLayout, chassis: string, ...args: string[]): string[] => ['ovs-vsctl', `--db=unix:${L.dbSock(chassis)}`, '--timeout=10', ...args];

/** The ports of `bindings` on br-int, each bound to its logical switch port (idempotent). */
export function portArgs(lab: string, bindings: Binding[], bridge = INTEGRATION_BRIDGE): string[] {
  return bindings.flatMap((b) => ['--', '--may-exist', 'add-port', bridge, b.dev, '--', 'set', 'Interface', b.dev, `external_ids:iface-id=${b.lsp}`, `external_ids:${LAB_KEY}=${lab}`]);
}

/**
 * What a chassis's daemons need to know, whether it is simulated (a namespace of this machine,
 * the central over unix sockets) or a machine of an inventory (its root namespace, the central
 * over TCP, the part of the plan it fetched).
 */
export interface ChassisRun {
  lab: string;
  name: string;
  /** Simulated: the chassis's namespace; a machine: none (its own namespace). */
  namespace?: string;
  sbRemote: string;
  encap: 'geneve';
  encapIp: string;
  /** Prefix length of the tunnel address (when vnetmap puts it on br-phy). */
  encapPrefix: number;
  datapath: 'system' | 'netdev';
  /** Userspace datapath: the device br-phy takes as its port, br-phy's MAC, and its MTU. */
  underlayDev?: string;
  encapMac?: string;
  underlayMtu: number;
  /** Tunnel peers whose MAC is known in advance (simulated chassis). */
  peers: { name: string; ip: string; mac: string }[];
  bindings: Binding[];
  /**
   * Names of the integration and tunnel bridges (default br-int, br-phy). A machine's are the
   * lab's own: a netdev bridge is a device of that name in the machine's namespace, where the
   * system's Open vSwitch may have a br-int of its own.
   */
  bridges?: { int: string; phy: string };
}

/** A simulated chassis of `plan`, run with layout `L`. */
export function simulatedRun(plan: OvnPlan, L: OvnLayout, c: ChassisSpec): ChassisRun {
  return {
    lab: plan.lab,
    name: c.name,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    sbRemote: `unix:${L.sbSock}`,
    encap: plan.encap,
    encapIp: c.encapIp,
    encapPrefix: UNDERLAY_PREFIX,
    datapath: plan.datapath,
    ...(c.underlayDev ? { underlayDev: c.underlayDev } : {}),
    ...(c.encapMac ? { encapMac: c.encapMac } : {}),
    underlayMtu: plan.underlayMtu,
    peers: plan.chassis.filter((o) => o.name !== c.name && o.encapMac).map((o) => ({ name: o.name, ip: o.encapIp, mac: o.encapMac! })),
    bindings: plan.bindings.filter((b) => b.chassis === c.name),
  };
}

/** Open_vSwitch settings, bridges and ports of a chassis (one transaction, idempotent). */
export function chassisConfigArgs(r: ChassisRun, L: OvnLayout): string[] {
  const netdev = r.datapath === 'netdev';
  const INT = r.bridges?.int ?? INTEGRATION_BRIDGE;
  const PHY = r.bridges?.phy ?? PHYSICAL_BRIDGE;
  const mark = `external_ids:${LAB_KEY}=${r.lab}`;
  return vsctl(L, r.name, '--no-wait', '--', 'init', '--',
    'set', 'Open_vSwitch', '.',
    `external_ids:system-id=${r.name}`,
    `external_ids:ovn-remote=${r.sbRemote}`,
    `external_ids:ovn-encap-type=${r.encap}`,
    `external_ids:ovn-encap-ip=${r.encapIp}`,
    `external_ids:ovn-bridge-datapath-type=${r.datapath}`,
    // Every chassis sees the whole (small) Southbound database: with conditional monitoring,
    // each new port changed the condition and cost a round of recomputation (measured: slower).
    'external_ids:ovn-monitor-all=true',
    ...(INT !== INTEGRATION_BRIDGE ? [`external_ids:ovn-bridge=${INT}`] : []),
    mark,
    '--', '--may-exist', 'add-br', INT, '--', 'set', 'Bridge', INT, `datapath_type=${r.datapath}`, 'fail_mode=secure', 'other_config:disable-in-band=true', mark,
    ...(netdev && r.underlayDev
      ? ['--', '--may-exist', 'add-br', PHY, '--', 'set', 'Bridge', PHY, 'datapath_type=netdev', ...(r.encapMac ? [`other_config:hwaddr=${JSON.stringify(r.encapMac)}`] : []), mark, '--', '--may-exist', 'add-port', PHY, r.underlayDev, '--', 'set', 'Interface', PHY, `mtu_request=${r.underlayMtu}`]
      : []),
    ...portArgs(r.lab, r.bindings, INT),
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

export function chassisSteps(r: ChassisRun, L: OvnLayout): ChassisSteps {
  const dir = L.chassis(r.name);
  const env = L.env(dir);
  const f = (d: 'ovsdb-server' | 'ovs-vswitchd' | 'ovn-controller') => L.chassisFiles(r.name, d);
  const netdev = r.datapath === 'netdev';
  const run = (argv: string[]) => (r.namespace ? inNs(r.namespace, env, argv) : ['env', ...env, ...argv]);
  // The userspace datapath sends tunnelled frames out of an OVS bridge that holds the tunnel
  // address (br-phy, with the underlay device as its port); the kernel datapath routes them.
  const ip = (...args: string[]) => [...(r.namespace ? enterNs(r.namespace) : []), 'ip', ...args];
  const onPhy = netdev && r.underlayDev !== undefined;
  const INT = r.bridges?.int ?? INTEGRATION_BRIDGE;
  const PHY = r.bridges?.phy ?? PHYSICAL_BRIDGE;
  return {
    db: [
      { argv: ['ovsdb-tool', 'create', `${dir}/conf.db`, VSWITCH_SCHEMA], why: `${r.name}: Open vSwitch database` },
      { argv: run(['ovsdb-server', `${dir}/conf.db`, `--remote=punix:${L.dbSock(r.name)}`, `--unixctl=${dir}/ovsdb-server.ctl`, ...common(f('ovsdb-server'))]), why: `${r.name}: ovsdb-server` },
      { argv: chassisConfigArgs(r, L), why: `${r.name}: OVN settings, ${INT}${onPhy ? `, ${PHY}` : ''} and ${r.bindings.length} workload ports` },
    ],
    vswitchd: { argv: run(['ovs-vswitchd', `unix:${L.dbSock(r.name)}`, `--unixctl=${dir}/ovs-vswitchd.ctl`, ...common(f('ovs-vswitchd'))]), why: `${r.name}: ovs-vswitchd (${r.datapath} datapath)` },
    underlay: onPhy
      ? [
          { argv: vsctl(L, r.name, 'wait-until', 'Interface', PHY, 'ofport>0'), why: `${r.name}: wait for ${PHY}` },
          // A machine's address moves from its underlay device to its tunnel bridge (chassis/leave.ts moves it back).
          ...(r.namespace ? [] : [{ argv: ip('addr', 'del', `${r.encapIp}/${r.encapPrefix}`, 'dev', r.underlayDev!), why: `${r.name}: ${r.encapIp} leaves ${r.underlayDev} for ${PHY}` }]),
          { argv: ip('addr', 'replace', `${r.encapIp}/${r.encapPrefix}`, 'dev', PHY), why: `${r.name}: tunnel endpoint ${r.encapIp}` },
          { argv: ip('link', 'set', 'dev', PHY, 'up'), why: `${r.name}: tunnel device up` },
          // The userspace datapath drops the packet that makes it look up a tunnel peer's MAC (it
          // sends an ARP instead): a first ping across chassis would be lost. Every peer's MAC is
          // known (br-phy's is set), so it is in the tunnel neighbour cache from the start.
          ...r.peers.map((o) => ({ argv: ['ovs-appctl', '-t', `${dir}/ovs-vswitchd.ctl`, 'tnl/arp/set', PHY, o.ip, o.mac], why: `${r.name}: tunnel peer ${o.name} (${o.ip}) is at ${o.mac}` })),
        ]
      : r.namespace && r.underlayDev
        ? [
            { argv: ip('addr', 'replace', `${r.encapIp}/${r.encapPrefix}`, 'dev', r.underlayDev), why: `${r.name}: tunnel endpoint ${r.encapIp}` },
            { argv: ip('link', 'set', 'dev', r.underlayDev, 'up'), why: `${r.name}: tunnel device up` },
          ]
        : [],
    controller: { argv: run(['ovn-controller', `unix:${L.dbSock(r.name)}`, ...common(f('ovn-controller'))]), why: `${r.name}: ovn-controller` },
  };
}
