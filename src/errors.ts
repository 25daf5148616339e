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
