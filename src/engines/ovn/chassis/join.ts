// `vnetmap chassis join --central ADDR[:PORT] --lab LAB --name NAME`: this machine becomes a
// chassis of an inventory lab. It reads its part of the plan from the lab's Northbound
// (inventory/part.ts), makes its workloads' namespaces and veths with the kernel renderer (the
// same code `up` runs for simulated chassis), starts its own ovsdb-server, ovs-vswitchd and
// ovn-controller — private database, sockets and logs under the lab's run directory, never the
// system's Open vSwitch — with every port on its own br-int, and waits until its ports are up.
// Idempotent: joined and healthy, nothing changes; otherwise what is there is removed first.
import { mkdirSync } from 'node:fs';
import { ToolError, UserError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';
import { runExecs, type ExecOutcome } from '../../../apply/workloads.js';
import { nsIdentities } from '../../../apply/identity.js';
import { preflight } from '../../../apply/preflight.js';
import { runSteps } from '../../../apply/run-steps.js';
import { checkedLab } from '../../../apply/state.js';
import { renderSteps } from '../../../render/render.js';
import { fullScope, namespacesOf } from '../../../render/scope.js';
import { isFile, type CommandStep } from '../../../render/steps.js';
import type { Plan } from '../../../plan/types.js';
import { connectOvsdb, type Ovsdb, type OvsdbConnect } from '../ovsdb/client.js';
import { decodePart, PART_KEY, type ChassisPart } from '../inventory/part.js';
import { DEFAULT_NB_PORT } from '../inventory/schema.js';
import { LAB_KEY } from '../plan/names.js';
import { ownedBy } from '../render/nb-json.js';
import { chassisSteps, type ChassisRun } from '../render/daemons.js';
import { daemonPid } from '../apply/daemons.js';
import { txOffAll } from '../apply/offload.js';
import { ovnPreflight } from '../apply/preflight.js';
import { leaveLocked } from './leave.js';
import { chooseDatapath, encapDevInfo } from './machine.js';
import { machineBridges, memberLayout, readMember, withMemberLock, writeMember, type MemberState } from './member.js';

export interface JoinOptions {
  /** ADDR or ADDR:PORT of the lab's Northbound (the inventory's central). */
  central: string;
  lab: string;
  name: string;
  /** This machine's tunnel address, if not the inventory's. */
  encapIp?: string;
  /** Userspace datapath: the underlay device br-phy takes (its address moves to br-phy until leave). */
  encapDev?: string;
  datapath?: 'system' | 'netdev';
  /** How long to wait for the central (and its part for this machine), then for this machine's ports. */
  timeoutMs?: number;
  connect?: OvsdbConnect;
  onProgress?: (message: string) => void;
}

export interface JoinResult {
  lab: string;
  name: string;
  action: 'joined' | 'rejoined' | 'unchanged';
  nodes: string[];
  namespaces: number;
  ports: number;
  datapath: 'system' | 'netdev';
  /** From the daemons' start until every port of this machine was up. */
  portsMs: number;
  /** The exec: commands of this machine's workloads, run once its ports were up (failures included). */
  exec: ExecOutcome[];
  ms: number;
}

const CHASSIS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** "192.0.2.1" or "192.0.2.1:6641" -> { address, port }. */
export function parseCentral(s: string): { address: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(s);
  const port = m?.[2] ? Number(m[2]) : DEFAULT_NB_PORT;
  if (!m || port < 1 || port > 65535) throw new UserError(`--central ${s}: write the central's address as the inventory gives it, ADDR or ADDR:PORT (its Northbound port, default ${DEFAULT_NB_PORT}), e.g. 192.0.2.1:6641.`);
  return { address: m[1]!, port };
}

export async function joinChassis(runner: Runner, o: JoinOptions): Promise<JoinResult> {
  const t0 = Date.now();
  checkedLab(o.lab);
  if (!CHASSIS_NAME.test(o.name)) throw new UserError(`--name ${o.name}: use this machine's name as the inventory lists it (letters, digits, ".", "-", "_").`);
  const central = parseCentral(o.central);
  const connect = o.connect ?? connectOvsdb;
  const timeoutMs = o.timeoutMs ?? 120_000;
  const nbRemote = `tcp:${central.address}:${central.port}`;
  const nb = await untilCentral(connect, nbRemote, timeoutMs, o.onProgress);
  try {
    const part = await fetchPart(nb, o, nbRemote, timeoutMs);
    if (o.encapIp) part.encapIp = o.encapIp;
    return await withMemberLock(o.lab, true, async () => {
      const prev = readMember(o.lab);
      const L = memberLayout(o.lab);
      const same = prev && prev.phase === 'done' && JSON.stringify(prev.part) === JSON.stringify(part) && prev.central === nbRemote;
      const alive = prev && (['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'] as const).every((d) => daemonPid(L.chassisFiles(prev.part.name, d)) !== undefined);
      if (same && alive && !namespacesOf(part.local).some((ns) => !nsIdentities([ns])[ns])) {
        const portsMs = await waitOwnPorts(nb, part, timeoutMs, Date.now());
        return result('unchanged', part, prev.datapath, portsMs, [], t0);
      }
      if (prev) await leaveLocked(o.lab, runner);
      const datapath = await chooseDatapath(runner, o.datapath);
      await ovnPreflight(undefined, runner);
      const portsMs = await build(runner, nb, part, { ...o, datapath, nbRemote, centralAddr: central.address, timeoutMs });
      // Workloads' one-off commands, once this machine's ports are up: a failing one is reported, the part stays.
      const exec = await runExecs(part.local, new Set(namespacesOf(part.local)), runner);
      return result(prev ? 'rejoined' : 'joined', part, datapath, portsMs, exec, t0);
    });
  } finally {
    nb.close();
  }
}

const result = (action: JoinResult['action'], part: ChassisPart, datapath: JoinResult['datapath'], portsMs: number, exec: ExecOutcome[], t0: number): JoinResult => ({
  lab: part.lab,
  name: part.name,
  action,
  nodes: part.nodes,
  namespaces: namespacesOf(part.local).length,
  ports: part.bindings.length,
  datapath,
  portsMs,
  exec,
  ms: Date.now() - t0,
});

async function untilCentral(connect: OvsdbConnect, remote: string, timeoutMs: number, say?: (m: string) => void): Promise<Ovsdb> {
  const end = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      return await connect(remote, 2_000);
    } catch (e) {
      if (Date.now() > end) throw new ToolError(['ovsdb', remote, 'connect'], 1, `no central answers at ${remote}: ${e instanceof Error ? e.message : String(e)}`, 'run "vnetmap up DESIGN --engine ovn --inventory FILE" on the central machine first, and check that this machine reaches its address.');
      if (!said) say?.(`waiting for the central at ${remote} (is "vnetmap up --inventory" running there?)`);
      said = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

type Rows = { rows: Record<string, unknown>[] }[];

/** This machine's part, from NB_Global's external_ids: waits (bounded) while the central is still writing it. */
async function fetchPart(nb: Ovsdb, o: JoinOptions, remote: string, timeoutMs: number): Promise<ChassisPart> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = (await nb.transact('OVN_Northbound', [{ op: 'select', table: 'NB_Global', where: [], columns: ['external_ids'] }])) as Rows;
    const ids = new Map((r[0]?.rows[0]?.external_ids as ['map', [string, string][]] | undefined)?.[1] ?? []);
    const lab = ids.get(LAB_KEY);
    if (lab !== undefined && lab !== o.lab) throw new UserError(`the central at ${remote} runs lab "${lab}", not "${o.lab}"; give --lab ${lab}, or the address of lab ${o.lab}'s central.`);
    const s = ids.get(`${PART_KEY}${o.name}`);
    if (s !== undefined) {
      const p = decodePart(s);
      if (p.lab !== o.lab || p.name !== o.name) throw new UserError(`the central's part for ${o.name} names lab ${p.lab}, machine ${p.name}; this is a bug in vnetmap, report it.`);
      return p;
    }
    if (lab !== undefined) {
      const known = [...ids.keys()].filter((k) => k.startsWith(PART_KEY)).map((k) => k.slice(PART_KEY.length));
      throw new UserError(`lab ${o.lab}'s inventory has no machine "${o.name}" (it has ${known.join(', ')}); give --name as the inventory names this machine.`);
    }
    if (Date.now() > end) throw new ToolError(['ovsdb', remote, 'select NB_Global'], 1, `the central at ${remote} holds no lab within ${timeoutMs / 1000} s`, 'is "vnetmap up --inventory" running there?');
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** The part's kernel plan as this machine's datapath needs it: the userspace one wants whole checksums from the workloads. */
function localPlan(part: ChassisPart, datapath: 'system' | 'netdev'): Plan {
  return {
    ...part.local,
    objects: part.local.objects.map((x) => {
      if (x.kind !== 'veth' || x.b.namespace !== null) return x;
      const { txOff: _drop, ...a } = x.a;
      return { ...x, a: datapath === 'netdev' ? { ...a, txOff: true } : a };
    }),
  };
}

interface BuildOptions extends JoinOptions {
  datapath: 'system' | 'netdev';
  nbRemote: string;
  centralAddr: string;
  timeoutMs: number;
}

async function build(runner: Runner, nb: Ovsdb, part: ChassisPart, o: BuildOptions): Promise<number> {
  const netdev = o.datapath === 'netdev';
  if (netdev && !o.encapDev)
    throw new UserError(`this kernel has no openvswitch module, so this chassis runs Open vSwitch's userspace datapath, which sends tunnelled frames itself: give --encap-dev DEV, the device holding ${part.encapIp} (its address moves to an OVS bridge, br-phy, until "vnetmap chassis leave"; use a device for the underlay only, not the one you reach this machine by).`);
  const dev = netdev ? await encapDevInfo(runner, o.encapDev!, part.encapIp) : undefined;
  const local = localPlan(part, o.datapath);
  const scope = fullScope(local);
  await preflight(local, scope, runner);
  const L = memberLayout(part.lab);
  const state: MemberState = { lab: part.lab, central: o.nbRemote, part, datapath: o.datapath, ...(netdev ? { encapDev: o.encapDev!, encapCidr: dev!.cidr } : {}), phase: 'building', identities: {}, joinedAt: new Date().toISOString() };
  // Named before any of it exists: a killed join is removed by leave (or the next join).
  writeMember(state);
  try {
    const steps = renderSteps(local, scope);
    await runSteps(steps.filter((s) => s.phase !== 'offload'), runner, { interrupted: `interrupted; this machine's part of lab "${part.lab}" was removed again.` });
    state.identities = nsIdentities(scope.create);
    writeMember(state);
    await txOffAll(runner, steps.filter((s): s is CommandStep => s.phase === 'offload' && !isFile(s)));
    mkdirSync(L.chassis(part.name), { recursive: true });
    const run: ChassisRun = {
      lab: part.lab,
      name: part.name,
      sbRemote: `tcp:${o.centralAddr}:${part.sbPort}`,
      encap: part.encap,
      encapIp: part.encapIp,
      encapPrefix: dev ? Number(dev.cidr.split('/')[1]) : 32,
      datapath: o.datapath,
      ...(dev ? { underlayDev: o.encapDev!, encapMac: dev.mac } : {}),
      underlayMtu: dev?.mtu ?? part.underlayMtu,
      peers: [],
      bindings: part.bindings,
      bridges: machineBridges(part.local.labId),
    };
    const s = chassisSteps(run, L);
    const started = Date.now();
    for (const step of [...s.db, s.vswitchd, ...s.underlay, s.controller]) await runner.run(step.argv, { timeoutMs: 30_000 });
    state.phase = 'done';
    writeMember(state);
    return await waitOwnPorts(nb, part, o.timeoutMs, started, o.onProgress);
  } catch (e) {
    await leaveLocked(part.lab, runner).catch(() => undefined);
    if (e instanceof ToolError) throw new ToolError(e.argv, e.exitCode, e.stderr, `${e.hint ? e.hint + ' ' : ''}this machine's part of lab "${part.lab}" was removed again; fix the cause and join once more.`);
    throw e;
  }
}

/** Until every port of this machine is up in the Northbound (bound here, its flows installed). */
async function waitOwnPorts(nb: Ovsdb, part: ChassisPart, timeoutMs: number, since: number, say?: (m: string) => void): Promise<number> {
  const mine = new Set(part.bindings.map((b) => b.lsp));
  let said = false;
  for (let round = 0; ; round++) {
    const r = (await nb.transact('OVN_Northbound', [{ op: 'select', table: 'Logical_Switch_Port', where: [ownedBy(part.lab), ['type', '==', '']], columns: ['name', 'up'] }])) as Rows;
    const down = r[0]!.rows.filter((x) => mine.has(x.name as string) && x.up !== true).map((x) => x.name as string);
    if (!down.length) return Date.now() - since;
    if (Date.now() - since > timeoutMs)
      throw new ToolError(['ovsdb', 'wait', 'ports'], 1, `${down.length} of this machine's ${mine.size} ports are not up after ${Math.round(timeoutMs / 1000)} s (${down.slice(0, 5).join(', ')}${down.length > 5 ? ', …' : ''})`, `see ${memberLayout(part.lab).chassisFiles(part.name, 'ovn-controller').log}.`);
    if (!said && Date.now() - since > 5_000) {
      say?.(`waiting for ${down.length} port(s) to come up`);
      said = true;
    }
    await new Promise((res) => setTimeout(res, round < 40 ? 10 : 100));
  }
}
