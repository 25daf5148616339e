// YAML text -> plain data, with a Locator for file:line:column and every reason the text is
// not a readable document: syntax errors, tags, duplicate keys, aliases without anchors or
// that expand too far, and nesting deeper than any design needs. No step here recurses on
// the user's nesting before that nesting is known to be shallow: yaml's composer and toJS,
// zod and the checks all recurse, and "Maximum call stack size exceeded" is a crash.
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, YAMLParseError, type CST, type Document, type Node as YNode } from 'yaml';
import { describe } from './schema-issues.js';
import { Locator } from './locate.js';
import type { PathSeg, Problem } from './problems.js';

/**
 * Deepest nesting read. A design needs about eight levels (links -> link -> endpoints -> end ->
 * trunk -> id); yaml's composer overflows the call stack somewhere past a thousand.
 */
export const MAX_DEPTH = 64;

export interface YamlRead {
  locator: Locator;
  /** The document's data, when it could be read. */
  data?: unknown;
  problems: Problem[];
}

const OPTIONS = { prettyErrors: false, uniqueKeys: false, logLevel: 'error', resolveKnownTags: false } as const;

export function readYaml(text: string, file: string): YamlRead {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const bare = new Locator(file, undefined, lines);
  const problem = (offset: number, message: string, code = 'E-YAML'): Problem => ({ severity: 'error', code, message, ...bare.pos(offset), path: [] });
  const deep = tooDeepText(tokens);
  if (deep !== undefined) return { locator: bare, problems: [problem(deep, tooDeepMessage('here', 'check the brackets and indentation'), 'E-TOO-DEEP')] };

  const doc = compose(tokens, text.length);
  const locator = new Locator(file, doc, lines);
  // yaml reports a tag it cannot resolve (!foo, or !!binary with resolveKnownTags off) as a
  // warning and reads the value as text; a design has no use for tags, so it is an error.
  const syntax = [...doc.errors, ...doc.warnings].map((e) => {
    // yaml notices an unclosed "{" or "[" only where the next entry starts; point at the opener.
    const opener = /end with an? [}\]]/.test(e.message) ? unclosedBracket(text, e.pos[0]) : undefined;
    const message =
      opener !== undefined
        ? `YAML syntax: this "${text[opener]}" is never closed; add the missing "${text[opener] === '{' ? '}' : ']'}" at the end of the entry.`
        : yamlMessage(e.code, e.message, text.slice(e.pos[0], e.pos[1]));
    return problem(opener ?? e.pos[0], message);
  });
  // Duplicate keys are found here rather than by yaml (uniqueKeys is quadratic); only in a
  // document that parsed, as positions in a broken one mean little.
  if (!syntax.length) {
    for (const d of locator.duplicateKeys()) syntax.push({ ...problem(d.offset, duplicateMessage(d.path), 'E-DUP-KEY'), path: d.path });
  }
  if (syntax.length) return { locator, problems: syntax };

  const alias = aliasDepth(doc);
  if (alias) return { locator, problems: [problem(alias.offset, alias.message, alias.code)] };
  try {
    return { locator, data: doc.toJS(), problems: [] };
  } catch (e) {
    return { locator, problems: [aliasProblem(e, text, locator)] };
  }
}

/** What parseDocument does, from tokens already read: the first document, and an error for any other. */
function compose(tokens: CST.Token[], end: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const d of new Composer(OPTIONS).compose(tokens, true, end)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc!;
}

const tooDeepMessage = (where: string, fix: string): string =>
  `the YAML nests deeper than ${MAX_DEPTH} levels ${where}; a design needs about eight (nodes, a node, its interfaces, ...), so ${fix}.`;

/** Offset of the first collection nested deeper than MAX_DEPTH in the parsed tokens, walked without recursion. */
function tooDeepText(tokens: CST.Token[]): number | undefined {
  const stack: { t: CST.Token | null | undefined; depth: number }[] = tokens.map((t) => ({ t, depth: 0 }));
  while (stack.length) {
    const { t, depth } = stack.pop()!;
    if (!t) continue;
    if (t.type === 'document') stack.push({ t: t.value, depth });
    else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth + 1 > MAX_DEPTH) return t.offset;
      for (const item of t.items) {
        if ('key' in item) stack.push({ t: item.key, depth: depth + 1 });
        stack.push({ t: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * Aliases can nest data deeper than the text does (an alias of an alias of ...), or inside
 * itself ("&a [*a]"), which yaml turns into a circular object. Height of every node, aliases
 * followed, computed once per node without recursion.
 */
function aliasDepth(doc: Document.Parsed): { offset: number; message: string; code: string } | undefined {
  const root = doc.contents as YNode | null;
  if (!root) return undefined;
  const height = new Map<unknown, number>();
  const open = new Set<unknown>();
  const children = (n: unknown): unknown[] => {
    if (isAlias(n)) return [n.resolve(doc)];
    if (isMap(n)) return n.items.flatMap((p) => [p.key, p.value]);
    if (isSeq(n)) return n.items;
    return [];
  };
  const stack: { n: unknown; expanded: boolean }[] = [{ n: root, expanded: false }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.n == null || isScalar(top.n) || height.has(top.n)) {
      stack.pop();
      continue;
    }
    const kids = children(top.n);
    if (!top.expanded) {
      top.expanded = true;
      open.add(top.n);
      for (const k of kids) {
        if (open.has(k)) return { offset: (top.n as YNode).range?.[0] ?? 0, message: `YAML alias: this alias is used inside the very node its anchor names, which would nest forever; write the values out instead.`, code: 'E-YAML' };
        stack.push({ n: k, expanded: false });
      }
      continue;
    }
    stack.pop();
    open.delete(top.n);
    const h = (isAlias(top.n) ? 0 : 1) + Math.max(0, ...kids.map((k) => height.get(k) ?? 0));
    height.set(top.n, h);
    if (h > MAX_DEPTH) {
      // The text itself is shallow (tooDeepText), so an alias on the way down made it deep.
      const alias = firstAlias(top.n, height);
      return { offset: (alias ?? (top.n as YNode)).range?.[0] ?? 0, message: tooDeepMessage('once its aliases are expanded', 'write the aliased values out'), code: 'E-TOO-DEEP' };
    }
  }
  return undefined;
}

/** The first alias on the deepest way down from n. */
function firstAlias(n: unknown, height: Map<unknown, number>): YNode | undefined {
  let cur = n;
  for (let i = 0; i <= MAX_DEPTH + 1 && cur != null; i++) {
    if (isAlias(cur)) return cur;
    const kids: unknown[] = isMap(cur) ? cur.items.flatMap((p) => [p.key, p.value]) : isSeq(cur) ? cur.items : [];
    cur = kids.reduce<unknown>((a, b) => ((height.get(b) ?? 0) > (height.get(a) ?? -1) ? b : a), undefined);
  }
  return undefined;
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

function yamlMessage(code: string, message: string, source: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return 'YAML syntax: a tab is used for indentation here; YAML allows only spaces, replace it with spaces.';
  if (code === 'MULTILINE_IMPLICIT_KEY') return 'YAML syntax: this line has no "key: value" colon, so YAML reads it as part of a key spanning lines; add the ":" after the key.';
  if (code === 'TAG_RESOLVE_FAILED') return `YAML tag "${source}" is not one a design uses (only the standard ones, like !!str, are read); remove it.`;
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR' || code === 'UNEXPECTED_TOKEN')
    return `YAML syntax: ${first}; check the indentation and punctuation on this line.`;
  return `YAML syntax: ${first}.`;
}
