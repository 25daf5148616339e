// `up --engine ovn`: build the twin, or repair a running one. Held under the lab's lock like a
// kernel `up` (src/apply/lock.ts); a journal names every namespace before it exists, so a
// killed run is cleaned up by the next `up` or by `down`; a failure removes what was built.
//
// Order (each step waits for the one before unless said):
//  1. the kernel part — namespaces (workloads, chassis, underlay, central), veths, addresses,
//     routes — through the kernel renderer and runner (batched, src/render); as soon as the
//     namespaces exist, the central daemons start beside the rest of it;
//  2. every chassis starts its daemons (chassis side by side), its ports already configured,
//     and registers in the Southbound;
//  3. the Northbound rows, one JSON-RPC transaction (with the change number the chassis report);
//  4. the wait until each chassis applied the transaction and every workload port is up;
//  5. the DHCP clients (busybox udhcpc), now that OVN answers them, and the wait for their leases.
import { existsSync, mkdirSync } from 'node:fs';
import { EnvironmentError, environmentMessage, ToolError, UserError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';
import { runExecs, type ExecOutcome } from '../../../apply/workloads.js';
import { nsIdentities } from '../../../apply/identity.js';
import { readJournal, writeJournal, type Journal } from '../../../apply/journal.js';
import { withLabLock } from '../../../apply/lock.js';
import { preflight } from '../../../apply/preflight.js';
import { runSteps } from '../../../apply/run-steps.js';
import { readState, writeState } from '../../../apply/state.js';
import { renderSteps } from '../../../render/render.js';
import { isFile, isSpawn, type CommandStep, type Step } from '../../../render/steps.js';
import { LEASE_WAIT_MS } from '../../../apply/apply.js';
import { waitForLeases } from '../../../apply/leases.js';
import type { DaemonIdentity } from '../../../apply/state.js';
import { daemonRunning } from '../../../apply/daemons.js';
import { daemonSteps } from '../../../render/daemons.js';
import type { DaemonObj } from '../../../plan/types.js';
import { txOffAll } from './offload.js';
import { fullScope, namespacesOf } from '../../../render/scope.js';
import { connectOvsdb, type Ovsdb, type OvsdbConnect } from '../ovsdb/client.js';
import { centralNamespace } from '../plan/names.js';
import type { OvnPlan } from '../plan/types.js';
import { chassisSteps, centralSteps, chassisConfigArgs, simulatedRun, type DaemonStep } from '../render/daemons.js';
import { insertOps, deleteOps, selectOwnOps } from '../render/nb-json.js';
import { countedRows, COUNTED_TABLES, nbRows } from '../render/nb-rows.js';
import { bump, waitConverged, waitRegistered, type Converged } from './converge.js';
import { daemonPid, labDaemons, stopDaemons } from './daemons.js';
import { downLocked } from './down.js';
import { layoutOf } from './paths.js';
import { ovnPreflight } from './preflight.js';
import { buildCentral, inventoryMarker, waitMachines } from './central.js';
import { partOps } from '../inventory/part.js';

export interface OvnUpOptions {
  designFile: string;
  force?: boolean;
  wait?: boolean;
  onWait?: (message: string) => void;
  signal?: AbortSignal;
  /** How the Northbound and Southbound are reached (tests hand in a fake). */
  connect?: OvsdbConnect;
  /** Deadline for convergence (default: 30 s, plus 10 ms per workload port; with an inventory, 300 s for the machines to join). */
  timeoutMs?: number;
  /** Progress of the wait (an inventory's machines joining). */
  onProgress?: (done: number, total: number, why: string) => void;
}

export interface OvnUpResult {
  lab: string;
  engine: 'ovn';
  action: 'created' | 'updated' | 'repaired' | 'unchanged';
  chassis: number;
  namespaces: number;
  ports: number;
  /** Daemons `up` found dead and started again ("chassis-2/ovn-controller"). */
  restarted: string[];
  ms: number;
  /** Wall time of each stage, in order. */
  phases: { phase: string; ms: number }[];
  /** From the Northbound commit: until every chassis applied it, until every port was up. */
  converged?: Converged;
  /** DHCP clients: how long `up` waited for their leases from OVN, and those that got none. */
  leases?: { clients: number; ms: number; missing: string[] };
  /** The exec: commands this run ran (those of namespaces it built), failures included. */
  exec: ExecOutcome[];
}

export function upOvn(plan: OvnPlan, runner: Runner, opts: OvnUpOptions): Promise<OvnUpResult> {
  const lock = { what: 'up', ...(opts.wait !== undefined ? { wait: opts.wait } : {}), ...(opts.onWait ? { onWait: opts.onWait } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  return withLabLock(plan.lab, lock, () => upLocked(plan, runner, opts));
}

async function upLocked(plan: OvnPlan, runner: Runner, opts: OvnUpOptions): Promise<OvnUpResult> {
  const t0 = Date.now();
  const connect = opts.connect ?? connectOvsdb;
  const j = readJournal(plan.lab);
  if (j && j.phase !== 'done') await downLocked(plan.lab, runner, connect); // a killed run's leftovers
  const prev = readState(plan.lab);
  // An inventory's central writes no journal: a killed `up` left its marker, perhaps its daemons.
  if (!prev && existsSync(inventoryMarker(plan.lab))) await downLocked(plan.lab, runner, connect);
  if (prev && prev.designFile !== opts.designFile && !opts.force)
    throw new UserError(`lab "${plan.lab}" is running, built from ${prev.designFile}; ${opts.designFile} has the same name. Give this one another name (--lab NAME), remove the other ("vnetmap down ${plan.lab}"), or replace it with --force.`);
  if (prev && prev.engine !== 'ovn' && !opts.force)
    throw new UserError(`lab "${plan.lab}" is running on the kernel engine; remove it first ("vnetmap down ${plan.lab}") or replace it with --force.`);
  const result = (action: OvnUpResult['action'], rest: Partial<OvnUpResult>): OvnUpResult => ({
    lab: plan.lab,
    engine: 'ovn',
    action,
    chassis: plan.chassis.length,
    namespaces: namespacesOf(plan.local).length,
    ports: plan.bindings.length,
    restarted: [],
    phases: [],
    exec: [],
    ...rest,
    ms: Date.now() - t0,
  });
  if (prev && prev.engine === 'ovn' && JSON.stringify(prev.ovn) === JSON.stringify(plan)) {
    // An inventory's namespaces are on its machines: each repairs its own by joining again.
    const missing = plan.inventory ? [] : namespacesOf(plan.local).filter((ns) => !nsIdentities([ns])[ns]);
    if (!missing.length) return repair(plan, runner, connect, opts, result);
  }
  if (prev) await downLocked(plan.lab, runner, connect); // another plan (or engine): start over
  if (plan.inventory) return result(prev ? 'updated' : 'created', await buildCentral(plan, runner, { designFile: opts.designFile, connect, timeoutMs: inventoryTimeout(plan, opts), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) }));
  return result(prev ? 'updated' : 'created', await build(plan, runner, connect, opts));
}

async function build(plan: OvnPlan, runner: Runner, connect: OvsdbConnect, opts: OvnUpOptions): Promise<Partial<OvnUpResult>> {
  const L = layoutOf(plan.lab);
  const scope = fullScope(plan.local);
  await preflight(plan.local, scope, runner);
  await ovnPreflight(plan, runner);
  const journal: Journal = { lab: plan.lab, pid: process.pid, phase: 'netns', namespaces: [...scope.create], rootLinks: [], startedAt: new Date().toISOString(), designFile: opts.designFile };
  const phases: { phase: string; ms: number }[] = [];
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      phases.push({ phase, ms: Date.now() - t });
    }
  };
  const identities: Record<string, string> = {};
  let nb: Ovsdb | undefined;
  let sb: Ovsdb | undefined;
  try {
    writeJournal(journal);
    mkdirSync(L.central, { recursive: true });
    for (const c of plan.chassis) mkdirSync(L.chassis(c.name), { recursive: true });
    let central: Promise<void> | undefined;
    const all = renderSteps(plan.local, scope);
    // DHCP clients start once OVN answers them (step 5): before, each would wait out its retries.
    const clients = all.filter((s) => isSpawn(s) && s.late);
    const steps = all.filter((s) => !clients.includes(s));
    const offload = steps.filter((s): s is CommandStep => s.phase === 'offload' && !isFile(s));
    const daemons: Record<string, DaemonIdentity> = {};
    const onSpawn = (started: Record<string, DaemonIdentity>) => {
      Object.assign(daemons, started);
      writeJournal({ ...journal, daemons: (journal.daemons = { ...daemons }) });
    };
    await timed('local', () =>
      runSteps(steps.filter((s) => s.phase !== 'offload'), runner, {
        onSpawn,
        ...(opts.signal ? { signal: opts.signal } : {}),
        interrupted: `interrupted; lab "${plan.lab}" was removed again.`,
        onPhase: (phase, previous) => {
          if (previous === 'netns') {
            Object.assign(identities, (journal.identities = nsIdentities(scope.create)));
            // The central namespace exists now: its daemons start beside the rest of the kernel part.
            central ??= timed('central', () => runInOrder(runner, centralSteps(L, centralNamespace(plan.lab))));
            central.catch(() => undefined);
          }
          writeJournal({ ...journal, phase });
        },
      }),
    );
    await timed('offload', () => txOffAll(runner, offload));
    await (central ??= timed('central', () => runInOrder(runner, centralSteps(L, centralNamespace(plan.lab)))));
    nb = await connect(`unix:${L.nbSock}`);
    sb = await connect(`unix:${L.sbSock}`);
    const rows = nbRows(plan);
    const commit = () =>
      timed('nb', async () => {
        await nb!.transact('OVN_Northbound', insertOps(rows));
        return bump(nb!);
      });
    // The chassis first, the Northbound rows when they are all there: each ovn-controller then
    // takes the logical network in as changes to an almost empty one, instead of recomputing
    // it whole as each other chassis and each of its own ports appears (1,000 hosts over 4
    // chassis: Northbound commit to every port up 7.5 s against 11.7 s, same machine, same hour).
    await timed('chassis', () => Promise.all(plan.chassis.map((c) => startChassis(plan, runner, c.name, 'fresh'))));
    await timed('registered', () => waitRegistered(sb!, plan.chassis.map((c) => c.name), 30_000));
    const target = await commit();
    const committed = Date.now();
    const converged = await timed('converge', () => waitConverged(nb!, sb!, target, { ...waitOptions(plan, opts), since: committed }));
    const leases = clients.length ? await timed('dhcp', () => startClients(plan, runner, clients, onSpawn)) : undefined;
    writeState({ lab: plan.lab, designFile: opts.designFile, strategy: plan.local.strategy, plan: plan.local, appliedAt: new Date().toISOString(), identities, engine: 'ovn', ovn: plan, ...(Object.keys(daemons).length ? { daemons } : {}) });
    writeJournal({ ...journal, phase: 'done' });
    nb.close();
    sb.close();
    nb = sb = undefined;
    // Workloads' one-off commands, once every port is up (and leased): a failing one is reported, the lab stays.
    const exec = await timed('exec', () => runExecs(plan.local, scope.create, runner));
    return { phases, converged, exec, ...(leases ? { leases } : {}) };
  } catch (e) {
    nb?.close();
    sb?.close();
    nb = sb = undefined;
    await downLocked(plan.lab, runner, connect).catch(() => undefined);
    if (e instanceof ToolError) throw new ToolError(e.argv, e.exitCode, e.stderr, `${e.hint ? e.hint + ' ' : ''}lab "${plan.lab}" was removed again; fix the cause and run "vnetmap up" once more.`);
    const env = environmentMessage(e);
    if (env) throw new EnvironmentError(`${env}; lab "${plan.lab}" was removed again.`);
    throw e;
  } finally {
    nb?.close();
    sb?.close();
  }
}

const inventoryTimeout = (plan: OvnPlan, opts: OvnUpOptions): number => opts.timeoutMs ?? 300_000 + 10 * plan.bindings.length;

const waitOptions = (plan: OvnPlan, opts: OvnUpOptions) => {
  const L = layoutOf(plan.lab);
  return {
    lab: plan.lab,
    chassis: plan.chassis.map((c) => c.name),
    ports: plan.bindings.length,
    timeoutMs: opts.timeoutMs ?? 30_000 + 10 * plan.bindings.length,
    why: (c: string) => {
      const dead = (['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'] as const).filter((d) => daemonPid(L.chassisFiles(c, d)) === undefined);
      return dead.length ? `${dead.join(', ')} not running` : undefined;
    },
  };
};

async function runInOrder(runner: Runner, steps: DaemonStep[]): Promise<void> {
  for (const s of steps) await runner.run(s.argv, { timeoutMs: 30_000 });
}

/**
 * Start a chassis's daemons in order. Fresh: from a new database. Repair: only those not
 * `running`, on the database they keep; the configuration is applied again either way
 * (idempotent: ports deleted behind our back come back).
 */
async function startChassis(plan: OvnPlan, runner: Runner, name: string, mode: 'fresh' | { running: Set<string> }): Promise<string[]> {
  const L = layoutOf(plan.lab);
  const c = plan.chassis.find((x) => x.name === name)!;
  const r = simulatedRun(plan, L, c);
  const s = chassisSteps(r, L);
  const running = mode === 'fresh' ? new Set<string>() : new Set(mode.running);
  const started: string[] = [];
  // Daemons whose ovsdb-server or ovs-vswitchd died reconnect with a back-off of up to 8 s, and
  // an ovn-controller cut off from its switch meanwhile reported changes applied that were not
  // (measured: "every port up 3 ms after the commit", pings failing for 8 s). So the chassis
  // starts afresh on its database: what still runs is stopped first.
  if (mode !== 'fresh' && (!running.has('ovsdb-server') || !running.has('ovs-vswitchd')) && running.size) {
    await stopDaemons(labDaemons(L, [name]).filter((d) => d.name.startsWith(`${name}/`) && d.pid !== undefined));
    running.clear();
  }
  if (!running.has('ovsdb-server')) {
    await runInOrder(runner, mode === 'fresh' ? s.db.slice(0, 2) : s.db.slice(1, 2));
    started.push(`${name}/ovsdb-server`);
  }
  await runner.run(chassisConfigArgs(r, L), { timeoutMs: 30_000 });
  if (!running.has('ovs-vswitchd')) {
    await runInOrder(runner, [s.vswitchd]);
    started.push(`${name}/ovs-vswitchd`);
  }
  // The userspace datapath's tunnel device is ovs-vswitchd's own TAP: a new daemon made a new one.
  await runInOrder(runner, s.underlay);
  if (!running.has('ovn-controller')) {
    await runInOrder(runner, [s.controller]);
    started.push(`${name}/ovn-controller`);
  }
  return started;
}

/** Start the DHCP clients and wait for their leases: how long from the first start to the last lease, and who has none. */
async function startClients(plan: OvnPlan, runner: Runner, steps: Step[], onSpawn: (started: Record<string, DaemonIdentity>) => void): Promise<NonNullable<OvnUpResult['leases']>> {
  const t = Date.now();
  await runSteps(steps, runner, { onSpawn });
  const names = new Set(steps.flatMap((s) => (isSpawn(s) ? [s.spawn.name] : [])));
  const r = await waitForLeases({ ...plan.local, objects: plan.local.objects.filter((o) => o.kind === 'daemon' && names.has(o.name)) }, LEASE_WAIT_MS);
  return { ...r, ms: Date.now() - t };
}

/**
 * The kernel part's daemons (a DNS server's dnsmasq, the DHCP clients) that are no longer the
 * processes `up` started: started again, servers before clients, and the clients' leases waited for.
 */
async function restartLocalDaemons(plan: OvnPlan, runner: Runner): Promise<{ restarted: string[]; leases?: OvnUpResult['leases'] }> {
  const st = readState(plan.lab);
  // An inventory's daemons run on its machines: each starts its own (`vnetmap chassis join` again).
  if (!st || plan.inventory) return { restarted: [] };
  const dead = plan.local.objects.filter((o): o is DaemonObj => o.kind === 'daemon' && !daemonRunning(st.daemons?.[o.name], o.namespace));
  if (!dead.length) return { restarted: [] };
  const daemons = { ...st.daemons };
  const steps = daemonSteps(plan.local, dead);
  const onSpawn = (started: Record<string, DaemonIdentity>) => void Object.assign(daemons, started);
  // Servers first, then the clients, which lease once they run.
  await runSteps(steps.filter((s) => !(isSpawn(s) && s.late)), runner, { onSpawn });
  const clients = steps.filter((s) => isSpawn(s) && s.late);
  const leases = clients.length ? await startClients(plan, runner, clients, onSpawn) : undefined;
  writeState({ ...st, daemons });
  return { restarted: dead.map((d) => `daemon ${d.name}`), ...(leases ? { leases } : {}) };
}

/** A running lab with an unchanged plan: start what died, put back missing rows, wait until it works. */
async function repair(plan: OvnPlan, runner: Runner, connect: OvsdbConnect, opts: OvnUpOptions, result: (a: OvnUpResult['action'], r: Partial<OvnUpResult>) => OvnUpResult): Promise<OvnUpResult> {
  const L = layoutOf(plan.lab);
  const daemons = labDaemons(L, plan.chassis.map((c) => c.name));
  const up = new Set(daemons.filter((d) => d.pid !== undefined).map((d) => d.name));
  const restarted: string[] = [];
  const central = plan.inventory ? centralSteps(L, null, plan.inventory.central) : centralSteps(L, centralNamespace(plan.lab));
  // Databases keep their files: a dead server starts again on them (skip `ovsdb-tool create`).
  for (const [k, d] of [[2, 'central/nb'], [4, 'central/sb'], [5, 'central/northd']] as const)
    if (!up.has(d)) {
      await runInOrder(runner, [central[k]!]);
      restarted.push(d);
    }
  for (const c of plan.chassis) {
    if (c.machine) continue; // a machine restarts its own daemons (`vnetmap chassis join` again)
    const running = new Set((['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'] as const).filter((d) => up.has(`${c.name}/${d}`)));
    if (running.size === 3) continue;
    restarted.push(...(await startChassis(plan, runner, c.name, { running })));
  }
  const nb = await connect(`unix:${L.nbSock}`);
  const sb = await connect(`unix:${L.sbSock}`);
  try {
    // Root rows of the lab and its ACLs (a firewall's rule is one of them): as many as planned, or written again whole.
    const res = (await nb.transact('OVN_Northbound', selectOwnOps(plan.lab, COUNTED_TABLES))) as { rows: unknown[] }[];
    const have = res.reduce((n, r) => n + r.rows.length, 0);
    const want = countedRows(plan);
    let rowsFixed = false;
    if (have !== want) {
      await nb.transact('OVN_Northbound', [...deleteOps(plan.lab), ...insertOps(nbRows(plan)), ...(plan.inventory ? partOps(plan) : [])]);
      rowsFixed = true;
    }
    const since = Date.now();
    const target = await bump(nb);
    const converged = plan.inventory
      ? await waitMachines(nb, sb, target, plan, { timeoutMs: inventoryTimeout(plan, opts), since, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) })
      : await waitConverged(nb, sb, target, { ...waitOptions(plan, opts), since });
    const local = await restartLocalDaemons(plan, runner);
    const action = restarted.length || rowsFixed || local.restarted.length ? 'repaired' : 'unchanged';
    return result(action, { restarted: [...restarted, ...(rowsFixed ? ['northbound rows'] : []), ...local.restarted], converged, ...(local.leases ? { leases: local.leases } : {}) });
  } finally {
    nb.close();
    sb.close();
  }
}
