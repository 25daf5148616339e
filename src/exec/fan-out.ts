// Many independent commands at once, started by one `xargs -P` instead of one Node spawn each.
//
// Why: Node starts a child on its main thread and waits there until the child has exec'd, so
// spawning from Node costs ~2-3 ms of wall time per process however many run in parallel (it
// forks the whole Node process first). A 1,000-namespace lab needs a process per namespace;
// GNU xargs (findutils, on every Linux) forks them from a small process, in parallel: 1,111
// `nsenter ... ip -batch` took 1.7 s through xargs against 3.7 s from Node (measured here).
//
// A command's standard input becomes a file named in its argv: its last "-" argument (as in
// `ip -batch -`, `nft -f -`, `bridge -batch -`) is replaced by the file's path. Commands of the
// same program and argv length share one xargs (`xargs -0 -n LEN-1 PROGRAM`); nothing goes
// through a shell. xargs cannot say which command failed, so a failure is attributed through
// the input file the tool names in its message ("Command failed FILE:LINE", "FILE:3:1: Error").
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import type { RunOptions, RunResult } from './runner.js';

export interface Command {
  argv: readonly string[];
  /** Standard input; the command must then have a "-" argument standing for it. */
  input?: string;
}

/**
 * Input files live in memory (tmpfs /dev/shm) where there is one: on ext4, creating thousands
 * of files right after deleting thousands (the previous run's) makes each new inode scan the
 * recently deleted ones, which took a quarter of the CPU of a 5,000-namespace up here.
 */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** Scratch directories are named after the process that made them, so a killed run's can be told from a live one's. */
const SCRATCH_PREFIX = 'vnetmap-fan-';
const OWNED = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`);
/** Directories of versions before the pid was in the name (`vnetmap-fan-` + mkdtemp's 6 characters). */
const UNOWNED = new RegExp(`^${SCRATCH_PREFIX}[A-Za-z0-9]{6}$`);
/** An unowned directory this old belongs to no running fan-out (each lasts as long as its commands). */
const UNOWNED_AGE_MS = 60 * 60 * 1000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Remove the scratch directories of vnetmap runs that are no longer alive (a SIGKILLed run
 * cannot remove its own). Done once per process before its first fan-out, and by `down`.
 * A directory whose pid is alive is left alone, even if that pid now belongs to another program;
 * one of an older version (no pid in its name) only when it is over an hour old.
 */
export function sweepScratch(dir = SCRATCH): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const n of names) {
    const pid = Number(OWNED.exec(n)?.[1]);
    if (pid ? pid === process.pid || alive(pid) : !(UNOWNED.test(n) && olderThan(join(dir, n), UNOWNED_AGE_MS))) continue;
    rmSync(join(dir, n), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
let swept = false;

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

type Run = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

/** Where the input placeholder "-" sits in argv, or -1. */
const inputSlot = (argv: readonly string[]): number => argv.lastIndexOf('-');

/** Can `c` go through xargs (it has arguments, and no stdin or stdin a file argument can replace)? */
export const fansOut = (c: Command): boolean => c.argv.length > 1 && (c.input === undefined || inputSlot(c.argv) > 0);

/**
 * Run every command (at most `parallel` at once) through xargs; throws one ToolError naming a
 * failed command (with its original argv and input) once all have run.
 */
export async function fanOut(run: Run, cmds: readonly Command[], parallel: number): Promise<void> {
  if (!cmds.length) return;
  if (!swept) swept = sweepScratch() >= 0;
  const dir = mkdtempSync(join(SCRATCH, `${SCRATCH_PREFIX}${process.pid}-`));
  try {
    const files = new Map<string, Command>();
    const groups = new Map<string, string[][]>();
    cmds.forEach((c, i) => {
      const argv = [...c.argv];
      if (c.input !== undefined) {
        const file = join(dir, String(i));
        writeFileSync(file, c.input);
        argv[inputSlot(argv)] = file;
        files.set(file, c);
      }
      const key = `${argv[0]}\0${argv.length}`;
      const g = groups.get(key) ?? [];
      groups.set(key, g);
      g.push(argv);
    });
    for (const [key, list] of groups) {
      const [prog, len] = key.split('\0') as [string, string];
      const xargs = ['xargs', '-0', '-r', '-P', String(parallel), '-n', String(Number(len) - 1), prog];
      const input = list.map((a) => a.slice(1).map((x) => `${x}\0`).join('')).join('');
      const r = await run(xargs, { input, allowFail: true, timeoutMs: Math.max(60_000, list.length * 500) });
      if (r.code !== 0) throw attribute(xargs, r, files, dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first command whose input file the failure output names, else xargs itself. */
function attribute(xargs: string[], r: RunResult, files: Map<string, Command>, dir: string): ToolError {
  const named = new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(\\d+)(?::(\\d+))?`);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => named.test(l));
  const m = at >= 0 ? named.exec(lines[at]!) : null;
  const c = m ? files.get(join(dir, m[1]!)) : undefined;
  if (!m || !c) return new ToolError(xargs, r.code, r.stderr);
  // The tool's message is on the lines around the one naming the file; lines naming other
  // commands' files (their output may be interleaved) are left out.
  const mine = (l: string): boolean => { const o = named.exec(l); return !o || o[1] === m[1]; };
  const said = lines.slice(Math.max(0, at - 2), at + 2).filter((l) => l.trim() && mine(l)).map((l) => l.replace(named, (_x, _f, n?: string) => (n ? `-:${n}` : '-')));
  const lineNo = Number(m[2] ?? 0);
  const failed = lineNo > 0 ? c.input?.split('\n')[lineNo - 1] : undefined;
  if (failed !== undefined) said.push(`(line ${lineNo} of its input: ${failed})`);
  return new ToolError(c.argv, 1, said.join('\n'));
}
