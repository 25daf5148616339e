// One lab, one writer. `up`, `down` and `verify` of a lab hold its exclusive lock for their
// whole run, `status` a shared one, so two runs never interleave: without it, two `up`s of one
// design both failed and the loser's rollback deleted the winner's lab, and `down` during `up`
// reported "created" for a lab that was gone. The lock is a flock(2) on
// /run/vnetmap/.locks/<lab>.lock (src/exec/flock.ts): the kernel releases it when its holder
// dies, so a crash never leaves a lab locked and a reused pid never blocks anyone.
// A lab's lock file goes with the lab: the run that removed the lab (`down`, or an `up` that
// failed and rolled back) deletes it while it still holds it. Whoever waited on that file then
// holds a lock on a file no one else opens, sees it is no longer the one at the path
// (HeldLock.current) and takes the lock again on the new file, so two runs never hold the lab
// at once. (They used to stay, one per lab ever built: thousands under /run after a test run.)
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BusyError, InterruptedError } from '../errors.js';
import { takeFlock, type HeldLock } from '../exec/flock.js';
import { STATE_ROOT, checkedLab, labDir, writeJsonAtomic } from './state.js';

export const LOCK_DIR = (): string => join(STATE_ROOT, '.locks');

export interface LockOptions {
  /** What runs, for the message another run shows while it waits ("up", "down", "verify", ...). */
  what: string;
  shared?: boolean;
  /** false: refuse at once (BusyError) when another run holds the lab. Default: wait. */
  wait?: boolean;
  /** Told once, when this run has to wait for another. */
  onWait?: (message: string) => void;
  /** Stops a wait (Ctrl-C). */
  signal?: AbortSignal;
}

interface Holder {
  pid: number;
  what: string;
  since: string;
}

/**
 * Labs held by the run this code is part of: the commands nest (up removes a crashed run's
 * leftovers with down's code, and rolls back with it), and a nested call must not wait for its
 * own caller. Tracked per asynchronous context, so two independent calls in one process still
 * take turns.
 */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Run `fn` while holding the lab's lock. */
export async function withLabLock<T>(lab: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  checkedLab(lab);
  const mine = held.getStore() ?? new Set<string>();
  if (mine.has(lab)) return fn();
  mkdirSync(LOCK_DIR(), { recursive: true });
  const file = join(LOCK_DIR(), `${lab}.lock`);
  const shared = opts.shared ?? false;
  let said = false;
  let lock: HeldLock | undefined;
  for (;;) {
    lock = await takeFlock(file, { shared, waitMs: 0 });
    if (!lock) {
      const busy = `lab "${lab}" is busy: ${describeHolder(lab)}`;
      if (opts.wait === false) throw new BusyError(`${busy}; try again when it is done (or leave out --no-wait to wait for it).`);
      if (!said) opts.onWait?.(`${busy}; waiting for it (Ctrl-C to stop)`);
      said = true;
      lock = await takeFlock(file, { shared, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (!lock) throw new InterruptedError(`stopped while waiting for lab "${lab}" (${describeHolder(lab)}); nothing was changed.`);
    }
    if (lock.current()) break;
    await lock.release(); // the lab's run before removed this file: lock the one at the path now
  }
  const me: Holder = { pid: process.pid, what: opts.what, since: new Date().toISOString() };
  try {
    writeJsonAtomic(holderPath(lab), me);
  } catch {
    // Only the message of a waiting run reads it; a full disk must not stop the run here.
  }
  try {
    return await held.run(new Set([...mine, lab]), fn);
  } finally {
    if (readHolder(lab)?.pid === process.pid) rmSync(holderPath(lab), { force: true });
    // The lab is gone (down, or a rolled-back up): so is its lock file, and what a killed holder left.
    if (!shared && !existsSync(labDir(lab))) removeLockFiles(lab, file);
    await lock.release();
  }
}

/** The lab's lock file and holder files left half-written by killed runs; only the exclusive holder calls it. */
function removeLockFiles(lab: string, file: string): void {
  try {
    for (const f of readdirSync(LOCK_DIR())) if (f.startsWith(`${lab}.holder.`) && f.endsWith('.tmp')) rmSync(join(LOCK_DIR(), f), { force: true });
    rmSync(file, { force: true });
  } catch {
    // a lock file left is harmless: the next run locks it
  }
}

const holderPath = (lab: string): string => join(LOCK_DIR(), `${lab}.holder`);

function readHolder(lab: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(holderPath(lab), 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function describeHolder(lab: string): string {
  const h = readHolder(lab);
  return h ? `"vnetmap ${h.what}" (pid ${h.pid}) holds it since ${h.since}` : 'another vnetmap run holds it';
}
