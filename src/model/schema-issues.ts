// Turns zod issues into findings with sentences a network engineer can act on:
// unknown keys get a "did you mean", wrong kinds list the valid ones, unions pick the branch
// the author evidently meant.
import type { z } from 'zod';
import { closest } from './suggest.js';
import { error, type Finding, type PathSeg } from './problems.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** What explain() needs besides the issue: the schema and data the issue paths start from. */
interface Ctx {
  root: AnySchema;
  data: unknown;
  /** Path of `data` in the design: findings get it in front of the issue's path. */
  base: PathSeg[];
  out: Finding[];
}

export function issuesToFindings(issues: readonly Issue[], root: AnySchema, data: unknown, base: PathSeg[] = []): Finding[] {
  const ctx: Ctx = { root, data, base, out: [] };
  for (const issue of issues) explain(issue, [], ctx);
  const out = ctx.out;
  // "interfase" next to a missing "interfaces" is one mistake: keep only the did-you-mean.
  const suggested = new Set(out.filter((f) => f.code === 'E-UNKNOWN-KEY').map((f) => `${f.path.slice(0, -1).join('\0')}|${/did you mean "([^"]+)"/.exec(f.message)?.[1]}`));
  return out.filter((f) => f.code !== 'E-MISSING' || !suggested.has(`${f.path.join('\0')}|${/needs "([^"]+)"/.exec(f.message)?.[1]}`));
}

function explain(issue: Issue, prefix: PathSeg[], ctx: Ctx): void {
  const { root, data, base, out } = ctx;
  const path = [...prefix, ...(issue.path as PathSeg[])];
  // Paths relative to `data` look values and keys up; absolute ones (at) go into findings and messages.
  const at = (p: PathSeg[]): PathSeg[] => [...base, ...p];
  const where = describe(at(path));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(root, path, data);
      for (const key of issue.keys) {
        const hint = closest(key, known);
        if ((key === 'vlan' || key === 'uplink') && path.at(-2) === 'interfaces') {
          out.push(error('E-UNKNOWN-KEY', at([...path, key]), `"${key}" is only for VM interfaces; on ${describe(at(path).slice(0, 2))}, put the VLAN on the switch's end of the link instead (e.g. "vlan: 10" on the link).`, true));
          continue;
        }
        const tail = hint
          ? `did you mean "${hint}"?`
          : known.length
            ? `allowed here: ${known.join(', ')}.`
            : 'remove it.';
        out.push(error('E-UNKNOWN-KEY', at([...path, key]), `unknown key "${key}" in ${where}; ${tail}`, true));
      }
      return;
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const value = valueAt(data, path);
        const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
        const hint = typeof value === 'string' ? closest(value, options) : undefined;
        const got = value === undefined ? `missing "${issue.discriminator}"` : `unknown ${issue.discriminator} ${JSON.stringify(value)}`;
        out.push(
          error(
            'E-BAD-KIND',
            at(value === undefined ? path.slice(0, -1) : path),
            `${got} in ${describe(at(path.slice(0, -1)))}; ${hint ? `did you mean "${hint}"? ` : ''}use one of: ${options.join(', ')}.`,
          ),
        );
        return;
      }
      // Plain union: follow the branch that got furthest (an object for an object, ...).
      const branches = (issue as { errors: Issue[][] }).errors;
      const value = valueAt(data, path);
      const rootMismatch = (b: Issue[]) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0;
      const meant = branches.find((b) => !rootMismatch(b));
      if (meant) {
        for (const sub of meant) explain(sub, path, ctx);
        return;
      }
      const expected = branches.map((b) => (b[0] as { expected?: string }).expected).filter(Boolean);
      out.push(error('E-TYPE', at(path), `${where} must be ${orList(expected.map(article))}, not ${typeName(value)}.`));
      return;
    }
    case 'invalid_type': {
      const value = valueAt(data, path);
      if (value === undefined) {
        out.push(error('E-MISSING', at(path.slice(0, -1)), `${describe(at(path.slice(0, -1)))} needs "${String(path.at(-1))}" (${article(issue.expected)}).`));
      } else {
        const exp = issue.expected === 'record' ? 'a mapping of names to settings' : article(issue.expected);
        out.push(error('E-TYPE', at(path), `${where} must be ${exp}, not ${typeName(value)}.`));
      }
      return;
    }
    case 'invalid_value': {
      const value = valueAt(data, path);
      const values = issue.values.map(String);
      const hint = typeof value === 'string' ? closest(value, values) : undefined;
      out.push(
        error('E-BAD-VALUE', at(path), `${where} is ${JSON.stringify(value)}; ${hint ? `did you mean "${hint}"? ` : ''}use one of: ${values.join(', ')}.`),
      );
      return;
    }
    default:
      out.push(error('E-SCHEMA', at(path), `${where}: ${issue.message}.`));
  }
}

/** The object keys a strict object at `path` accepts, resolving records, arrays and kinds. */
function knownKeys(root: AnySchema, path: PathSeg[], data: unknown): string[] {
  let s: AnySchema | undefined = root;
  let v: unknown = data;
  const step = (schema: AnySchema | undefined): AnySchema | undefined => {
    let cur = schema;
    for (;;) {
      const def = (cur as { _zod?: { def: Record<string, unknown> } } | undefined)?._zod?.def;
      if (!def) return cur;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') cur = def.innerType as AnySchema;
      else if (def.type === 'union') {
        const options = def.options as AnySchema[];
        const disc = def.discriminator as string | undefined;
        const kind = disc && v && typeof v === 'object' ? (v as Record<string, unknown>)[disc] : undefined;
        const pick = options.find((o) => {
          const od = (o as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
          if (od.type !== 'object') return false;
          if (!disc) return true;
          const lit = (od.shape as Record<string, { _zod: { def: { values?: unknown[] } } }>)[disc]?._zod.def.values;
          return lit?.includes(kind);
        });
        if (!pick) return cur;
        cur = pick;
      } else return cur;
    }
  };
  for (const seg of path) {
    s = step(s);
    const def = (s as { _zod: { def: Record<string, unknown> } } | undefined)?._zod.def;
    if (!def) return [];
    if (def.type === 'object') s = (def.shape as Record<string, AnySchema>)[String(seg)];
    else if (def.type === 'record') s = def.valueType as AnySchema;
    else if (def.type === 'array') s = def.element as AnySchema;
    else return [];
    v = valueAt(v, [seg]);
  }
  s = step(s);
  const def = (s as { _zod: { def: Record<string, unknown> } } | undefined)?._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

export function valueAt(data: unknown, path: PathSeg[]): unknown {
  let v = data;
  for (const seg of path) {
    // hasOwn: a key "constructor" must not find Object.prototype's.
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/** "node pc1", "link 3", "nodes.pc1.interfaces.eth0" — how messages name a place. */
export function describe(path: PathSeg[]): string {
  if (path.length === 0) return 'the design';
  if (path[0] === 'nodes' && path.length >= 2) {
    const rest = path.slice(2);
    return rest.length ? `node ${path[1]}: ${rest.join('.')}` : `node ${path[1]}`;
  }
  if (path[0] === 'links' && typeof path[1] === 'number') {
    const rest = path.slice(2);
    return rest.length ? `link ${path[1] + 1}: ${rest.join('.')}` : `link ${path[1] + 1}`;
  }
  return path.join('.');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(t: string | undefined): string {
  switch (t) {
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return t ? `a ${t}` : 'a value';
  }
}

const orList = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? 'a value') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);
