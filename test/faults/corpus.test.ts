// Issue 24, item 7: the bad-design corpus (mutations.ts, 650 designs: wrong types, dangling
// references, duplicates, numbers out of range, broken YAML, hostile text, prototype keys, deep
// nesting, aliases, shapes that are no design, a huge file). Every one must be refused the way
// a user can act on: `vnetmap validate` exits 2, every problem line is file:line:column:
// severity CODE: message, and the output holds no stack trace, no "internal error" and no
// control character. They run in-process through the CLI's main(); a sample also through the
// real executable, and a sample of `vnetmap up`, which must change nothing on the host.
// VNETMAP_FAULTS=full adds a 20,000-node file and runs every design through the executable.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../src/apply/design.js';
import { mapPool } from '../../src/exec/pool.js';
import { ProcessRunner } from '../../src/exec/runner.js';
import { runMain } from '../helpers/run-main.js';
import { badDesigns } from './mutations.js';

const FULL = process.env.VNETMAP_FAULTS === 'full';
const CASES = badDesigns(FULL);
const dir = mkdtempSync(join(tmpdir(), 'vnetmap-faults-'));
const files = CASES.map((c, i) => {
  const f = join(dir, `${String(i).padStart(4, '0')}.yaml`);
  writeFileSync(f, c.text);
  return f;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runner = new ProcessRunner();
const BIN = cliPath();
const isRoot = process.getuid?.() === 0;

const executable = async (args: string[]) => {
  const r = await runner.run(['node', BIN, ...args], { allowFail: true, timeoutMs: 120_000 });
  return { code: r.code, out: r.stdout, err: r.stderr };
};

/** Everything wrong with the answer to `validate FILE` (or `up FILE`), as sentences. */
function complaints(file: string, r: { code: number | null; out: string; err: string }, cmd: 'validate' | 'up' = 'validate'): string[] {
  const bad: string[] = [];
  if (r.code !== 2) bad.push(`exit ${r.code}, not 2`);
  const all = r.out + r.err;
  if (/\n\s+at .+[:(]\d+/.test(all)) bad.push('a stack trace');
  if (/internal error|E-INTERNAL/.test(all)) bad.push('an internal error');
  // Line breaks end lines; any other control character (ESC, CSI, NUL, ...) reached the terminal.
  const ctl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.exec(all);
  if (ctl) bad.push(`control character U+${ctl[0].charCodeAt(0).toString(16).padStart(4, '0')} in the output`);
  const lines = r.err.split('\n').filter(Boolean);
  // up ends with one line of its own: "vnetmap: FILE: N error(s); fix them and try again."
  if (cmd === 'up' && !/^vnetmap: .*fix them and try again\.$/.test(lines.pop() ?? '')) bad.push('no "fix them" line');
  const problem = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: (error|warning) [EW]-[A-Z0-9-]+: .+$`);
  for (const l of lines) if (!problem.test(l)) bad.push(`not file:line:column: ${l.slice(0, 120)}`);
  if (!lines.some((l) => / error E-/.test(l))) bad.push('no error reported');
  if (cmd === 'validate' && !r.out.startsWith(`${file}: invalid (`)) bad.push(`summary line: ${r.out.slice(0, 120)}`);
  return bad;
}

describe('the bad-design corpus', () => {
  it(`has at least 300 designs, each with its own id (${CASES.length} here)`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });

  it('vnetmap validate refuses every one: exit 2, every problem at file:line:column, nothing raw or crashing', async () => {
    const failures: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const bad = complaints(files[i]!, await runMain(['validate', files[i]!]));
      if (bad.length) failures.push(`${c.id}: ${bad.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  const ready = existsSync(BIN);
  it.skipIf(!ready)(`the real executable answers the same${FULL ? '' : ' (every 25th design; VNETMAP_FAULTS=full for all)'}`, async () => {
    // Four at a time: one by one, the full run's 651 processes outlasted 10 minutes on a loaded machine.
    const picked = [...CASES.entries()].filter(([i]) => FULL || i % 25 === 0);
    const failures = (
      await mapPool(picked, 4, async ([i, c]) => {
        const bad = complaints(files[i]!, await executable(['validate', files[i]!]));
        return bad.length ? [`${c.id}: ${bad.join('; ')}`] : [];
      })
    ).flat();
    expect(failures).toEqual([]);
  }, 900_000);

  it.skipIf(!ready || !isRoot)('vnetmap up refuses them too and changes nothing on the host (every 50th design)', async () => {
    const lab = `tfault${process.pid.toString(36)}`.slice(0, 16);
    // Other tests build labs at the same time: compare what could be this lab's, by name.
    const mine = async () => ({
      netns: (await runner.run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.includes(`vn-${lab}-`)),
      etc: existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((n) => n.includes(`vn-${lab}-`)) : [],
      run: existsSync('/run/vnetmap') ? readdirSync('/run/vnetmap').filter((n) => n === lab) : [],
    });
    const before = await mine();
    const failures: string[] = [];
    for (const [i, c] of CASES.entries()) {
      if (i % 50 !== 0) continue;
      const bad = complaints(files[i]!, await executable(['up', files[i]!, '--lab', lab]), 'up');
      if (bad.length) failures.push(`${c.id}: ${bad.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(await mine()).toEqual(before);
  }, 600_000);
});
