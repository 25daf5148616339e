// Read a design: YAML (with source positions) -> schema -> resolved Design -> semantic checks.
// Most designs are read by js-yaml (quick-read.ts), the rest by `yaml` (yaml-read.ts).
// Returns every problem at once; a Design only when there are no errors.
import { readFileSync } from 'node:fs';
import { analyse } from './analyse.js';
import type { Locate } from './locate.js';
import { printable } from './printable.js';
import { quickReadPlaced } from './quick-read.js';
import { sortProblems, type Finding, type Problem } from './problems.js';
import type { Design } from './types.js';
import { readYaml } from './yaml-read.js';

export interface LoadResult {
  design?: Design;
  errors: Problem[];
  warnings: Problem[];
}

export function loadDesignFile(file: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const msg = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; check the path.' : `cannot read it: ${(e as Error).message}.`;
    return result([{ severity: 'error', code: 'E-READ', message: msg, file, line: 1, column: 1, path: [] }]);
  }
  return loadDesign(text, file);
}

/**
 * A design from YAML text, or from a JavaScript object of the same shape (`file` then names it
 * in messages, which give the path into the object instead of a line: `tiny: nodes.pc1.kind: …`).
 */
export function loadDesign(input: string | object, file?: string): LoadResult {
  return typeof input === 'string' ? loadDesignText(input, file ?? '<design>') : loadDesignObject(input, file ?? '<design object>');
}

function loadDesignObject(input: object, file: string): LoadResult {
  const at: Locate = { file, at: () => ({ file, line: 0, column: 0 }) };
  // A design is data: what JSON cannot carry (functions, undefined, class instances' methods,
  // cycles) is no part of it, and the caller's object is never kept or changed.
  let data: unknown;
  try {
    data = JSON.parse(JSON.stringify(input));
  } catch (e) {
    return result([{ severity: 'error', code: 'E-NOT-DESIGN', message: `a design object must be plain data (${(e as Error).message}); build it from objects, arrays, strings, numbers and booleans.`, file, line: 0, column: 0, path: [] }]);
  }
  if (!isMapping(data)) return result([{ severity: 'error', code: 'E-NOT-DESIGN', message: 'a design is an object with "name", "nodes" and "links"; see examples/network-a.yaml.', file, line: 0, column: 0, path: [] }]);
  const { design, findings } = analyse(data, file);
  const r = result(locateFindings(findings, at));
  return r.errors.length ? r : { ...r, design };
}

function loadDesignText(text: string, file: string): LoadResult {
  // Most designs have nothing to report: read them quickly, without positions (quick-read.ts).
  const quick = quickReadPlaced(text);
  if (quick && isMapping(quick.data)) {
    const { design, findings } = analyse(quick.data, file);
    if (!findings.length) return { design, errors: [], warnings: [] };
    const r = result(locateFindings(findings, quick.locator(file)));
    return r.errors.length ? r : { ...r, design };
  }
  const { locator, data, problems } = readYaml(text, file);
  if (problems.length) return result(problems);
  if (!isMapping(data)) {
    const message = 'a design is a mapping with "name", "nodes" and "links"; see examples/network-a.yaml.';
    return result([{ severity: 'error', code: 'E-NOT-DESIGN', message, ...locator.at([]), path: [] }]);
  }
  const { design, findings } = analyse(data, file);
  const r = result(locateFindings(findings, locator));
  return r.errors.length ? r : { ...r, design };
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Findings at file:line:column, each once (two checks may see one mistake alike). */
export function locateFindings(findings: Finding[], locator: Locate): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const f of findings) {
    const { line, column } = locator.at(f.path, f.atKey);
    const key = `${f.code}|${line}|${column}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ severity: f.severity, code: f.code, message: f.message, path: f.path, file: locator.file, line, column });
  }
  return problems;
}

/** Sorted errors and warnings, their text safe to print (printable.ts). */
function result(problems: Problem[]): LoadResult {
  for (const p of problems) {
    p.file = printable(p.file);
    p.message = printable(p.message);
  }
  const sorted = sortProblems(problems);
  return { errors: sorted.filter((p) => p.severity === 'error'), warnings: sorted.filter((p) => p.severity === 'warning') };
}
