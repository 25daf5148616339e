// `up`: realise a plan. Fresh labs are built whole; a running lab with an unchanged plan is
// checked against it and only what drifted is repaired (reconcile.ts); a changed plan rebuilds
// only the namespaces whose objects changed (diff.ts). The lab's lock is held throughout
// (lock.ts); a journal is written before each phase so `down` can clean up after a crash; a
// failure removes what this run created and reports the failing command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, environmentMessage, ToolError, UserError } from '../errors.js';
import { labRunDir } from '../paths.js';
import type { Runner } from '../exec/runner.js';
import type { Plan } from '../plan/types.js';
import { renderSteps } from '../render/render.js';
import { fullScope, namespacesOf, type Scope } from '../render/scope.js';
import { destroyLab } from './destroy.js';
import { rebuildScope, samePlan } from './diff.js';
import type { Drift } from './drift.js';
import { stopDaemons } from './daemons.js';
import { nsIdentities } from './identity.js';
import { clientDaemons, waitForLeases } from './leases.js';
import { readJournal, writeJournal, type Journal } from './journal.js';
import { withLabLock } from './lock.js';
import { nftListings } from './observe-lab.js';
import { preflight } from './preflight.js';
import { removeForRebuild } from './rebuild.js';
import { currentDrift, reconcile } from './reconcile.js';
import { runSteps, type PhaseTime } from './run-steps.js';
import { readState, writeState, type DaemonIdentity, type LabState } from './state.js';
import type { Phase } from '../render/steps.js';
import { runExecs, type ExecOutcome } from './workloads.js';

export interface UpOptions {
  /** The file the design was read from: `vnetmap verify` and `up` read it again. */
  designFile?: string;
  /**
   * A design without a file (the object or YAML text given to loadDesign): `up` keeps a copy as
   * the lab's design.yaml under its run directory, so the CLI can verify the lab later.
   */
  design?: string | object;
  /** Replace a lab of the same name that was built from another design file (refused otherwise). */
  force?: boolean;
  /** false: refuse at once when another run holds the lab (default: wait for it). */
  wait?: boolean;
  /** Told when this run has to wait for another run of the same lab. */
  onWait?: (message: string) => void;
  /** Called before each step: how many are done, how many in all, what comes next. */
  onProgress?: (done: number, total: number, why: string) => void;
  /** Stop between steps (Ctrl-C): what was built is removed again, like after a failure. */
  signal?: AbortSignal;
  /** How long to wait for every DHCP client's lease (default LEASE_WAIT_MS). */
  leaseWaitMs?: number;
}

/** DHCP clients send three discovers a second apart, then rest two seconds: two rounds. */
export const LEASE_WAIT_MS = 10_000;

export interface UpResult {
  lab: string;
  /** repaired: the plan was unchanged, and what had drifted from it was put back. */
  action: 'created' | 'updated' | 'repaired' | 'unchanged';
  namespaces: number;
  /** Namespaces (re)built by this run. */
  rebuilt: string[];
  /** Drift this run repaired (reconcile.ts), each as `status` reported it. */
  repaired: Drift[];
  /** Drift it left alone, and why (e.g. a hosts file someone else wrote). */
  left: { drift: Drift; why: string }[];
  commands: number;
  ms: number;
  /** The exec: commands this run ran (those of namespaces it built), failures included. */
  exec: ExecOutcome[];
  /** Wall time of each phase that ran, in order (preflight and state writes are in `ms` only; hosts files are written during config, and their time is also within config's). */
  phases: PhaseTime[];
  /** DHCP clients of the twin: how long `up` waited for their leases (within `ms`), and those that got none. */
  leases?: { clients: number; ms: number; missing: string[] };
}

export function applyPlan(plan: Plan, runner: Runner, opts: UpOptions): Promise<UpResult> {
  const lock = { what: 'up', ...(opts.wait !== undefined ? { wait: opts.wait } : {}), ...(opts.onWait ? { onWait: opts.onWait } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  return withLabLock(plan.lab, lock, () => applyLocked(plan, runner, { ...opts, designFile: designFileOf(plan.lab, opts) }));
}

/** Where up keeps a copy of a design given without a file. */
const keptDesign = (lab: string): string => join(labRunDir(lab), 'design.yaml');

function designFileOf(lab: string, opts: UpOptions): string {
  if (opts.designFile !== undefined) return opts.designFile;
  if (opts.design === undefined) throw new UserError('applyPlan needs the design it realises: { designFile } (the file it was read from) or { design } (the object or YAML text given to loadDesign).');
  return keptDesign(lab);
}

/** The copy of a design given without a file, written once the lab is known to be this design's. */
function keepDesign(lab: string, design: string | object): void {
  mkdirSync(labRunDir(lab), { recursive: true });
  // JSON is YAML: the copy reads back as the same design.
  writeFileSync(keptDesign(lab), typeof design === 'string' ? design : `# the design object given to applyPlan\n${JSON.stringify(design, null, 2)}\n`);
}

/** Build or repair, then wait for the DHCP clients' leases: a lab is up when its hosts have addresses. */
async function applyLocked(plan: Plan, runner: Runner, opts: UpOptions & { designFile: string }): Promise<UpResult> {
  const r = await buildLocked(plan, runner, opts);
  if (!clientDaemons(plan).length) return r;
  const leases = await waitForLeases(plan, opts.leaseWaitMs ?? LEASE_WAIT_MS);
  return { ...r, leases, ms: r.ms + leases.ms };
}

async function buildLocked(plan: Plan, runner: Runner, opts: UpOptions & { designFile: string }): Promise<UpResult> {
  const t0 = Date.now();
  await recoverFromCrash(plan.lab, runner);
  const prev = readState(plan.lab);
  // Two designs with one name would silently replace each other's lab.
  if (prev && prev.designFile !== opts.designFile && !opts.force)
    throw new UserError(`lab "${plan.lab}" is running, built from ${prev.designFile}; ${opts.designFile} has the same name. Give this one another name (--lab NAME), remove the other ("vnetmap down ${plan.lab}"), or replace it with --force.`);
  if (opts.design !== undefined && opts.designFile === keptDesign(plan.lab)) keepDesign(plan.lab, opts.design);
  const total = namespacesOf(plan).length;
  const result = (action: UpResult['action'], rest: Partial<UpResult> = {}): UpResult => ({ lab: plan.lab, action, namespaces: total, rebuilt: [], repaired: [], left: [], commands: 0, phases: [], exec: [], ...rest, ms: Date.now() - t0 });
  if (!prev) {
    const built = await build(plan, fullScope(plan), {}, runner, opts);
    return result('created', built);
  }
  // A running lab: what drifted from its plan (deleted by hand, by the script's down, ...) is
  // repaired rather than reported "up to date" (reconcile.ts).
  const drift = await currentDrift(runner, prev);
  const same = samePlan(prev.plan, plan);
  if (prev.designFile !== opts.designFile) writeState({ ...prev, designFile: opts.designFile }); // --force: the lab is this design's from now on
  if (same && !drift.length) return result('unchanged');
  const broken = drift.filter((d) => d.what === 'netns' && d.kind === 'missing').map((d) => d.namespace!);
  let built: Pick<UpResult, 'rebuilt' | 'commands' | 'phases' | 'exec'> = { rebuilt: [], commands: 0, phases: [], exec: [] };
  if (!same || broken.length) {
    const inc = rebuildScope(prev.plan, plan, broken);
    if (!inc) {
      await destroyLab(plan.lab, runner); // host-level objects changed: start over
      return result('updated', await build(plan, fullScope(plan), {}, runner, opts));
    }
    await removeForRebuild(plan, prev.plan, inc.remove, inc.scope, runner);
    // Kept namespaces keep the identity recorded when they were created.
    const kept = Object.fromEntries(Object.entries(prev.identities ?? {}).filter(([ns]) => !inc.scope.create.has(ns)));
    // Daemons of kept namespaces run on (those of rebuilt ones went with them).
    const keptDaemons = Object.fromEntries(Object.entries(prev.daemons ?? {}).filter(([name]) => plan.objects.some((o) => o.kind === 'daemon' && o.name === name && (o.namespace === null || !inc.scope.create.has(o.namespace)))));
    // Daemons the new plan no longer has (a dns service removed, a client now fixed) stop.
    await stopDaemons(Object.entries(prev.daemons ?? {}).filter(([name]) => !plan.objects.some((o) => o.kind === 'daemon' && o.name === name)).map(([, id]) => id));
    built = await build(plan, inc.scope, kept, runner, opts, keptDaemons);
  }
  // What the rebuild did not cover: repair it where it is.
  const st = readState(plan.lab)!;
  const rest = broken.length || !same ? await currentDrift(runner, st) : drift;
  const fixed = rest.length ? await reconcile(runner, st, rest, { ...opts, interrupted: `interrupted; lab "${plan.lab}" is partly repaired: run "vnetmap up" again` }) : undefined;
  return result(same ? 'repaired' : 'updated', {
    rebuilt: built.rebuilt,
    // What the rebuild already put right (a missing namespace, its cables), then what reconcile did.
    repaired: [...drift.filter((d) => !rest.some((r) => r.object === d.object && r.detail === d.detail) && !fixed?.repaired.includes(d)), ...(fixed?.repaired ?? [])],
    left: fixed?.left ?? [],
    commands: built.commands + (fixed?.commands ?? 0),
    exec: built.exec,
    phases: [...built.phases, ...(fixed?.phases ?? [])],
  });
}

/** Build `scope` of the plan; a failure removes the lab again (the only state known to be clean). */
async function build(plan: Plan, scope: Scope, identities: Record<string, string>, runner: Runner, opts: UpOptions & { designFile: string }, prevDaemons?: Record<string, DaemonIdentity>): Promise<Pick<UpResult, 'rebuilt' | 'commands' | 'phases' | 'exec'>> {
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
    designFile: opts.designFile,
  };
  const steps = renderSteps(plan, scope);
  // Daemons of kept namespaces run on; those this run starts are added as they start.
  const daemons: Record<string, DaemonIdentity> = { ...(prevDaemons ?? {}) };
  let phase: Phase = 'netns';
  let phases: PhaseTime[];
  try {
    writeJournal(journal);
    phases = await runSteps(steps, runner, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      interrupted: `interrupted; lab "${plan.lab}" was removed again.`,
      onPhase: (next, previous) => {
        // From the first phase after `netns add` on, the journal proves which namespaces are ours.
        if (previous === 'netns') Object.assign(identities, (journal.identities = nsIdentities(scope.create)));
        writeJournal({ ...journal, phase: (phase = next) });
      },
      onSpawn: (started) => {
        Object.assign(daemons, started);
        writeJournal({ ...journal, phase, daemons: (journal.daemons = { ...journal.daemons, ...started }) });
      },
    });
    if (phases.length === 1 && phases[0]!.phase === 'netns') Object.assign(identities, nsIdentities(scope.create));
    const nft = plan.objects.some((o) => o.kind === 'nft') ? await nftListings(runner, plan) : undefined;
    writeState({ lab: plan.lab, designFile: opts.designFile, strategy: plan.strategy, plan, appliedAt: new Date().toISOString(), identities, ...(nft ? { nft } : {}), ...(Object.keys(daemons).length ? { daemons } : {}), ...linkStates(readState(plan.lab), scope.create) });
    writeJournal({ ...journal, phase: 'done' });
  } catch (e) {
    // Everything of a fresh lab was created by this run; an incremental run already removed
    // the namespaces it rebuilds, so removing the lab is the only state we know to be clean.
    await destroyLab(plan.lab, runner).catch(() => undefined);
    if (e instanceof ToolError) {
      const hint = `${e.hint ? e.hint + ' ' : ''}lab "${plan.lab}" was removed again; fix the cause and run "vnetmap up" once more.`;
      throw new ToolError(e.argv, e.exitCode, e.stderr, hint);
    }
    const env = environmentMessage(e);
    if (env) throw new EnvironmentError(`${env}; lab "${plan.lab}" was removed again.`);
    throw e;
  }
  // Workloads' one-off commands, once the twin stands: a failing one is reported, the lab stays.
  const exec = await runExecs(plan, scope.create, runner);
  return { rebuilt: [...scope.create].sort(), commands: steps.length, phases, exec };
}

/**
 * An unfinished journal: the run that wrote it died mid-way (it would still hold the lab's lock
 * otherwise), so remove what it left, by marker and journal, and start clean.
 */
async function recoverFromCrash(lab: string, runner: Runner): Promise<void> {
  const j = readJournal(lab);
  if (!j || j.phase === 'done') return;
  await destroyLab(lab, runner);
}

/**
 * Links cut and impaired on purpose (link.ts) stay so across `up`, except in namespaces this
 * run created afresh: their devices are new, up and unimpaired.
 */
function linkStates(prev: LabState | undefined, created: ReadonlySet<string>): Pick<LabState, 'cuts' | 'impairments'> {
  const kept = <T extends { namespace: string | null }>(xs: T[] | undefined): T[] => (xs ?? []).filter((x) => x.namespace === null || !created.has(x.namespace));
  const cuts = kept(prev?.cuts).filter((c) => !c.peer || c.peer.namespace === null || !created.has(c.peer.namespace));
  const impairments = kept(prev?.impairments);
  return { ...(cuts.length ? { cuts } : {}), ...(impairments.length ? { impairments } : {}) };
}
