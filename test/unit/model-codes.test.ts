// docs/errors.md is generated from the code list, and the list, the checks and the error
// corpus agree: every code the sources can emit is documented, and every documented code is
// demonstrated by at least one bad design in test/errors/ (or tested here, for the few that no
// design file can trigger).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, errorsMarkdown } from '../../src/model/checks/codes.js';
import { golden } from '../helpers/golden.js';

/** Codes no design file can produce, and why. */
const NOT_IN_CORPUS: Record<string, string> = {
  'E-READ': 'a missing file (tested in model-checks.test.ts)',
  'E-INTERNAL': 'a crashing check (tested in model-checks.test.ts)',
  'E-SCHEMA': 'fallback for zod issues the current schema cannot raise',
  'E-NOT-VM': 'the schema already rejects uplink/vlan on non-VM interfaces (E-UNKNOWN-KEY)',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('problem codes', () => {
  it('docs/errors.md is generated from src/model/checks/codes.ts', async () => {
    await golden('docs/errors.md', errorsMarkdown());
  });

  it('codes are unique and their prefix matches their severity', () => {
    const seen = new Set<string>();
    for (const c of CODES) {
      expect(seen.has(c.code), c.code).toBe(false);
      seen.add(c.code);
      expect(c.code).toMatch(c.severity === 'error' ? /^E-[A-Z0-9-]+$/ : /^W-[A-Z0-9-]+$/);
      expect(c.meaning.length).toBeGreaterThan(10);
      expect(c.fix.length).toBeGreaterThan(3);
    }
  });

  it('every code written in src/model is documented', () => {
    const documented = new Set(CODES.map((c) => c.code));
    const used = new Set<string>();
    for (const f of [...sources('src/model'), ...sources('src/engines/ovn/inventory')]) {
      if (f.endsWith('codes.ts')) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/'([EW]-[A-Z0-9-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((c) => !documented.has(c))).toEqual([]);
    expect(CODES.map((c) => c.code).filter((c) => !used.has(c))).toEqual([]);
  });

  it('every documented code is shown by a bad design in test/errors/', () => {
    // Inventories have a corpus of their own (test/errors/inventory.test.ts).
    const logs = ['test/errors', 'test/errors/inventory']
      .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(d, f), 'utf8')))
      .join('\n');
    const missing = CODES.map((c) => c.code).filter((c) => !NOT_IN_CORPUS[c] && !logs.includes(` ${c}: `));
    expect(missing).toEqual([]);
    for (const c of Object.keys(NOT_IN_CORPUS)) expect(logs.includes(` ${c}: `), `${c} is now in the corpus; drop it from NOT_IN_CORPUS`).toBe(false);
  });
});
