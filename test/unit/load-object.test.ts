// A design given as a JavaScript object reads as the same design as its YAML, and its mistakes
// are reported by their path into the object (it has no lines).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDesign } from '../../src/model/load.js';
import { formatProblems } from '../../src/model/format.js';

const yamlText = readFileSync(new URL('../../examples/network-b.yaml', import.meta.url), 'utf8');

describe('loadDesign with an object', () => {
  it('gives the design its YAML gives, and leaves the object as it was', () => {
    const obj = parse(yamlText) as Record<string, unknown>;
    const before = JSON.stringify(obj);
    const fromObject = loadDesign(obj, 'network-b.yaml');
    const fromText = loadDesign(yamlText, 'network-b.yaml');
    expect(fromObject.errors).toEqual([]);
    expect(fromObject.design).toEqual(fromText.design);
    expect(fromObject.warnings.map((w) => w.code)).toEqual(fromText.warnings.map((w) => w.code));
    expect(JSON.stringify(obj)).toBe(before);
  });

  it('names each mistake by its path into the object', () => {
    const r = loadDesign({ name: 'x', nodes: { pc1: { kind: 'hots' }, 'bad name': { kind: 'host' } }, links: [{ endpoints: ['pc1:eth0'] }] }, 'mine');
    expect(r.design).toBeUndefined();
    const text = formatProblems(r.errors);
    expect(text).toMatch(/^mine: nodes\.pc1\.kind: error /m);
    expect(text).toMatch(/^mine: links\[0\]/m);
    expect(text).toContain('mine: nodes["bad name"]');
  });

  it('refuses what is not a design, with what to do', () => {
    expect(formatProblems(loadDesign([1, 2]).errors)).toMatch(/^<design object>: \(the design\): error E-NOT-DESIGN: a design is an object with "name", "nodes" and "links"/);
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    expect(formatProblems(loadDesign(cyclic).errors)).toMatch(/E-NOT-DESIGN: a design object must be plain data/);
  });
});
