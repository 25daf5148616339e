// Running rendered steps phase by phase: independent per-namespace commands several at a time
// through the runner's fan-out, the rest in order, hosts files written while the configuration
// runs. `up` (apply.ts) and the repair of drift (reconcile.ts) both go through here.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InterruptedError } from '../errors.js';
import { runAll, type Runner } from '../exec/runner.js';
import { ToolError } from '../errors.js';
import { isCommand, isFile, isSpawn, type CommandStep, type FileStep, type Phase, type SpawnStep, type Step } from '../render/steps.js';
import { identityOf } from './daemons.js';
import type { DaemonIdentity } from './state.js';

/**
 * Phases whose commands touch one namespace each and do not depend on each other: run several
 * at once, through the runner's fan-out (starting processes dominates their cost). Macvlan
 * batches move children between namespaces and OVS transactions share one database, so those
 * stay in order.
 */
const PARALLEL = new Set<Phase | undefined>(['netns', 'devices', 'links', 'vlans', 'config', 'bridge-vlans', 'offload', 'sysctl', 'nft']);
const PARALLELISM = 4;

export interface PhaseTime {
  phase: Phase;
  steps: number;
  ms: number;
}

export interface RunStepsOptions {
  /** Called before each step (or group run at once): how many are done, how many in all, what comes next. */
  onProgress?: (done: number, total: number, why: string) => void;
  /** Called as each phase starts (the journal records it). */
  onPhase?: (phase: Phase, previous: Phase | undefined) => void;
  /** Stop between steps; `interrupted` is the message of the InterruptedError thrown then. */
  signal?: AbortSignal;
  interrupted?: string;
  /**
   * Told of the daemons of a wave once they have started, with their identities (the journal
   * and the lab's state record them: one write for the wave, not one per daemon).
   */
  onSpawn?: (started: Record<string, DaemonIdentity>) => void;
}

function phaseGroups(steps: Step[]): Step[][] {
  const groups: Step[][] = [];
  for (const s of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.phase === s.phase) last.push(s);
    else groups.push([s]);
  }
  return groups;
}

/** Run the steps in phase order; resolves with the wall time of each phase. */
export async function runSteps(steps: Step[], runner: Runner, opts: RunStepsOptions = {}): Promise<PhaseTime[]> {
  const stop = (): void => {
    if (opts.signal?.aborted) throw new InterruptedError(opts.interrupted ?? 'interrupted');
  };
  // The hosts files (/etc/netns/NS/hosts) depend on nothing in the kernel: they are written
  // while the per-namespace configuration runs in other processes (a tenth of a second for a
  // thousand namespaces), or last when there is none.
  const files = steps.filter((s): s is FileStep => isFile(s) && s.phase === 'hosts');
  const groups = phaseGroups(steps.filter((s) => !(isFile(s) && s.phase === 'hosts')));
  const alongside = files.length > 0 && groups.some((g) => g[0]!.phase === 'config') ? 'config' : undefined;
  if (files.length && !alongside) groups.push(files);
  const phases: PhaseTime[] = [];
  let phase: Phase | undefined;
  let done = 0;
  const made = new Set<string>(); // directories this run has made (runFile)
  for (const group of groups) {
    const previous = phase;
    phase = group[0]!.phase;
    opts.onPhase?.(phase, previous);
    const t = Date.now();
    if (PARALLEL.has(phase)) {
      stop();
      opts.onProgress?.(done, steps.length, group.length > 1 ? `${group.length} steps: ${group[0]!.why} ...` : group[0]!.why);
      const cmds = group.filter(isCommand);
      const running = Promise.all([runAll(runner, cmds.filter((s) => !s.mayFail), PARALLELISM), ...cmds.filter((s) => s.mayFail).map((s) => runStep(s, runner, made))]).then(() => undefined);
      const filesMs = phase === alongside ? await writeWhile(files, running, made) : undefined;
      await running;
      done += group.length + (filesMs !== undefined ? files.length : 0);
      phases.push({ phase, steps: group.length, ms: Date.now() - t });
      if (filesMs !== undefined) phases.push({ phase: 'hosts', steps: files.length, ms: filesMs });
      continue;
    }
    for (const s of group) {
      if (isSpawn(s)) continue;
      stop();
      opts.onProgress?.(done, steps.length, s.why);
      await runStep(s, runner, made);
      done++;
    }
    // Daemons start together, each settling on its own (~150 ms): one after another, 100 DHCP
    // clients took 15 s. Servers first, then the clients that need them (SpawnStep.late).
    // Daemons that reach others through a socket (FRR's ospfd and bgpd, through zebra's:
    // SpawnStep.after) start once those are ready (their ready path exists).
    const spawns = group.filter(isSpawn);
    const first = spawns.filter((s) => !s.late && !s.spawn.after?.length);
    const after = spawns.filter((s) => !s.late && !!s.spawn.after?.length);
    for (const wave of [first, after, spawns.filter((s) => !!s.late)]) {
      if (!wave.length) continue;
      if (wave === after) await waitReady(first.filter((s) => s.spawn.ready && after.some((a) => a.spawn.after!.includes(s.spawn.name))));
      stop();
      opts.onProgress?.(done, steps.length, wave.length > 1 ? `${wave.length} daemons: ${wave[0]!.why} ...` : wave[0]!.why);
      const started = await spawnDaemons(wave, runner, made);
      const ids = Object.fromEntries(started.flatMap((r, i) => ('pid' in r ? [[wave[i]!.spawn.name, identityOf(r.pid)] as const] : [])));
      if (Object.keys(ids).length) opts.onSpawn?.(ids);
      done += wave.length;
      const failed = started.find((r): r is { error: ToolError } => 'error' in r);
      if (failed) throw failed.error;
    }
    phases.push({ phase, steps: group.length, ms: Date.now() - t });
  }
  opts.onProgress?.(steps.length, steps.length, 'done');
  return phases;
}

/** Write `files` while `running` goes on (it is awaited before a write error is let through); the ms spent writing. */
async function writeWhile(files: FileStep[], running: Promise<void>, made: Set<string>): Promise<number> {
  const t = Date.now();
  try {
    for (const f of files) runFile(f, made);
  } catch (e) {
    await running.catch(() => undefined);
    throw e;
  }
  return Date.now() - t;
}

/**
 * Write beside, then rename over: a file that was a hard link of another is replaced, not
 * rewritten through the link. Directories made once per run (`made`); the file beside is
 * created exclusively and removed first only where one is left over: for a few hundred files
 * (hosts, resolv.conf, DHCP hooks) removals of files that were not there and recursive mkdirs
 * took seconds of `up`.
 */
function runFile(s: FileStep, made: Set<string>): void {
  madeDir(dirname(s.path), made);
  const tmp = `${s.path}.vnetmap-${process.pid}`;
  const content = s.content;
  try {
    if (typeof content === 'string') besideOnce(tmp, () => writeFileSync(tmp, content, { flag: 'wx', ...(s.executable ? { mode: 0o755 } : {}) }));
    else besideOnce(tmp, () => linkSync(content.sameAs, tmp));
    renameSync(tmp, s.path);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk must not leave half a file behind
    throw e;
  }
}

function madeDir(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  made.add(dir);
}

/**
 * Make the file beside (`make` creates it exclusively): where a killed run of the same pid left
 * one, it is removed first, never written through (it may be a hard link of another file).
 */
function besideOnce(tmp: string, make: () => void): void {
  try {
    make();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    unlinkSync(tmp);
    make();
  }
}

/** Start daemons together (Runner.spawnMany, else one spawnDetached each): a pid for each once it has settled, or why not. */
async function spawnDaemons(wave: SpawnStep[], runner: Runner, made: Set<string>): Promise<({ pid: number } | { error: ToolError })[]> {
  for (const s of wave) {
    madeDir(dirname(s.spawn.log), made);
    for (const f of s.spawn.clear ?? []) rmSync(f, { force: true });
  }
  if (runner.spawnMany) return runner.spawnMany(wave.map((s) => ({ argv: s.spawn.argv, log: s.spawn.log })));
  const spawnDetached = runner.spawnDetached?.bind(runner);
  return Promise.all(
    wave.map((s) =>
      spawnDetached
        ? spawnDetached(s.spawn.argv, { log: s.spawn.log }).then((pid) => ({ pid }), (error: ToolError) => ({ error }))
        : { error: new ToolError(s.spawn.argv, null, 'this runner cannot start daemons') },
    ),
  );
}

/** How long `up` waits for a daemon's ready path before it gives up on it. */
const READY_MS = 10_000;

/** Wait until every daemon's ready path exists (bounded); one that does not is a ToolError with the end of its log. */
async function waitReady(spawns: SpawnStep[]): Promise<void> {
  const end = Date.now() + READY_MS;
  for (const s of spawns) {
    while (!existsSync(s.spawn.ready!)) {
      if (Date.now() > end) throw new ToolError(s.spawn.argv, null, `${readLog(s.spawn.log)}\n(not ready after ${READY_MS / 1000} s: ${s.spawn.ready} does not exist; its log: ${s.spawn.log})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const readLog = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-12).join('\n');
  } catch {
    return '';
  }
};

async function runStep(s: CommandStep | FileStep, runner: Runner, made: Set<string>): Promise<void> {
  if (isFile(s)) runFile(s, made);
  else await runner.run(s.argv, { ...(s.input !== undefined ? { input: s.input } : {}), ...(s.mayFail ? { allowFail: true } : {}) });
}
