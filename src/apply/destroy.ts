// `down`: remove everything a lab owns, found by marker, so it works after a crash and without
// state, and is idempotent. Namespaces go in one `ip -batch` (their veths go with them: the
// fast path MACHINE.md measured); we then wait for the kernel to release the devices.
import { statSync } from 'node:fs';
import { sweepScratch } from '../exec/fan-out.js';
import { netnsFile } from '../exec/netns.js';
import type { Runner } from '../exec/runner.js';
import type { PlanObject } from '../plan/types.js';
import { findOwned, isOurRootLink, loAlias, rootLinks } from './discover.js';
import { readJournal } from './journal.js';
import { stopDaemons } from './daemons.js';
import { stopProcessesIn } from './lab-processes.js';
import { withLabLock, type LockOptions } from './lock.js';
import { removeNamesDir } from './names-dir.js';
import { readState, removeLabDir } from './state.js';

export interface DownResult {
  lab: string;
  namespaces: number;
  rootLinks: number;
  ovsBridges: number;
  ms: number;
}

export interface DownOptions {
  /** false: refuse at once when another run holds the lab (default: wait for it). */
  wait?: boolean;
  onWait?: LockOptions['onWait'];
  signal?: AbortSignal;
}

export function destroyLab(lab: string, runner: Runner, opts: DownOptions = {}): Promise<DownResult> {
  return withLabLock(lab, { what: 'down', ...opts }, () => destroyLocked(lab, runner));
}

async function destroyLocked(lab: string, runner: Runner): Promise<DownResult> {
  const t0 = Date.now();
  // Only an unfinished run's journal names namespaces that may lack the marker; after a
  // finished run every namespace of ours carries it, and a bare one is someone else's.
  const j = readJournal(lab);
  const journal = j && j.phase !== 'done' ? j : undefined;
  const st = readState(lab);
  const planned = st?.plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : [])) ?? [];
  const known = [...new Set([...planned, ...(journal?.namespaces ?? [])])];
  const owned = await findOwned(runner, lab, known, st);
  // A crash between `netns add` and setting the marker leaves namespaces with no lo alias, and
  // one in the middle of `netns add` leaves an empty file where the namespace was to be mounted
  // (every later `up` then found the name taken, and `ip netns list` complained for every user).
  // The journal names both, and preflight proved the names were free before that run.
  const existing = new Set(owned.listed);
  for (const ns of journal?.namespaces ?? []) {
    if (existing.has(ns) && !owned.namespaces.includes(ns) && (!isNamespace(ns) || (await loAlias(runner, ns)) === '')) owned.namespaces.push(ns);
  }
  // The lab's daemons (those in the root namespace too), then whatever else runs in its
  // namespaces: processes left there keep them (and their devices) alive after their names go.
  await stopDaemons([...Object.values(st?.daemons ?? {}), ...Object.values(j?.daemons ?? {})]);
  await stopProcessesIn(owned.namespaces);
  if (owned.ovsBridges.length) {
    await runner.run(['ovs-vsctl', '--timeout=10', ...owned.ovsBridges.flatMap((b) => ['--', '--if-exists', 'del-br', b])]);
  }
  // /etc/netns/NS (our hosts files) goes while ip deletes the namespaces in another process:
  // ~0.2 ms per namespace on this disk, a second for 5,000.
  const deleting = owned.namespaces.length
    ? runner.run(['ip', '-force', '-batch', '-'], { input: owned.namespaces.map((n) => `netns del ${n}\n`).join(''), allowFail: true })
    : Promise.resolve();
  const ours = new Set(owned.namespaces);
  const dirs = [...new Set([...owned.namespaces, ...known])].filter((ns) => !existing.has(ns) || ours.has(ns));
  const seen = new Map<string, boolean>();
  const removed = await Promise.allSettled([deleting, ...dirs.map((ns) => removeNamesDir(lab, ns, seen))]);
  for (const r of removed) if (r.status === 'rejected') throw r.reason;
  sweepScratch();
  // Root links that did not go with a namespace (both ends in the root namespace), plus links
  // the journal names that were created before their alias was set. A finished lab whose plan
  // put nothing in the root namespace has none: skip the scan (it would also wait for the
  // kernel to finish freeing the namespaces, which it does on its own, seconds for thousands).
  if (st && !journal && !st.plan.objects.some(inRootNamespace)) {
    removeLabDir(lab);
    return { lab, namespaces: owned.namespaces.length, rootLinks: 0, ovsBridges: owned.ovsBridges.length, ms: Date.now() - t0 };
  }
  const roots = await rootLinks(runner);
  const stray = roots.filter((l) => isOurRootLink(lab, l) || (journal?.rootLinks.includes(l.name) && !l.alias)).map((l) => l.name);
  if (stray.length) await runner.run(['ip', '-force', '-batch', '-'], { input: stray.map((n) => `link del ${n}\n`).join(''), allowFail: true });
  await waitRootLinksGone(runner, lab);
  removeLabDir(lab);
  return { lab, namespaces: owned.namespaces.length, rootLinks: owned.rootLinks.length, ovsBridges: owned.ovsBridges.length, ms: Date.now() - t0 };
}

/** A mounted namespace, not the empty file `ip netns add` makes first (same file system as our own namespace's nsfs). */
function isNamespace(ns: string): boolean {
  try {
    return statSync(netnsFile(ns)).dev === statSync('/proc/self/ns/net').dev;
  } catch {
    return false;
  }
}

/** Does the object put a device into the root namespace? */
function inRootNamespace(o: PlanObject): boolean {
  if (o.kind === 'veth') return o.a.namespace === null || o.b.namespace === null;
  return (o.kind === 'tap' || o.kind === 'macvlan' || o.kind === 'bridge' || o.kind === 'vlan') && o.namespace === null;
}

/** Namespace deletion frees veths asynchronously (15-40 ms measured); wait, bounded, so names can be reused. */
export async function waitRootLinksGone(runner: Runner, lab: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!(await rootLinks(runner)).some((l) => isOurRootLink(lab, l))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
