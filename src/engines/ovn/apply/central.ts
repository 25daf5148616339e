// `up` and `down` of an inventory lab on the machine that runs them: the central part only.
// The machines build their own part (`vnetmap chassis join`, chassis/join.ts); here:
//  1. the Northbound, Southbound and ovn-northd under the lab's run directory, in this
//     machine's own namespace, listening on the inventory's central address over TCP (and on
//     unix sockets for vnetmap itself);
//  2. one Northbound transaction: the logical rows and every machine's part (inventory/part.ts),
//     and NB_Global's nb_cfg bumped;
//  3. the wait, bounded, saying as it goes which machines have joined and which not (with the
//     command to run there), until every machine applied the change and every port is up.
// A machine that does not join in time is named, and the central stays up: join it and run
// `up` again to wait, or `down`. `down` here removes the rows and the central daemons only —
// each machine removes its own part (`vnetmap chassis leave`), so nothing here looks for
// namespaces by name (a machine that is also a chassis keeps its part until it leaves).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';
import { labDir, writeState } from '../../../apply/state.js';
import type { Ovsdb, OvsdbConnect } from '../ovsdb/client.js';
import { partOps } from '../inventory/part.js';
import type { OvnPlan } from '../plan/types.js';
import { centralSteps } from '../render/daemons.js';
import { deleteOps, insertOps } from '../render/nb-json.js';
import { nbRows } from '../render/nb-rows.js';
import { bump, chassisConfigs, portsNotUp, type Converged } from './converge.js';
import { labDaemons, stopDaemons } from './daemons.js';
import { layoutOf } from './paths.js';
import { joinCommand } from './status.js';
import { ovnPreflight } from './preflight.js';

/** Written before anything else: this lab's central serves an inventory (down must not look for namespaces). */
export const inventoryMarker = (lab: string): string => join(layoutOf(lab).root, 'inventory.json');

export interface CentralOptions {
  designFile: string;
  connect: OvsdbConnect;
  timeoutMs: number;
  onProgress?: (done: number, total: number, why: string) => void;
}

export async function buildCentral(plan: OvnPlan, runner: Runner, o: CentralOptions): Promise<{ phases: { phase: string; ms: number }[]; converged: Converged }> {
  const L = layoutOf(plan.lab);
  const inv = plan.inventory!;
  const phases: { phase: string; ms: number }[] = [];
  await ovnPreflight(plan, runner);
  let nb: Ovsdb | undefined;
  let sb: Ovsdb | undefined;
  let target: number;
  let committed: number;
  try {
    mkdirSync(L.central, { recursive: true });
    writeFileSync(inventoryMarker(plan.lab), JSON.stringify({ file: inv.file, central: inv.central }) + '\n');
    let t = Date.now();
    for (const s of centralSteps(L, null, inv.central)) await runner.run(s.argv, { timeoutMs: 30_000 });
    // ovsdb-server logs a TCP remote it cannot open and goes on: the machines would never reach it.
    for (const port of [inv.central.nbPort, inv.central.sbPort]) await listening(o.connect, `tcp:${inv.central.address}:${port}`);
    phases.push({ phase: 'central', ms: Date.now() - t });
    nb = await o.connect(`unix:${L.nbSock}`);
    sb = await o.connect(`unix:${L.sbSock}`);
    t = Date.now();
    await nb.transact('OVN_Northbound', [...insertOps(nbRows(plan)), ...partOps(plan)]);
    target = await bump(nb);
    committed = Date.now();
    phases.push({ phase: 'nb', ms: committed - t });
    // The lab is up from here (its central runs): state first, so `status`, `down` and another `up` know it.
    writeState({ lab: plan.lab, designFile: o.designFile, strategy: plan.local.strategy, plan: plan.local, appliedAt: new Date().toISOString(), identities: {}, engine: 'ovn', ovn: plan });
  } catch (e) {
    nb?.close();
    sb?.close();
    await downCentral(plan.lab, o.connect).catch(() => undefined);
    if (e instanceof ToolError) throw new ToolError(e.argv, e.exitCode, e.stderr, `${e.hint ? e.hint + ' ' : ''}the central of lab "${plan.lab}" was removed again (is ${inv.central.address} an address of this machine, and ports ${inv.central.nbPort} and ${inv.central.sbPort} free?).`);
    throw e;
  }
  try {
    const converged = await waitMachines(nb, sb!, target, plan, { ...o, since: committed });
    phases.push({ phase: 'converge', ms: Date.now() - committed });
    return { phases, converged };
  } finally {
    nb.close();
    sb.close();
  }
}

/**
 * Until every machine has joined, applied Northbound change `target`, and every workload port is
 * up; progress each time a machine joins or catches up, and every 10 s. Times out naming the
 * machines that have not joined (and the command to run there) or are behind.
 */
export async function waitMachines(nb: Ovsdb, sb: Ovsdb, target: number, plan: OvnPlan, o: { timeoutMs: number; since?: number; onProgress?: CentralOptions['onProgress'] }): Promise<Converged> {
  const t0 = o.since ?? Date.now();
  const names = plan.chassis.map((c) => c.name);
  let said = '';
  let saidAt = 0;
  let chassisMs: number | undefined;
  for (let round = 0; ; round++) {
    const cfg = await chassisConfigs(sb);
    const missing = names.filter((n) => !cfg.has(n));
    const behind = names.filter((n) => cfg.has(n) && cfg.get(n)! < target);
    if (!missing.length && !behind.length) chassisMs ??= Date.now() - t0;
    const down = await portsNotUp(nb, plan.lab);
    if (chassisMs !== undefined && !down) return { chassisMs, portsMs: Date.now() - t0 };
    const why = missing.length
      ? `waiting for ${missing.join(', ')} to join (${names.length - missing.length} of ${names.length} joined); ${missing.length === 1 ? 'on it' : 'on each'}, run: ${joinCommand(plan, missing.length === 1 ? missing[0]! : 'NAME')}`
      : behind.length
        ? `every machine joined; waiting for ${behind.join(', ')} to apply the logical network`
        : `every machine joined; waiting for ${down} port(s) to come up`;
    if (o.onProgress && (why !== said || Date.now() - saidAt > 10_000)) {
      o.onProgress(names.length - missing.length, names.length, why);
      said = why;
      saidAt = Date.now();
    }
    if (Date.now() - t0 > o.timeoutMs) {
      const what = missing.length ? `machine(s) ${missing.join(', ')} did not join` : behind.length ? `machine(s) ${behind.join(', ')} did not apply the change` : `${down} workload port(s) are not up`;
      throw new ToolError(
        ['ovsdb', 'wait', 'machines'],
        1,
        `lab ${plan.lab}: ${what} within ${Math.round(o.timeoutMs / 1000)} s`,
        `the central keeps running: ${missing.length ? `run "${joinCommand(plan, missing[0]!)}"${missing.length > 1 ? ' (and likewise on the others)' : ''}, then ` : ''}"vnetmap up" again waits once more; "vnetmap status ${plan.lab}" shows each machine, "vnetmap down ${plan.lab}" removes the central.`,
      );
    }
    await new Promise((res) => setTimeout(res, round < 40 ? 10 : 100));
  }
}

/** Down of an inventory lab's central: its rows, its daemons, its files; the lab's directory when nothing else is in it. */
export async function downCentral(lab: string, connect: OvsdbConnect): Promise<{ daemons: number; nbRows: number }> {
  const L = layoutOf(lab);
  let nbRows = 0;
  const daemons = labDaemons(L, []);
  if (daemons.find((d) => d.name === 'central/nb')?.pid !== undefined) {
    const nb = await connect(`unix:${L.nbSock}`, 2_000).catch(() => undefined);
    const res = (await nb?.transact('OVN_Northbound', deleteOps(lab), 10_000).catch(() => undefined)) as { count?: number }[] | undefined;
    nbRows = res?.reduce((n, r) => n + (r.count ?? 0), 0) ?? 0;
    nb?.close();
  }
  const stopped = await stopDaemons(daemons);
  rmSync(L.root, { recursive: true, force: true });
  const dir = labDir(lab);
  for (const f of ['state.json', 'journal.json']) rmSync(join(dir, f), { force: true });
  if (existsSync(dir) && !readdirSync(dir).length) rmSync(dir, { recursive: true, force: true });
  return { daemons: stopped, nbRows };
}

async function listening(connect: OvsdbConnect, remote: string, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const c = await connect(remote, 1_000).catch((e: unknown) => e as Error);
    if (!(c instanceof Error)) return c.close();
    if (Date.now() > end) throw new ToolError(['ovsdb-server', `--remote=p${remote}`], 1, `the central does not listen on ${remote.slice(4)}: ${c.message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
