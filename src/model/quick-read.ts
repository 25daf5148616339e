// The quick read of a design, for the common case of a design with nothing to report.
//
// `yaml` (load.ts) keeps a source range on every node so that each problem can be placed at
// file:line, and it is slow on a cold start, which every command is: a 1,000-host design took
// ~400 ms to parse here, a 10,000-host one ~2 s. js-yaml reads the same text into plain data
// about four times faster, without positions. loadDesign reads with it first and keeps the
// result only when the design then has no error and no warning; otherwise it reads again with
// `yaml`, whose data, positions and syntax messages are the ones users see.
//
// Both must read every accepted text into the same data. Plain scalars resolve by the YAML 1.2
// core schema rules, defined here rather than taken from js-yaml's defaults; texts using what
// the two libraries treat differently (tags, anchors and aliases, directives, null keys, more
// than one document, duplicate keys) are left to `yaml`: undefined means "read it with yaml".
import { defineScalarTag, FAILSAFE_SCHEMA, load, NOT_RESOLVED } from 'js-yaml';

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

const SCHEMA = FAILSAFE_SCHEMA.withTags(
  defineScalarTag('tag:yaml.org,2002:null', { implicit: true, resolve: (s) => (CORE.null.test(s) ? null : NOT_RESOLVED), identify: (d) => d === null }),
  defineScalarTag('tag:yaml.org,2002:bool', { implicit: true, resolve: (s) => (CORE.bool.test(s) ? s[0] === 't' || s[0] === 'T' : NOT_RESOLVED), identify: (d) => typeof d === 'boolean' }),
  defineScalarTag('tag:yaml.org,2002:int', {
    implicit: true,
    resolve: (s) => (CORE.int.test(s) ? parseInt(s, 10) : CORE.oct.test(s) ? parseInt(s.slice(2), 8) : CORE.hex.test(s) ? parseInt(s.slice(2), 16) : NOT_RESOLVED),
    identify: (d) => Number.isInteger(d),
  }),
  defineScalarTag('tag:yaml.org,2002:float', {
    implicit: true,
    resolve: (s) => (CORE.float.test(s) ? parseFloat(s) : CORE.inf.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : CORE.nan.test(s) ? NaN : NOT_RESOLVED),
    identify: (d) => typeof d === 'number',
  }),
);

/**
 * Text that may read differently in the two libraries, or that `yaml` guards against: a tag
 * ("!"), an anchor or alias ("&", "*"), a directive ("%" at the start of a line). A mere
 * mention of these characters inside a value also sends the text to `yaml`, which is only slower.
 */
const DIFFERENT = /[!&*]|^%/m;

/** The design as data, or undefined when only `yaml` may read this text. */
export function quickRead(text: string): unknown {
  if (DIFFERENT.test(text)) return undefined;
  let data: unknown;
  try {
    // Duplicate keys, several documents and syntax errors throw.
    data = load(text, { schema: SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  return hasDivergentKey(data) ? undefined : data;
}

/**
 * A key the two libraries may store differently: a null key reads as "null" here and as "" in
 * `yaml` (a key spelt "null" goes to yaml too, as it is rare), and "__proto__" is special in JS.
 */
function hasDivergentKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasDivergentKey);
  if (v === null || typeof v !== 'object') return false;
  for (const [k, x] of Object.entries(v)) if (k === 'null' || k === '__proto__' || hasDivergentKey(x)) return true;
  return false;
}
