// Golden files: compare output with a committed file; UPDATE_GOLDEN=1 (or a missing file)
// rewrites it so the change shows up in review as a diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

export async function golden(path: string, actual: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) throw new Error(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test and commit it`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `golden ${path} (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(path, 'utf8'));
}
