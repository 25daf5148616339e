// `status` of an OVN lab: where each node runs (placement), and whether each chassis is
// healthy — its three daemons running (pidfile, checked), its ports bound and up in the
// Southbound, and the last Northbound change applied — plus the central daemons, the lab's
// Northbound rows and its namespaces. Read-only; `up` repairs what it reports.
import { nsIdentity } from '../../../apply/identity.js';
import { readState } from '../../../apply/state.js';
import type { Runner } from '../../../exec/runner.js';
import { connectOvsdb, type Ovsdb, type OvsdbConnect } from '../ovsdb/client.js';
import { selectOwnOps } from '../render/nb-json.js';
import { countedRows, COUNTED_TABLES } from '../render/nb-rows.js';
import { formatLease, leaseStatus, type LeaseStatus } from '../../../apply/leases.js';
import { CENTRAL_DAEMONS, CHASSIS_DAEMONS } from '../render/layout.js';
import { labDaemons } from './daemons.js';
import { daemonRunning } from '../../../apply/daemons.js';
import type { OvnPlan } from '../plan/types.js';
import { layoutOf } from './paths.js';
import type { DriftItem } from '../../../verify/diagnose.js';

export interface ChassisStatus {
  name: string;
  /** Simulated chassis: its namespace here. */
  namespace?: string;
  /** A machine of the inventory: whether it has joined (its chassis is in the Southbound), and the host name it reported. */
  machine?: { joined: boolean; hostname?: string };
  encapIp: string;
  /** Each daemon: its pid, or null when it is not running. */
  daemons: Record<string, number | null>;
  /** Design nodes placed here. */
  nodes: string[];
  ports: number;
  portsUp: number;
  /** The last Northbound change (nb_cfg) this chassis applied, if the Southbound says. */
  applied?: number;
  healthy: boolean;
}

export interface OvnStatus {
  lab: string;
  engine: 'ovn';
  running: boolean;
  designFile?: string;
  appliedAt?: string;
  central: Record<string, number | null>;
  /** An inventory's central: where the machines reach it ("192.0.2.1:6641,6642"). */
  centralAt?: string;
  /** The Northbound's current change number (NB_Global nb_cfg). */
  nbCfg?: number;
  nbRows?: { have: number; want: number };
  chassis: ChassisStatus[];
  placement?: { cut: number; loads: Record<string, number> };
  missingNamespaces: string[];
  healthy: boolean;
  /** DHCP clients and the leases they hold from OVN's native DHCP (apply/leases.ts). */
  leases?: LeaseStatus[];
  /** Daemons of the kernel part (a DNS server's dnsmasq, DHCP clients) that are not the processes `up` started. */
  deadDaemons?: { name: string; namespace: string | null; realizes: string[] }[];
  /** What is wrong, one sentence each. */
  problems: string[];
}

type Rows = { rows: Record<string, unknown>[] }[];

export async function statusOvn(lab: string, _runner: Runner, connect: OvsdbConnect = connectOvsdb): Promise<OvnStatus> {
  const st = readState(lab);
  const plan = st?.ovn;
  const L = layoutOf(lab);
  const problems: string[] = [];
  if (!plan) return { lab, engine: 'ovn', running: false, central: {}, chassis: [], missingNamespaces: [], healthy: false, problems: ['no state: the lab is not up (or its last `up` did not finish); "vnetmap down" removes what is left'] };
  const daemons = labDaemons(L, plan.chassis.map((c) => c.name));
  const pid = (name: string) => daemons.find((d) => d.name === name)?.pid ?? null;
  const central = Object.fromEntries(CENTRAL_DAEMONS.map((d) => [d, pid(`central/${d}`)]));
  for (const [d, p] of Object.entries(central)) if (p === null) problems.push(`central ${d === 'northd' ? 'ovn-northd' : `${d.toUpperCase()} ovsdb-server`} is not running`);
  // An inventory's namespaces are on its machines, where `vnetmap chassis status` looks.
  const missingNamespaces = plan.inventory ? [] : plan.local.objects.flatMap((o) => (o.kind === 'netns' && nsIdentity(o.name) === undefined ? [o.name] : []));
  for (const ns of missingNamespaces) problems.push(`namespace ${ns} is missing`);
  // The kernel part's daemons: started by `up`, which starts them again when they are gone.
  const deadDaemons = plan.inventory ? [] : plan.local.objects.flatMap((o) => (o.kind === 'daemon' && !missingNamespaces.includes(o.namespace ?? '') && !daemonRunning(st?.daemons?.[o.name], o.namespace) ? [{ name: o.name, namespace: o.namespace, realizes: o.realizes }] : []));
  for (const d of deadDaemons) problems.push(`daemon ${d.name} (${d.realizes.join(', ')}) is not running; "vnetmap up" starts it again`);
  let nb: Ovsdb | undefined;
  let sb: Ovsdb | undefined;
  let nbCfg: number | undefined;
  let nbRows: OvnStatus['nbRows'];
  const applied = new Map<string, number>();
  const bound = new Map<string, { chassis?: string; up: boolean }>();
  const joined = new Map<string, string>();
  try {
    if (central.nb !== null) {
      nb = await connect(`unix:${L.nbSock}`, 2_000);
      const r = (await nb.transact('OVN_Northbound', [{ op: 'select', table: 'NB_Global', where: [], columns: ['nb_cfg'] }, ...selectOwnOps(lab, COUNTED_TABLES)], 5_000)) as Rows;
      nbCfg = r[0]?.rows[0]?.nb_cfg as number | undefined;
      nbRows = { have: r.slice(1).reduce((n, x) => n + x.rows.length, 0), want: countedRows(plan) };
      if (nbRows.have !== nbRows.want) problems.push(`the Northbound holds ${nbRows.have} of the lab's ${nbRows.want} rows it counts (switches, routers, load balancers, DHCP options, DNS records, ACLs)`);
    }
    if (central.sb !== null) {
      sb = await connect(`unix:${L.sbSock}`, 2_000);
      const r = (await sb.transact(
        'OVN_Southbound',
        [
          { op: 'select', table: 'Chassis_Private', where: [], columns: ['name', 'nb_cfg'] },
          { op: 'select', table: 'Chassis', where: [], columns: ['_uuid', 'name', 'hostname'] },
          { op: 'select', table: 'Port_Binding', where: [['type', '==', '']], columns: ['logical_port', 'chassis', 'up'] },
        ],
        5_000,
      )) as Rows;
      for (const row of r[0]!.rows) applied.set(row.name as string, row.nb_cfg as number);
      const chassisName = new Map(r[1]!.rows.map((x) => [(x._uuid as [string, string])[1], x.name as string]));
      for (const x of r[1]!.rows) joined.set(x.name as string, x.hostname as string);
      for (const row of r[2]!.rows) {
        const ch = row.chassis as ['uuid', string] | ['set', []];
        bound.set(row.logical_port as string, { ...(ch[0] === 'uuid' ? { chassis: chassisName.get(ch[1]) } : {}), up: row.up === true });
      }
    }
  } catch (e) {
    problems.push(`cannot read the OVN databases: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    nb?.close();
    sb?.close();
  }
  const chassis = plan.chassis.map((c): ChassisStatus => {
    // A machine's daemons run there: here, only the Southbound says whether it joined.
    const ds = c.machine ? {} : Object.fromEntries(CHASSIS_DAEMONS.map((d) => [d, pid(`${c.name}/${d}`)]));
    const machine = c.machine ? { joined: joined.has(c.name), ...(joined.get(c.name) ? { hostname: joined.get(c.name)! } : {}) } : undefined;
    if (machine && !machine.joined && central.sb !== null) problems.push(`${c.name} has not joined: run on it "${joinCommand(plan, c.name)}"`);
    const ports = plan.bindings.filter((b) => b.chassis === c.name);
    const up = ports.filter((b) => bound.get(b.lsp)?.chassis === c.name && bound.get(b.lsp)?.up).length;
    const dead = Object.entries(ds).filter(([, p]) => p === null).map(([d]) => d);
    const cfg = applied.get(c.name);
    const behind = nbCfg !== undefined && (cfg === undefined || cfg < nbCfg);
    for (const d of dead) problems.push(`${c.name}: ${d} is not running${d === 'ovn-controller' ? ' (its flows stay in ovs-vswitchd: traffic still flows, but no change reaches this chassis)' : d === 'ovs-vswitchd' ? `: the nodes on it (${nodesOn(plan, c.name).join(', ')}) are cut off` : ''}`);
    if (up < ports.length && machine?.joined !== false) problems.push(`${c.name}: ${ports.length - up} of its ${ports.length} ports are not up`);
    if (behind && machine?.joined !== false) problems.push(`${c.name} has not applied the last Northbound change (${cfg ?? 'none'} < ${nbCfg})`);
    return { name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}), ...(machine ? { machine } : {}), encapIp: c.encapIp, daemons: ds, nodes: nodesOn(plan, c.name), ports: ports.length, portsUp: up, ...(cfg !== undefined ? { applied: cfg } : {}), healthy: machine?.joined !== false && !dead.length && up === ports.length && !behind && !(c.namespace && missingNamespaces.includes(c.namespace)) };
  });
  return {
    lab,
    engine: 'ovn',
    running: true,
    ...(st?.designFile ? { designFile: st.designFile } : {}),
    ...(st?.appliedAt ? { appliedAt: st.appliedAt } : {}),
    central,
    ...(plan.inventory ? { centralAt: `${plan.inventory.central.address}:${plan.inventory.central.nbPort},${plan.inventory.central.sbPort}` } : {}),
    ...(nbCfg !== undefined ? { nbCfg } : {}),
    ...(nbRows ? { nbRows } : {}),
    chassis,
    placement: { cut: plan.placement.cut, loads: plan.placement.loads },
    missingNamespaces,
    ...leasesOf(plan),
    ...(deadDaemons.length ? { deadDaemons } : {}),
    healthy: !problems.length,
    problems,
  };
}

function leasesOf(plan: OvnPlan): { leases?: LeaseStatus[] } {
  // An inventory's clients run on its machines, their lease files there (`vnetmap chassis status`).
  if (plan.inventory) return {};
  const leases = leaseStatus(plan.local);
  return leases.length ? { leases } : {};
}

const nodesOn = (plan: OvnPlan, chassis: string): string[] =>
  [...new Set(plan.bindings.filter((b) => b.chassis === chassis).map((b) => b.node))];

export function formatOvnStatus(s: OvnStatus, detail: boolean): string {
  const head = `${s.lab}: ${s.running ? `up (engine ovn, ${s.chassis.length} chassis, since ${s.appliedAt})` : 'no state (crashed or removed)'}, ${s.healthy ? 'healthy' : `${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}`}`;
  if (!detail) return head;
  const out = [head];
  if (s.designFile) out.push(`  design: ${s.designFile}`);
  const show = (ds: Record<string, number | null>) => Object.entries(ds).map(([d, p]) => `${d} ${p === null ? 'DOWN' : p}`).join(', ');
  if (s.running) out.push(`  central${s.centralAt ? ` (${s.centralAt})` : ''}: ${show(s.central)}${s.nbRows ? `; northbound: ${s.nbRows.have}/${s.nbRows.want} rows (switches, routers, balancers, ACLs), nb_cfg ${s.nbCfg}` : ''}`);
  for (const c of s.chassis) {
    const daemons = c.machine ? (c.machine.joined ? `joined${c.machine.hostname ? ` from host ${c.machine.hostname}` : ''}` : 'NOT JOINED') : show(c.daemons);
    out.push(`  ${c.name} (${c.machine ? 'machine, ' : ''}${c.encapIp}) ${c.healthy ? 'healthy' : 'UNHEALTHY'}: ${daemons}; ports ${c.portsUp}/${c.ports} up${c.applied !== undefined ? `, applied nb_cfg ${c.applied}` : ''}`);
    // A big lab's chassis hold hundreds of nodes: the first few, and how many.
    out.push(`    nodes: ${c.nodes.length > 12 ? `${c.nodes.slice(0, 10).join(', ')} … (${c.nodes.length} in all)` : c.nodes.join(', ') || '(none)'}`);
  }
  if (s.placement) out.push(`  placement: ${s.placement.cut} design links cross chassis; loads ${Object.entries(s.placement.loads).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  for (const l of s.leases ?? []) out.push(`  ${formatLease(l)}`);
  for (const p of s.problems) out.push(`  problem: ${p}`);
  return out.join('\n');
}

/**
 * What `verify` explains failed checks by, on this engine: a chassis whose daemons are down
 * (its namespace is on the path of every pair of its nodes) and namespaces that are gone. The
 * kernel engine's drift would name OVN's own tunnel ports as strangers.
 */
export function ovnDrift(s: OvnStatus): DriftItem[] {
  const out: DriftItem[] = s.missingNamespaces.map((ns) => ({ kind: 'missing', object: `netns ${ns}`, detail: 'the namespace is gone', namespace: ns }));
  for (const c of s.chassis) {
    const dead = Object.entries(c.daemons).filter(([, p]) => p === null).map(([d]) => d);
    if (c.machine && !c.machine.joined) out.push({ kind: 'missing', object: `chassis ${c.name}`, detail: `the machine has not joined (nodes there: ${c.nodes.join(', ') || 'none'})` });
    else if (dead.length) out.push({ kind: 'different', object: `chassis ${c.name}`, detail: `${dead.join(', ')} not running (nodes there: ${c.nodes.join(', ') || 'none'})`, namespace: c.namespace });
    else if (c.portsUp < c.ports) out.push({ kind: 'different', object: `chassis ${c.name}`, detail: `${c.ports - c.portsUp} of its ${c.ports} ports are not up`, namespace: c.namespace });
  }
  for (const [d, p] of Object.entries(s.central)) if (p === null) out.push({ kind: 'different', object: `OVN central`, detail: `${d} is not running` });
  for (const d of s.deadDaemons ?? []) out.push({ kind: 'missing', object: `daemon ${d.name}`, detail: 'not running', namespace: d.namespace, realizes: d.realizes });
  return out;
}

/** What a machine of the inventory runs to join the lab (docs/ovn-inventory.md). */
export function joinCommand(plan: OvnPlan, name: string): string {
  const c = plan.inventory!.central;
  return `vnetmap chassis join --central ${c.address}:${c.nbPort} --lab ${plan.lab} --name ${name}`;
}
