// Shared by the fault-injection suite: start the real executable, kill it at a chosen moment,
// and check that nothing of the lab is left anywhere — objects, processes, temporary files.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { cliPath } from '../../src/apply/design.js';
import { readJournal } from '../../src/apply/journal.js';
import { netnsName } from '../../src/plan/names.js';
import { PHASES, type Phase } from '../../src/render/steps.js';

export const BIN = cliPath();
/** VNETMAP_FAULTS=full: the documented full run (at least 100 kills); otherwise a bounded one. */
export const FULL = process.env.VNETMAP_FAULTS === 'full';

/** A seeded generator, so a failing run can be repeated with its seed. */
export { seeded as rng } from '../../src/random.js';

export interface Run {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>;
  /** What it has written to stderr so far. */
  stderr(): string;
}

/**
 * Run `fn` while `run` is stopped (SIGSTOP; its children, the lock's holder among them, go on):
 * a run holding a lab holds it until `fn` is done, however fast the rest of it would be.
 */
export async function whileStopped<T>(run: Run, fn: () => Promise<T>): Promise<T> {
  process.kill(run.pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(run.pid, 'SIGCONT');
  }
}

/** Start `vnetmap ARGS` (the executable users run). */
export function start(args: string[]): Run {
  const t0 = Date.now();
  const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: Date.now() - t0 })),
  );
  return { pid: child.pid!, done, stderr: () => Buffer.concat(err).toString() };
}

export type Moment = { ms: number } | { phase: Phase };
export const describeMoment = (m: Moment): string => ('ms' in m ? `after ${m.ms} ms` : `as phase ${m.phase} starts`);

/** Kill `run` with SIGKILL at the moment (a phase of `up`, read from its journal, or a delay); whether it was still running. */
export async function killAt(run: Run, lab: string, m: Moment): Promise<boolean> {
  let finished = false;
  void run.done.then(() => (finished = true));
  if ('ms' in m) await new Promise((r) => setTimeout(r, m.ms));
  else {
    for (let i = 0; i < 30_000 && !finished; i++) {
      const j = readJournal(lab);
      if (j && j.pid === run.pid && j.phase !== 'done' && PHASES.indexOf(j.phase) >= PHASES.indexOf(m.phase)) break;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  if (finished) return false;
  try {
    process.kill(run.pid, 'SIGKILL');
  } catch {
    return false;
  }
  const r = await run.done;
  return r.signal === 'SIGKILL';
}

/** nsfs inodes of the lab's namespaces now (to find processes left inside them after they are deleted). */
export function labInodes(lab: string): Set<string> {
  const prefix = netnsName(lab, '');
  const out = new Set<string>();
  for (const n of existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : []) {
    if (!n.startsWith(prefix)) continue;
    try {
      out.add(String(statSync(`/var/run/netns/${n}`).ino));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Processes left of the lab or of a killed run: inside one of the lab's namespaces (by inode,
 * even after the name is gone), or naming the lab, its lock, or a killed run's scratch directory.
 */
export function labProcesses(lab: string, inodes: ReadonlySet<string>, killedPids: readonly number[] = []): string[] {
  const out: string[] = [];
  const marks = [`vn-${lab}-`, `/.locks/${lab}.lock`, ...killedPids.map((p) => `vnetmap-fan-${p}-`)];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const net = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1];
      if ((net && inodes.has(net)) || marks.some((m) => cmd.includes(m))) out.push(`${pid} ${cmd}`);
    } catch {
      // exited meanwhile, or a kernel thread
    }
  }
  return out;
}

/**
 * labProcesses that are still there a second later (same pid, same command). A process of
 * something else that only passes by is left out: the exported script's down, run by another
 * test at the same time, looks into every namespace of the host; and a namespace number freed
 * by the lab's deletion can be given at once to another tool's throwaway namespace. What a
 * killed run leaves behind lives on for seconds.
 */
export async function lingering(lab: string, inodes: ReadonlySet<string>, killedPids: readonly number[] = [], ms = 1000): Promise<string[]> {
  const first = labProcesses(lab, inodes, killedPids);
  if (!first.length) return [];
  await new Promise((r) => setTimeout(r, ms));
  const now = new Set(labProcesses(lab, inodes, killedPids));
  return first.filter((p) => now.has(p));
}

/** Scratch directories of the given (killed) runs still in /dev/shm. */
export function scratchOf(pids: readonly number[]): string[] {
  const dir = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
  return readdirSync(dir).filter((n) => pids.some((p) => n.startsWith(`vnetmap-fan-${p}-`)));
}
