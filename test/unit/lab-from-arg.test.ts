// `down FILE` / `status FILE` need only the design's name: a design edited since (even into one
// that no longer validates) still names its lab; a file without a usable name gets the full
// load's messages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labFromArg } from '../../src/apply/design.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-labarg-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('labFromArg', () => {
  it('reads the name of a design that no longer validates', () => {
    expect(labFromArg(file('broken.yaml', 'name: lab-one\nnodes:\n  pc1: { kind: nosuchkind }\n'))).toBe('lab-one');
  });

  it('gives the design errors when the name cannot be read', () => {
    expect(() => labFromArg(file('noname.yaml', 'nodes: {}\n'))).toThrow(UserError);
    expect(() => labFromArg(file('badname.yaml', 'name: Bad_Name\nnodes: {}\n'))).toThrow(UserError);
  });

  it('takes --lab and plain lab names as they are', () => {
    expect(labFromArg('whatever.yaml', 'lab-two')).toBe('lab-two');
    expect(labFromArg('lab-three')).toBe('lab-three');
  });
});
