// The quick read of a design: js-yaml, for every text it reads the way `yaml` does.
//
// `yaml` keeps a source range on every node so that each problem can be placed at file:line,
// and it is slow on a cold start, which every command is: a 1,000-host design took ~400 ms to
// parse here, a 10,000-host one ~2 s. js-yaml reads the same text into plain data about four
// times faster, and its parser events carry offsets, from which quick-locate.ts places
// problems where `yaml` would. `yaml` (yaml-read.ts) reads only the texts left to it here,
// and its syntax messages are the ones users see.
//
// Both must read every accepted text into the same data. Plain scalars resolve by the YAML 1.2
// core schema rules, defined here rather than taken from js-yaml's defaults; texts using what
// the two libraries treat differently (tags, anchors and aliases, directives, null keys, more
// than one document, duplicate keys) are left to `yaml`: undefined means "read it with yaml".
import { constructFromEvents, defineScalarTag, FAILSAFE_SCHEMA, NOT_RESOLVED, parseEvents } from 'js-yaml';
import { EventLocator } from './quick-locate.js';
import { MAX_DEPTH } from './yaml-read.js';

/** The YAML 1.2 core schema's plain-scalar forms (YAML 1.2.2, section 10.3.2). */
const CORE = {
  null: /^(?:~|null|Null|NULL)?$/,
  bool: /^(?:true|True|TRUE|false|False|FALSE)$/,
  int: /^[-+]?[0-9]+$/,
  oct: /^0o[0-7]+$/,
  hex: /^0x[0-9a-fA-F]+$/,
  float: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  inf: /^[-+]?\.(?:inf|Inf|INF)$/,
  nan: /^\.(?:nan|NaN|NAN)$/,
};

const RESOLVE = {
  null: (s: string) => (CORE.null.test(s) ? null : NOT_RESOLVED),
  bool: (s: string) => (CORE.bool.test(s) ? s[0] === 't' || s[0] === 'T' : NOT_RESOLVED),
  int: (s: string) => (CORE.int.test(s) ? parseInt(s, 10) : CORE.oct.test(s) ? parseInt(s.slice(2), 8) : CORE.hex.test(s) ? parseInt(s.slice(2), 16) : NOT_RESOLVED),
  float: (s: string) => (CORE.float.test(s) ? parseFloat(s) : CORE.inf.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : CORE.nan.test(s) ? NaN : NOT_RESOLVED),
};

const SCHEMA = FAILSAFE_SCHEMA.withTags(
  defineScalarTag('tag:yaml.org,2002:null', { implicit: true, resolve: RESOLVE.null, identify: (d) => d === null }),
  defineScalarTag('tag:yaml.org,2002:bool', { implicit: true, resolve: RESOLVE.bool, identify: (d) => typeof d === 'boolean' }),
  defineScalarTag('tag:yaml.org,2002:int', { implicit: true, resolve: RESOLVE.int, identify: (d) => Number.isInteger(d) }),
  defineScalarTag('tag:yaml.org,2002:float', { implicit: true, resolve: RESOLVE.float, identify: (d) => typeof d === 'number' }),
);

/** A plain key as the data holds it: resolved like SCHEMA (".0" is the float 0), then as text ("0"). */
function plainKey(s: string): string {
  // Most keys are names: a letter first, and not a null or boolean word.
  if (/^[A-Za-z]/.test(s) && !CORE.null.test(s) && !CORE.bool.test(s)) return s;
  for (const r of [RESOLVE.null, RESOLVE.bool, RESOLVE.int, RESOLVE.float]) {
    const v = r(s);
    if (v !== NOT_RESOLVED) return String(v);
  }
  return s;
}

/**
 * Text that may read differently in the two libraries, or that `yaml` guards against: a tag
 * ("!"), an anchor or alias ("&", "*"), a directive ("%" at the start of a line). A mere
 * mention of these characters inside a value also sends the text to `yaml`, which is only slower.
 * So does a sequence entry with nothing after its "-", whose position the events do not give
 * (quick-locate.ts), and a carriage return, which may end a line for one library and not the other.
 */
const DIFFERENT = /[!&*\r]|^%|(?:^|[ \t])-[ \t]*(?:#.*)?$/m;

export interface QuickRead {
  data: unknown;
  /** file:line:column of paths in the data, as `yaml` would give them. */
  locator(file: string): EventLocator;
}

/** The design as data, or undefined when only `yaml` may read this text. */
export const quickRead = (text: string): unknown => quickReadPlaced(text)?.data;

/** quickRead, and where each part of the data is written. */
export function quickReadPlaced(text: string): QuickRead | undefined {
  if (DIFFERENT.test(text)) return undefined;
  let events: ReturnType<typeof parseEvents>;
  let docs: unknown[];
  try {
    // Duplicate keys and syntax errors throw.
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
    docs = constructFromEvents(events, { source: text, schema: SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (docs.length !== 1 || hasDivergentKey(docs[0])) return undefined;
  return { data: docs[0], locator: (file) => new EventLocator(file, text, events, plainKey) };
}

/**
 * A key the two libraries may store differently: a null key reads as "null" here and as "" in
 * `yaml` (a key spelt "null" goes to yaml too, as it is rare), and "__proto__" is special in JS.
 * Nesting deeper than a design has also goes to `yaml`, whose reader reports it (yaml-read.ts).
 */
function hasDivergentKey(v: unknown, depth = 0): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(v)) return v.some((x) => hasDivergentKey(x, depth + 1));
  // for..in, not Object.entries: no array per mapping (this walk sees every node of the design).
  for (const k in v) if (Object.hasOwn(v, k) && (k === 'null' || k === '__proto__' || hasDivergentKey((v as Record<string, unknown>)[k], depth + 1))) return true;
  return false;
}
