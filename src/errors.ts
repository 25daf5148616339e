// The three kinds of failure (PRODUCT.md): the user's mistake, a failed tool, a bug.
// The CLI prints each differently; nothing else catches them.
import type { Problem } from './model/problems.js';

/** The design or the command line is wrong; the message says what to do. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** An external command failed: we keep exactly what it was and what it said. */
export class ToolError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly hint?: string,
  ) {
    super(`${argv.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
    this.name = 'ToolError';
  }
}

export const BUG_REPORT_LINE = (e: unknown): string =>
  `vnetmap: internal error (${e instanceof Error ? e.message : String(e)}); this is a bug in vnetmap, please report it with the command and design you ran (set VNETMAP_DEBUG=1 for a stack trace).`;

/** Another vnetmap run holds the lab (src/apply/lock.ts): nothing was changed; try again later. */
export class BusyError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'BusyError';
  }
}

/** Stopped by Ctrl-C or SIGTERM; the message says what was left (exit 130, as shells report SIGINT). */
export class InterruptedError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** What the operating system refused, said for a person: not a bug, and not the design's fault. */
const ENVIRONMENT: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space and run it again',
  EDQUOT: 'disk quota exceeded; free some space and run it again',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied; vnetmap needs root for this (run it with sudo)',
  EPERM: 'operation not permitted; vnetmap needs root for this (run it with sudo)',
  EMFILE: 'too many open files in this process; raise the limit (ulimit -n) and run it again',
  ENFILE: 'too many open files on this machine; close some and run it again',
  ENOMEM: 'out of memory',
};

/** "cannot write /run/vnetmap/x/state.json: no space left ..." for an errno error of the machine, else undefined. */
export function environmentMessage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  const what = err && typeof err.code === 'string' ? ENVIRONMENT[err.code] : undefined;
  if (!what) return undefined;
  const path = err!.path ?? (err as { dest?: string }).dest;
  return `${path ? `cannot ${err!.syscall === 'open' || err!.syscall === 'write' || err!.syscall === 'rename' || err!.syscall === 'mkdir' ? 'write' : 'use'} ${path}: ` : ''}${what} (${err!.code})`;
}

/** The machine refused (disk full, read-only, not root): said plainly, exit 1, never as a bug. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}
