// Scratch directories of killed runs are swept; those of live runs, young ones of older
// versions and anything not vnetmap's stay.
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sweepScratch } from '../../src/exec/fan-out.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-sweep-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('removes what dead runs and old versions left, nothing else', () => {
  const make = (n: string, ageS = 0) => {
    mkdirSync(join(dir, n));
    if (ageS) utimesSync(join(dir, n), Date.now() / 1000 - ageS, Date.now() / 1000 - ageS);
  };
  make('vnetmap-fan-999999999-abcdef'); // a pid no process has
  make(`vnetmap-fan-${process.pid}-abcdef`); // this run's
  make('vnetmap-fan-XKNK6u', 2 * 3600); // an older version's, two hours old
  make('vnetmap-fan-zq4qJa'); // an older version's, just made: maybe running
  make('vnetmap-fanatic', 2 * 3600); // not ours
  expect(sweepScratch(dir)).toBe(2);
  expect(['vnetmap-fan-999999999-abcdef', `vnetmap-fan-${process.pid}-abcdef`, 'vnetmap-fan-XKNK6u', 'vnetmap-fan-zq4qJa', 'vnetmap-fanatic'].map((n) => existsSync(join(dir, n)))).toEqual([false, true, false, true, true]);
});
