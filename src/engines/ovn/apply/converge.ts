// Waiting until the twin works, with a deadline. `ovn-nbctl --wait=hv` waits for every chassis
// the Southbound knows of and hangs forever when one is dead; this waits for the lab's chassis
// only, for each workload port to be up (bound, its flows installed), and when time runs out
// says which chassis and ports are late instead of hanging.
import { ToolError } from '../../../errors.js';
import type { Ovsdb } from '../ovsdb/client.js';
import { bumpOps, ownedBy } from '../render/nb-json.js';

export interface Converged {
  /** ms from `since` (the Northbound commit) until every chassis had applied it. */
  chassisMs: number;
  /** ms from `since` until every workload port was up. */
  portsMs: number;
  /**
   * ms from `since` until every workload port was bound (its Southbound Port_Binding claimed by
   * a chassis), before its flows are installed; where it was measured.
   */
  boundMs?: number;
}

interface Rows {
  rows: Record<string, unknown>[];
}

/** nb_cfg after the bump (the sequence number the chassis must reach). */
export async function bump(nb: Ovsdb): Promise<number> {
  const res = (await nb.transact('OVN_Northbound', bumpOps())) as Rows[];
  const cfg = res[1]?.rows[0]?.nb_cfg;
  if (typeof cfg !== 'number') throw new ToolError(['ovsdb', 'OVN_Northbound', 'select NB_Global'], 1, 'the Northbound database has no NB_Global row');
  return cfg;
}

export interface WaitOptions {
  lab: string;
  chassis: string[];
  /** Workload ports (VIFs) that must come up. */
  ports: number;
  timeoutMs: number;
  /** Epoch ms the times are counted from (default: the start of the wait). */
  since?: number;
  /** Explains a late chassis (e.g. "its ovn-controller is not running"). */
  why?: (chassis: string) => string | undefined;
}

export async function waitConverged(nb: Ovsdb, sb: Ovsdb, target: number, o: WaitOptions): Promise<Converged> {
  const t0 = o.since ?? Date.now();
  let chassisMs: number | undefined;
  let portsMs: number | undefined;
  let boundMs: number | undefined;
  let late: string[] = o.chassis;
  let down = o.ports;
  for (let round = 0; ; round++) {
    if (chassisMs === undefined) {
      const cfg = await chassisConfigs(sb);
      late = o.chassis.filter((c) => (cfg.get(c) ?? -1) < target);
      if (!late.length) chassisMs = Date.now() - t0;
    }
    if (boundMs === undefined) {
      // Northbound copies a port's external_ids (the lab's mark) to its Port_Binding. The name
      // is asked for too: a select of some columns returns equal rows once (4 chassis, 4 rows).
      const res = (await sb.transact('OVN_Southbound', [{ op: 'select', table: 'Port_Binding', where: [ownedBy(o.lab), ['type', '==', '']], columns: ['logical_port', 'chassis'] }])) as Rows[];
      const rows = res[0]!.rows;
      if (rows.length >= o.ports && rows.every((r) => Array.isArray(r.chassis) && r.chassis[0] === 'uuid')) boundMs = Date.now() - t0;
    }
    if (portsMs === undefined) {
      down = await portsNotUp(nb, o.lab);
      if (!down) portsMs = Date.now() - t0;
    }
    if (chassisMs !== undefined && portsMs !== undefined) return { chassisMs, portsMs, ...(boundMs !== undefined ? { boundMs } : {}) };
    if (Date.now() - t0 > o.timeoutMs) {
      const lateText = late.map((c) => `${c}${o.why?.(c) ? ` (${o.why(c)})` : ''}`).join(', ');
      throw new ToolError(
        ['ovsdb', 'wait', `nb_cfg=${target}`],
        1,
        `the twin did not converge within ${(o.timeoutMs / 1000).toFixed(0)} s: ${late.length ? `chassis ${lateText} did not apply the change` : 'every chassis applied the change'}; ${down} workload port(s) not up`,
        'see "vnetmap status LAB" for the chassis and their daemons; "vnetmap up" again restarts what is down.',
      );
    }
    // Fast at first (a small lab converges in tens of milliseconds), then gentler.
    await new Promise((r) => setTimeout(r, round < 40 ? 10 : 50));
  }
}

/** Each registered chassis's nb_cfg: the last Northbound change it has applied. */
export async function chassisConfigs(sb: Ovsdb): Promise<Map<string, number>> {
  const res = (await sb.transact('OVN_Southbound', [{ op: 'select', table: 'Chassis_Private', where: [], columns: ['name', 'nb_cfg'] }])) as Rows[];
  return new Map(res[0]!.rows.map((r) => [r.name as string, r.nb_cfg as number]));
}

/** How many of the lab's workload ports (VIFs) are not up yet. */
export async function portsNotUp(nb: Ovsdb, lab: string): Promise<number> {
  const res = (await nb.transact('OVN_Northbound', [{ op: 'select', table: 'Logical_Switch_Port', where: [ownedBy(lab), ['type', '==', ''], ['up', '!=', true]], columns: ['name'] }])) as Rows[];
  return res[0]!.rows.length;
}

/** Until every chassis of the lab has its row in the Southbound (its ovn-controller connected and registered). */
export async function waitRegistered(sb: Ovsdb, chassis: string[], timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const res = (await sb.transact('OVN_Southbound', [{ op: 'select', table: 'Chassis_Private', where: [], columns: ['name'] }])) as Rows[];
    const have = new Set(res[0]!.rows.map((r) => r.name as string));
    const missing = chassis.filter((c) => !have.has(c));
    if (!missing.length) return;
    if (Date.now() - t0 > timeoutMs) throw new ToolError(['ovsdb', 'wait', 'Chassis_Private'], 1, `chassis ${missing.join(', ')} did not register within ${timeoutMs / 1000} s`, 'see "vnetmap status LAB"');
    await new Promise((r) => setTimeout(r, 10));
  }
}
