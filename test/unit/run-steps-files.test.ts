// Files of a lab (hosts, resolv.conf, DHCP hooks) are written beside, then renamed over. The
// file beside is made exclusively: one a killed run of the same pid left behind, hard-linked to
// another file, is replaced, never written through.
import { linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../src/apply/run-steps.js';
import type { Runner } from '../../src/exec/runner.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noCommands = { run: () => Promise.reject(new Error('no command expected')) } as unknown as Runner;

describe('runSteps writes files beside, then renames', () => {
  it('a leftover file beside, hard-linked to another file, is replaced and the other file kept', async () => {
    const other = join(dir, 'other');
    writeFileSync(other, 'not vnetmap\'s\n');
    const path = join(dir, 'a', 'hosts');
    await runSteps([{ phase: 'hosts', path, content: 'first\n', why: 'hosts of a' }], noCommands);
    linkSync(other, `${path}.vnetmap-${process.pid}`);
    await runSteps([{ phase: 'hosts', path, content: '10.0.0.1 a\n', why: 'hosts of a' }], noCommands);
    expect(readFileSync(path, 'utf8')).toBe('10.0.0.1 a\n');
    expect(readFileSync(other, 'utf8')).toBe('not vnetmap\'s\n');
    expect(statSync(other).nlink).toBe(1);
  });

  it('a file the same as one written before is a hard link of it; an executable one gets mode 0755', async () => {
    const first = join(dir, 'b', 'hook');
    const second = join(dir, 'c', 'hook');
    await runSteps([
      { phase: 'daemons', path: first, content: '#!/bin/sh\nexit 0\n', executable: true, why: 'hook of b' },
      { phase: 'daemons', path: second, content: { sameAs: first }, why: 'hook of c' },
    ], noCommands);
    expect(statSync(first).mode & 0o777).toBe(0o755);
    expect(statSync(second).ino).toBe(statSync(first).ino);
  });
});
