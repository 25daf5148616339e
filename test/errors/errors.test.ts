// The error corpus: every bad design in test/errors/ with the exact output `vnetmap validate`
// gives for it next to it (.log). UPDATE_GOLDEN=1 rewrites the .log files; review the diff.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/model/checks/codes.js';
import { formatProblems } from '../../src/model/format.js';
import { loadDesignFile } from '../../src/model/load.js';
import { golden } from '../helpers/golden.js';

const DIR = 'test/errors';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const documented = new Set(CODES.map((c) => c.code));

describe('error corpus', () => {
  it('has at least 45 bad designs, each numbered and named', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const f of files) expect(f).toMatch(/^\d{2,3}-[a-z0-9-]+\.yaml$/);
  });

  for (const f of files) {
    it(f, async () => {
      const path = `${DIR}/${f}`;
      const r = loadDesignFile(path);
      const all = [...r.errors, ...r.warnings];
      // A corpus file that validates cleanly would test nothing.
      expect(all.length, `${f} reports no problem`).toBeGreaterThan(0);
      // Errors withhold the design; warnings alone do not.
      expect(r.design === undefined).toBe(r.errors.length > 0);
      for (const p of all) {
        expect(documented.has(p.code), `${p.code} is not in src/model/checks/codes.ts`).toBe(true);
        expect(p.severity, p.code).toBe(p.code.startsWith('E-') ? 'error' : 'warning');
        expect(p.file).toBe(path);
        expect(p.line).toBeGreaterThan(0);
        expect(p.column).toBeGreaterThan(0);
      }
      await golden(`${DIR}/${f.replace(/\.yaml$/, '.log')}`, formatProblems(all) + '\n');
    });
  }
});
