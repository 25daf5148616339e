// The inventory's error corpus: every bad inventory in test/errors/inventory/, read against
// examples/network-a.yaml (pins name its nodes), with the exact messages next to it (.log),
// each at file:line:column. UPDATE_GOLDEN=1 rewrites the .log files; review the diff.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/model/checks/codes.js';
import { formatProblems } from '../../src/model/format.js';
import { loadDesignFile } from '../../src/model/load.js';
import { loadInventoryFile } from '../../src/engines/ovn/inventory/load.js';
import { golden } from '../helpers/golden.js';

const DIR = 'test/errors/inventory';
const files = readdirSync(DIR).filter((f) => f.endsWith('.inventory.yaml')).sort();
const design = loadDesignFile('examples/network-a.yaml').design!;
const documented = new Set(CODES.map((c) => c.code));

describe('inventory error corpus', () => {
  it('has bad inventories, each numbered and named', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(f).toMatch(/^\d{2}-[a-z0-9-]+\.inventory\.yaml$/);
  });

  for (const f of files)
    it(f, async () => {
      const path = `${DIR}/${f}`;
      const r = loadInventoryFile(path, design);
      expect(r.inventory).toBeUndefined();
      expect(r.errors.length, `${f} reports no problem`).toBeGreaterThan(0);
      for (const p of r.errors) {
        expect(documented.has(p.code), `${p.code} is not in src/model/checks/codes.ts`).toBe(true);
        expect(p.file).toBe(path);
        expect(p.line).toBeGreaterThan(0);
        expect(p.column).toBeGreaterThan(0);
      }
      await golden(path.replace(/\.inventory\.yaml$/, '.log'), formatProblems(r.errors) + '\n');
    });

  it('a good inventory reads, with the defaults filled in', () => {
    const r = loadInventoryFile('test/golden/ovn-inventory/two-machines.inventory.yaml', design);
    expect(r.errors).toEqual([]);
    expect(r.inventory).toMatchObject({ central: { address: '192.0.2.1', nbPort: 6641, sbPort: 6642 }, underlayMtu: 1500, machines: [{ name: 'rack1-hv1', pins: ['pc1'] }, { name: 'rack1-hv2', capacity: 2, pins: [] }] });
  });
});
