// `up`: realise a plan. Fresh labs are built whole; a running lab with an unchanged plan is
// left alone; a changed plan rebuilds only the namespaces whose objects changed (diff.ts).
// A journal is written before each phase so `down` can clean up after a crash; a failure
// removes what this run created and reports the failing command.
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ToolError, UserError } from '../errors.js';
import { runAll, type Runner } from '../exec/runner.js';
import type { Plan } from '../plan/types.js';
import { renderSteps } from '../render/render.js';
import { fullScope, namespacesOf, type Scope } from '../render/scope.js';
import { ipIn, isFile, type CommandStep, type FileStep, type Phase, type Step } from '../render/steps.js';
import { destroyLab, removeNamesDir } from './destroy.js';
import { rebuildScope, samePlan } from './diff.js';
import { findOwned, ownedOvsBridges } from './discover.js';
import { nsIdentities } from './identity.js';
import { readJournal, writeJournal, type Journal } from './journal.js';
import { preflight } from './preflight.js';
import { readState, writeState } from './state.js';
import { pushTo } from '../collections.js';

export interface UpOptions {
  designFile: string;
  /** Called before each step: how many are done, how many in all, what comes next. */
  onProgress?: (done: number, total: number, why: string) => void;
  /** Stop between steps (Ctrl-C): what was built is removed again, like after a failure. */
  signal?: AbortSignal;
}

export interface UpResult {
  lab: string;
  action: 'created' | 'updated' | 'unchanged';
  namespaces: number;
  /** Namespaces (re)built by this run. */
  rebuilt: string[];
  commands: number;
  ms: number;
  /** Wall time of each phase that ran, in order (preflight and state writes are in `ms` only; hosts files are written during config, and their time is also within config's). */
  phases: { phase: Phase; steps: number; ms: number }[];
}

export async function applyPlan(plan: Plan, runner: Runner, opts: UpOptions): Promise<UpResult> {
  const t0 = Date.now();
  await recoverFromCrash(plan.lab, runner);
  const prev = readState(plan.lab);
  const total = plan.objects.filter((o) => o.kind === 'netns').length;
  // A lab whose state survived but whose objects did not (deleted by hand, by the script's
  // down, ...) gets the missing pieces rebuilt rather than a false "up to date".
  const owned = prev ? await findOwned(runner, plan.lab, namespacesOf(prev.plan), prev) : undefined;
  const broken = prev ? namespacesOf(prev.plan).filter((n) => !owned!.namespaces.includes(n)) : [];
  const ovsLost = prev ? prev.plan.objects.some((o) => o.kind === 'ovs-bridge' && !owned!.ovsBridges.includes(o.name)) : false;
  if (prev && samePlan(prev.plan, plan) && !broken.length && !ovsLost) return { lab: plan.lab, action: 'unchanged', namespaces: total, rebuilt: [], commands: 0, ms: Date.now() - t0, phases: [] };
  const inc = prev && !ovsLost ? rebuildScope(prev.plan, plan, broken) : undefined;
  if (prev && !inc) await destroyLab(plan.lab, runner); // host-level objects changed: start over
  const scope: Scope = inc?.scope ?? fullScope(plan);
  if (inc) await removeForRebuild(plan, prev!.plan, inc.remove, scope, runner);
  await preflight(plan, scope, runner);
  const journal: Journal = {
    lab: plan.lab,
    pid: process.pid,
    phase: 'netns',
    namespaces: [...scope.create],
    rootLinks: [
      ...scope.links.flatMap((l) => (l.kind === 'veth' ? [l.a, l.b].filter((e) => e.namespace === null).map((e) => e.name) : l.namespace === null ? [l.name] : [])),
      ...(scope.rootDevices ? plan.objects.flatMap((o) => (o.kind === 'tap' && o.namespace === null ? [o.name] : [])) : []),
    ],
    startedAt: new Date().toISOString(),
  };
  // Kept namespaces keep the identity recorded when they were created.
  const identities: Record<string, string> = Object.fromEntries(Object.entries(prev?.identities ?? {}).filter(([ns]) => !scope.create.has(ns)));
  const steps = renderSteps(plan, scope);
  let phase: Phase | undefined;
  let done = 0;
  const phases: UpResult['phases'] = [];
  try {
    writeJournal(journal);
    // The hosts files (/etc/netns/NS/hosts) depend on nothing in the kernel: they are written
    // while the per-namespace configuration runs in other processes (a tenth of a second for a
    // thousand namespaces), or last when there is none.
    const files = steps.filter(isFile);
    const groups = phaseGroups(steps.filter((s) => !isFile(s)));
    const alongside = files.length > 0 && groups.some((g) => g[0]!.phase === 'config') ? 'config' : undefined;
    if (files.length && !alongside) groups.push(files);
    for (const group of groups) {
      // From the first phase after `netns add` on, the journal proves which namespaces are ours.
      if (phase === 'netns') Object.assign(identities, (journal.identities = nsIdentities(scope.create)));
      writeJournal({ ...journal, phase: (phase = group[0]!.phase) });
      const run = async (s: Step): Promise<void> => {
        if (opts.signal?.aborted) throw new UserError(`interrupted; lab "${plan.lab}" was removed again.`);
        opts.onProgress?.(done, steps.length, s.why);
        await runStep(s, runner);
        done++;
      };
      const t = Date.now();
      if (PARALLEL.has(phase)) {
        if (opts.signal?.aborted) throw new UserError(`interrupted; lab "${plan.lab}" was removed again.`);
        opts.onProgress?.(done, steps.length, group.length > 1 ? `${group.length} steps: ${group[0]!.why} ...` : group[0]!.why);
        const running = runAll(runner, group.filter((s): s is CommandStep => !isFile(s)), PARALLELISM);
        const filesMs = phase === alongside ? await writeWhile(files, running) : undefined;
        await running;
        done += group.length + (filesMs !== undefined ? files.length : 0);
        phases.push({ phase, steps: group.length, ms: Date.now() - t });
        if (filesMs !== undefined) phases.push({ phase: 'hosts', steps: files.length, ms: filesMs });
        continue;
      }
      for (const s of group) await run(s);
      phases.push({ phase, steps: group.length, ms: Date.now() - t });
    }
  } catch (e) {
    // Everything of a fresh lab was created by this run; an incremental run already removed
    // the namespaces it rebuilds, so removing the lab is the only state we know to be clean.
    await destroyLab(plan.lab, runner).catch(() => undefined);
    if (e instanceof ToolError) {
      const hint = `${e.hint ? e.hint + ' ' : ''}lab "${plan.lab}" was removed again; fix the cause and run "vnetmap up" once more.`;
      throw new ToolError(e.argv, e.exitCode, e.stderr, hint);
    }
    throw e;
  }
  if (phase === 'netns') Object.assign(identities, nsIdentities(scope.create));
  writeState({ lab: plan.lab, designFile: opts.designFile, strategy: plan.strategy, plan, appliedAt: new Date().toISOString(), identities });
  writeJournal({ ...journal, phase: 'done' });
  opts.onProgress?.(steps.length, steps.length, 'done');
  return { lab: plan.lab, action: prev ? 'updated' : 'created', namespaces: total, rebuilt: [...scope.create].sort(), commands: steps.length, ms: Date.now() - t0, phases };
}

/**
 * Phases whose commands touch one namespace each and do not depend on each other: run several
 * at once, through the runner's fan-out (starting processes dominates their cost). Macvlan
 * batches move children between namespaces and OVS transactions share one database, so those
 * stay in order.
 */
const PARALLEL = new Set<Phase | undefined>(['netns', 'devices', 'links', 'vlans', 'config', 'bridge-vlans', 'offload', 'sysctl', 'nft']);
const PARALLELISM = 4;

function phaseGroups(steps: Step[]): Step[][] {
  const groups: Step[][] = [];
  for (const s of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.phase === s.phase) last.push(s);
    else groups.push([s]);
  }
  return groups;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * An unfinished journal: another `up` is running (refuse), or one died mid-way (remove what it
 * left, by marker and journal, so this run starts clean).
 */
async function recoverFromCrash(lab: string, runner: Runner): Promise<void> {
  const j = readJournal(lab);
  if (!j || j.phase === 'done') return;
  if (j.pid !== process.pid && alive(j.pid)) throw new UserError(`another "vnetmap up" (pid ${j.pid}) is building lab "${lab}"; wait for it, or stop it and run "vnetmap down ${lab}".`);
  await destroyLab(lab, runner);
}

/** Write `files` while `running` goes on (it is awaited before a write error is let through); the ms spent writing. */
async function writeWhile(files: FileStep[], running: Promise<void>): Promise<number> {
  const t = Date.now();
  try {
    for (const f of files) runFile(f);
  } catch (e) {
    await running.catch(() => undefined);
    throw e;
  }
  return Date.now() - t;
}

/** Write beside, then rename over: a file that was a hard link of another is replaced, not rewritten through the link. */
function runFile(s: FileStep): void {
  mkdirSync(dirname(s.path), { recursive: true });
  const tmp = `${s.path}.vnetmap-${process.pid}`;
  rmSync(tmp, { force: true });
  if (typeof s.content === 'string') writeFileSync(tmp, s.content);
  else linkSync(s.content.sameAs, tmp);
  renameSync(tmp, s.path);
}

async function runStep(s: Step, runner: Runner): Promise<void> {
  if (isFile(s)) runFile(s);
  else await runner.run(s.argv, s.input !== undefined ? { input: s.input } : {});
}

/** Delete the namespaces being rebuilt or dropped, and OVS objects the new plan no longer has. */
async function removeForRebuild(next: Plan, prev: Plan, remove: string[], scope: Scope, runner: Runner): Promise<void> {
  const ports = new Set(next.objects.flatMap((o) => (o.kind === 'ovs-port' ? [o.name] : [])));
  const gonePorts = prev.objects.flatMap((o) => (o.kind === 'ovs-port' && !ports.has(o.name) ? [['--', '--if-exists', 'del-port', o.bridge, o.name]] : []));
  const bridges = new Set(next.objects.flatMap((o) => (o.kind === 'ovs-bridge' ? [o.name] : [])));
  const goneBridges = (await ownedOvsBridges(runner, next.lab)).filter((b) => !bridges.has(b)).map((b) => ['--', '--if-exists', 'del-br', b]);
  if (gonePorts.length || goneBridges.length) await runner.run(['ovs-vsctl', '--timeout=10', ...gonePorts.flat(), ...goneBridges.flat()]);
  // Only namespaces carrying our marker: an unmarked one with a planned name is the user's, and
  // preflight will refuse it by name.
  const mine = (await findOwned(runner, next.lab, remove)).namespaces.filter((n) => remove.includes(n));
  if (mine.length) await runner.run(['ip', '-force', '-batch', '-'], { input: mine.map((n) => `netns del ${n}\n`).join('') });
  const kept = new Set(namespacesOf(next));
  await Promise.all(remove.filter((ns) => !kept.has(ns)).map(removeNamesDir));
  // Devices of kept namespaces that were peers of deleted ones vanish asynchronously; their
  // names are about to be reused.
  const waits = new Map<string | null, string[]>();
  for (const l of scope.links) {
    const ends = l.kind === 'veth' ? [l.a, l.b] : [{ namespace: l.namespace, name: l.name }];
    for (const e of ends) if (e.namespace === null || !scope.create.has(e.namespace)) pushTo(waits, e.namespace, e.name);
  }
  const end = Date.now() + 5000;
  for (const [ns, names] of waits) {
    while (Date.now() < end) {
      const argv = ipIn(ns, '-j', 'link', 'show');
      const have = JSON.parse((await runner.run(argv)).stdout || '[]') as { ifname: string }[];
      if (!have.some((d) => names.includes(d.ifname))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
