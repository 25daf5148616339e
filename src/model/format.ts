// Problems -> text, the way compilers print them, so editors and terminals can jump to them.
import type { Problem } from './problems.js';

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`;
}

export function formatProblems(ps: Problem[]): string {
  return ps.map(formatProblem).join('\n');
}

export function summary(errors: number, warnings: number): string {
  const s = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${s(errors, 'error')}, ${s(warnings, 'warning')}`;
}

/** JSON form of `vnetmap validate --json`: only the documented fields, in a stable order. */
export function problemJson(p: Problem) {
  return { code: p.code, message: p.message, file: p.file, line: p.line, column: p.column };
}
