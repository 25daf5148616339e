// The quick read (js-yaml) must give exactly the data `yaml` gives, or step aside: a design is
// accepted or rejected the same way whichever library read it.
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LineCounter } from 'yaml';
import { loadDesign } from '../../src/model/load.js';
import { Locator } from '../../src/model/locate.js';
import type { PathSeg } from '../../src/model/problems.js';
import { quickRead, quickReadPlaced } from '../../src/model/quick-read.js';

const viaYaml = (text: string): unknown => {
  const d = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  return d.errors.length ? 'error' : d.toJS();
};

const SCALARS = [
  '0b101', '1_000', '+12', '0o17', '017', '.5', '1e3', '1.', '.inf', '-.Inf', '.NaN', 'True', 'TRUE', 'tRue', 'yes', 'on', 'off', 'no', '~',
  'Null', 'NULL', '', '0x1F', '-0x1F', '12:30', '2001-12-14', '1e', '0.1e+3', '-0', '00', '0x_1', '+.5', '1e400', '-1e400', '9007199254740993',
  '10.0.0.1/16', '08', '0o8', '1.2.3', '+0x1', '0O7', '0X1F', '1E3', '.1_0', '"a\\tb"', "'it''s'", '"\\u00e9"', '0.', '-.5e-3', 'nan', 'Infinity',
];

/** Every path in the data, and one step past each (a key or index that is not there). */
function paths(v: unknown, at: PathSeg[] = []): PathSeg[][] {
  const out: PathSeg[][] = [at];
  if (Array.isArray(v)) {
    v.forEach((x, i) => out.push(...paths(x, [...at, i])));
    out.push([...at, v.length]);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
    out.push([...at, 'no-such-key']);
  }
  return out;
}

/** The quick read places every path (and every key) where the yaml read does. */
function samePositions(text: string): boolean {
  const quick = quickReadPlaced(text);
  if (!quick) return false;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const viaYaml = new Locator('f', doc, lines);
  const viaEvents = quick.locator('f');
  for (const p of paths(quick.data)) {
    for (const atKey of [false, true]) expect({ text, p, atKey, at: viaEvents.at(p, atKey) }).toEqual({ text, p, atKey, at: viaYaml.at(p, atKey) });
  }
  return true;
}

describe('quick read', () => {
  it('places problems where the yaml read does: corpus, examples and tricky layouts', () => {
    const files = [...readdirSync('test/errors').filter((f) => f.endsWith('.yaml')).map((f) => `test/errors/${f}`), ...readdirSync('examples').map((f) => `examples/${f}`)];
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    texts.push(
      '# comment\n\na:   \nb: # c\n  x: "q"\n  y: \'s\'\n  z: |\n    text\n  w: >- # note | >\n    more\n',
      '{a: , "b" : 1, c}\n',
      'k:\n  - [1, {f: g, h: }]\n  - x: 1\n    y:\n  - "quoted key": v\n',
      'a:\t\n  b: c\n---\n',
      'list: [a, "b", \'c\']\nmap: { "k": v, \'l\': w }\n',
    );
    let compared = 0;
    for (const t of texts) if (samePositions(t)) compared++;
    expect(compared).toBeGreaterThan(50);
  });

  it('reads every plain and quoted scalar form as yaml does (YAML 1.2 core schema)', () => {
    for (const v of SCALARS) {
      for (const text of [`v: ${v}\n`, `k: [${v}]\n`, `${v || '""'}: 1\n`]) {
        const quick = quickRead(text);
        if (quick !== undefined) expect({ text, data: quick }).toEqual({ text, data: viaYaml(text) });
        else expect(text).toMatch(/^~|^null|^Null|^NULL|^: |:.*:/); // only null keys and mapping-like values step aside
      }
    }
  });

  it('steps aside for tags, anchors, aliases, directives, null keys, duplicate keys, several documents and syntax errors', () => {
    for (const text of ['a: !!float 1\n', 'a: &x 1\nb: *x\n', '%YAML 1.1\n---\na: yes\n', '~: 1\n', 'null: 1\n', 'a: 1\na: 2\n', 'a: 1\n---\nb: 2\n', 'a: [1\n', 'a:\n\t- 1\n']) {
      expect(quickRead(text)).toBeUndefined();
    }
  });

  it('agrees with yaml on generated documents', () => {
    const scalar = fc.oneof(fc.constantFrom(...SCALARS), fc.stringMatching(/^[a-z0-9.+\-_:/ ]{0,8}$/));
    const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/);
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    const render = (v: unknown, indent: string): string => {
      if (Array.isArray(v)) return v.length ? v.map((x) => `\n${indent}- ${render(x, indent + '  ').trimStart()}`).join('') : ' []';
      if (v !== null && typeof v === 'object') {
        const e = Object.entries(v);
        return e.length ? e.map(([k, x]) => `\n${indent}${k}:${render(x, indent + '  ')}`).join('') : ' {}';
      }
      return ` ${String(v)}`;
    };
    let read = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), (doc) => {
        const text = render(doc, '').trimStart() + '\n';
        const quick = quickRead(text);
        if (quick !== undefined) {
          read++;
          expect(quick).toEqual(viaYaml(text));
          samePositions(text);
        }
      }),
      { numRuns: 300 },
    );
    expect(read).toBeGreaterThan(150); // the quick read did most of them

  });

  it('places problems where the yaml read does on generated layouts (flow, quotes, block scalars, empty values, comments)', () => {
    const key = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/), fc.constantFrom('10', '.5', 'true', '"q k"', "'s'"));
    type Tree = string | null | Tree[] | { [k: string]: Tree };
    const value: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('x', '"dq"', "'sq'", '10.0.0.1/24', '1', 'a b'),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    const flow = (v: Tree): string =>
      v === null ? '' : typeof v === 'string' ? v : Array.isArray(v) ? `[${v.map((x) => (x === null ? 'x' : flow(x))).join(', ')}]` : `{${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')}}`;
    const block = (v: Tree, indent: string, style: number): string => {
      if (v === null) return style % 2 ? ' # empty' : '';
      if (typeof v === 'string') return style % 3 === 0 ? ` |\n${indent}  ${v}` : ` ${v}`;
      if (style % 4 === 1) return ` ${flow(v)}`;
      if (Array.isArray(v)) return v.length ? v.map((x) => `\n${indent}- ${(x === null ? 'x' : block(x, indent + '  ', style + 1)).trimStart()}`).join('') : ' []';
      const e = Object.entries(v);
      return e.length ? e.map(([k, x]) => `\n${indent}${k}:${block(x, indent + '  ', style + 1)}`).join('') : ' {}';
    };
    let compared = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), fc.nat(11), (doc, style) => {
        const text = block(doc, '', style).trimStart() + '\n';
        if (samePositions(text)) compared++;
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('gives the same design for every example, and leaves designs with problems to the positioned read', () => {
    for (const f of readdirSync('examples').filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(`examples/${f}`, 'utf8');
      expect(quickRead(text), f).toEqual(viaYaml(text));
      const r = loadDesign(text, f);
      expect(r.errors, f).toEqual([]);
    }
    // A problem still comes with its line, found by the yaml read.
    const bad = loadDesign('name: x\nnodes:\n  a: { kind: host, interfaces: { eth0: { address: 10.0.0.300/24 } } }\nlinks: []\n', 'bad.yaml');
    expect(bad.errors[0]).toMatchObject({ file: 'bad.yaml', line: 3 });
  });
});
