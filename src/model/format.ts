// Problems -> text, the way compilers print them, so editors and terminals can jump to them.
import type { Problem } from './problems.js';

/** `file:line:column: …`; a design given as an object has no lines: `name: nodes.pc1.kind: …`. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : `${p.file}: ${pathText(p.path)}`;
  return `${where}: ${p.severity} ${p.code}: ${p.message}`;
}

const pathText = (path: Problem['path']): string =>
  path.length ? path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][\w-]*$/.test(s) ? `${i ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`)).join('') : '(the design)';

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
