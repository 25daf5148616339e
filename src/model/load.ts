// Read a design: YAML (with source positions) -> schema -> resolved Design -> semantic checks.
// A design with nothing to report is first read without positions, which is faster (quick-read.ts).
// Returns every problem at once; a Design only when there are no errors.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { runChecks, runRawChecks } from './checks/index.js';
import { Locator } from './locate.js';
import { quickRead } from './quick-read.js';
import { sortProblems, type Finding, type PathSeg, type Problem } from './problems.js';
import { resolve } from './resolve.js';
import { DesignSchema } from './schema.js';
import { describe, issuesToFindings } from './schema-issues.js';
import type { Design } from './types.js';

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
    return { errors: [{ severity: 'error', code: 'E-READ', message: msg, file, line: 1, column: 1, path: [] }], warnings: [] };
  }
  return loadDesign(text, file);
}

export function loadDesign(text: string, file = '<design>'): LoadResult {
  // Most designs have nothing to report: read them quickly, without positions (quick-read.ts).
  const quick = quickRead(text);
  if (isMapping(quick)) {
    const a = analyse(quick, file);
    if (a.design && !a.findings.length) return { design: a.design, errors: [], warnings: [] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const locator = new Locator(file, doc, lines);
  const syntax: Problem[] = doc.errors.map((e) => {
    // yaml notices an unclosed "{" or "[" only where the next entry starts; point at the opener.
    const opener = /end with an? [}\]]/.test(e.message) ? unclosedBracket(text, e.pos[0]) : undefined;
    return {
      severity: 'error',
      code: 'E-YAML',
      message:
        opener !== undefined
            ? `YAML syntax: this "${text[opener]}" is never closed; add the missing "${text[opener] === '{' ? '}' : ']'}" at the end of the entry.`
            : yamlMessage(e.code, e.message),
      ...locator.pos(opener ?? e.pos[0]),
      path: [],
    };
  });
  // Duplicate keys are found here rather than by yaml (uniqueKeys is quadratic); only in a
  // document that parsed, as positions in a broken one mean little.
  if (!syntax.length) {
    for (const d of locator.duplicateKeys()) {
      syntax.push({ severity: 'error', code: 'E-DUP-KEY', message: duplicateMessage(d.path), ...locator.pos(d.offset), path: d.path });
    }
  }
  if (syntax.length) return { errors: sortProblems(syntax), warnings: [] };

  // logLevel 'error' above: a mapping used as a key would make yaml print a warning here; the
  // schema reports such a key as unknown instead.
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    return { errors: [aliasProblem(e, text, locator)], warnings: [] };
  }
  if (!isMapping(data)) {
    const p = locator.at([]);
    return {
      errors: [{ severity: 'error', code: 'E-NOT-DESIGN', message: 'a design is a mapping with "name", "nodes" and "links"; see examples/network-a.yaml.', ...p, path: [] }],
      warnings: [],
    };
  }
  const { design, findings } = analyse(data, file);
  const result = split(findings, locator);
  return design && !result.errors.length ? { ...result, design } : result;
}

const isMapping = (v: unknown): v is object => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Schema, then (if the shape is right) the resolved design and every semantic check. */
function analyse(data: object, file: string): { design?: Design; findings: Finding[] } {
  const parsed = DesignSchema.safeParse(data);
  if (!parsed.success) return { findings: issuesToFindings(parsed.error.issues, DesignSchema, data) };
  const { design, findings } = resolve(parsed.data, file);
  findings.push(...runRawChecks(parsed.data), ...runChecks(design));
  return { design, findings };
}

function split(findings: Finding[], locator: Locator): LoadResult {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const f of findings) {
    const p: Problem = { severity: f.severity, code: f.code, message: f.message, path: f.path, ...locator.at(f.path, f.atKey) };
    const key = `${p.code}|${p.line}|${p.column}|${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  const sorted = sortProblems(problems);
  return { errors: sorted.filter((p) => p.severity === 'error'), warnings: sorted.filter((p) => p.severity === 'warning') };
}

/** yaml throws (rather than reports) for an alias without anchor and for alias bombs. */
function aliasProblem(e: unknown, text: string, locator: Locator): Problem {
  const msg = e instanceof Error ? e.message : String(e);
  const name = /Unresolved alias[^:]*: (.*)$/.exec(msg)?.[1];
  const at = name !== undefined ? Math.max(0, text.indexOf(`*${name}`)) : 0;
  const message =
    name !== undefined
      ? `YAML syntax: alias "*${name}" refers to no anchor "&${name}" defined before it; define the anchor first, or write the value out.`
      : `YAML syntax: ${msg.replace(/\.$/, '')}; write the values out instead of using so many aliases.`;
  return { severity: 'error', code: 'E-YAML', message, ...locator.pos(at), path: [] };
}

/** Offset of the outermost "{" or "[" still open at `end`, skipping quoted text and comments. */
function unclosedBracket(text: string, end: number): number | undefined {
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < end && i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\n') quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < end && text[i] !== '\n') i++;
    } else if (c === '{' || c === '[') stack.push(i);
    else if ((c === '}' || c === ']') && stack.length) stack.pop();
  }
  return stack[0];
}

/** yaml only says "Map keys must be unique"; say which name, and what it names. */
function duplicateMessage(path: PathSeg[]): string {
  if (path.length === 0) return 'this key appears twice in the same mapping; each name may appear once, rename or merge the two.';
  const key = String(path.at(-1));
  const parent = path.slice(0, -1);
  if (parent.length === 1 && parent[0] === 'nodes') return `node name "${key}" is used twice; every node needs its own name, rename one of them.`;
  if (parent.length === 0) return `"${key}" appears twice at the top of the design; merge the two sections.`;
  if (parent.at(-1) === 'interfaces') return `interface name "${key}" is used twice in node ${String(parent[1])}; rename one of them.`;
  return `key "${key}" appears twice in ${describe(parent)}; each name may appear once, rename or merge the two.`;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return 'YAML syntax: a tab is used for indentation here; YAML allows only spaces, replace it with spaces.';
  if (code === 'MULTILINE_IMPLICIT_KEY') return 'YAML syntax: this line has no "key: value" colon, so YAML reads it as part of a key spanning lines; add the ":" after the key.';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR' || code === 'UNEXPECTED_TOKEN')
    return `YAML syntax: ${first}; check the indentation and punctuation on this line.`;
  return `YAML syntax: ${first}.`;
}
