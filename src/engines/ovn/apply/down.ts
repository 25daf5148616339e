// `down` of an OVN lab: its Northbound rows (by marker), its daemons (by pidfile, checked),
// then everything kernel `down` removes — the namespaces of workloads, chassis, underlay and
// central (by identity or marker, with any process still inside them) and the lab's
// directory, where the databases, sockets and logs were. Idempotent, and works after a crash
// (no state: the journal and the run directory say what there was).
import { existsSync, readdirSync } from 'node:fs';
import { destroyLab, type DownOptions, type DownResult } from '../../../apply/destroy.js';
import { withLabLock } from '../../../apply/lock.js';
import { readState } from '../../../apply/state.js';
import { listNamespaces, loAliases } from '../../../apply/discover.js';
import { readJournal } from '../../../apply/journal.js';
import { stopProcessesIn } from '../../../apply/lab-processes.js';
import { labMarker } from '../../../plan/names.js';
import type { Runner } from '../../../exec/runner.js';
import { connectOvsdb, type OvsdbConnect } from '../ovsdb/client.js';
import { deleteOps } from '../render/nb-json.js';
import { daemonPid, labDaemons, stopDaemons } from './daemons.js';
import { layoutOf } from './paths.js';
import { downCentral, inventoryMarker } from './central.js';

export interface OvnDownResult extends DownResult {
  engine: 'ovn';
  /** Daemons that were running and were stopped. */
  daemons: number;
  /** Root Northbound rows removed (logical switches, routers, load balancers). */
  nbRows: number;
}

export function downOvn(lab: string, runner: Runner, opts: DownOptions & { connect?: OvsdbConnect } = {}): Promise<OvnDownResult> {
  return withLabLock(lab, { what: 'down', ...opts }, () => downLocked(lab, runner, opts.connect ?? connectOvsdb));
}

export async function downLocked(lab: string, runner: Runner, connect: OvsdbConnect): Promise<OvnDownResult> {
  const t0 = Date.now();
  const L = layoutOf(lab);
  // An inventory's central: rows and central daemons only; each machine removes its own part.
  if (existsSync(inventoryMarker(lab))) {
    const r = await downCentral(lab, connect);
    return { lab, namespaces: 0, rootLinks: 0, ovsBridges: 0, engine: 'ovn', daemons: r.daemons, nbRows: r.nbRows, ms: Date.now() - t0 };
  }
  const planned = readState(lab)?.ovn?.chassis.map((c) => c.name) ?? [];
  // A run killed before its state was written: the chassis directories it made say which there were.
  const dirs = existsSync(L.root) ? readdirSync(L.root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'central').map((d) => d.name) : [];
  const daemons = labDaemons(L, [...new Set([...planned, ...dirs])]);
  let nbRows = 0;
  if (daemonPid(L.centralFiles('nb')) !== undefined) {
    // Only the lab's rows, by marker: a Northbound shared with others would keep theirs.
    const nb = await connect(`unix:${L.nbSock}`, 2_000).catch(() => undefined);
    const res = (await nb?.transact('OVN_Northbound', deleteOps(lab), 10_000).catch(() => undefined)) as { count?: number }[] | undefined;
    nbRows = res?.reduce((n, r) => n + (r.count ?? 0), 0) ?? 0;
    nb?.close();
  }
  const stopped = (await stopDaemons(daemons.filter((d) => !d.name.startsWith('central/')))) + (await stopDaemons(daemons.filter((d) => d.name.startsWith('central/'))));
  const extra = await unknownChassisNamespaces(lab, runner);
  const kernel = await destroyLab(lab, runner);
  return { ...kernel, namespaces: kernel.namespaces + extra, engine: 'ovn', daemons: stopped, nbRows, ms: Date.now() - t0 };
}

/**
 * Chassis, underlay and central namespaces (`vn-<lab>.<name>`) that neither the state nor a
 * journal names — a lab built by the exported script — carrying the lab's marker: kernel `down`
 * looks only at `vn-<lab>-…` by name, so these go here, with any process still in them.
 */
async function unknownChassisNamespaces(lab: string, runner: Runner): Promise<number> {
  const known = new Set([...(readState(lab)?.plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : [])) ?? []), ...(readJournal(lab)?.namespaces ?? [])]);
  const candidates = (await listNamespaces(runner)).filter((n) => n.startsWith(`vn-${lab}.`) && !known.has(n));
  const aliases = await loAliases(runner, candidates);
  const ours = candidates.filter((_, i) => aliases[i] === labMarker(lab));
  if (!ours.length) return 0;
  await stopProcessesIn(ours);
  await runner.run(['ip', '-force', '-batch', '-'], { input: ours.map((n) => `netns del ${n}\n`).join(''), allowFail: true });
  return ours.length;
}
