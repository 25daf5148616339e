// verify --html on a real twin: the report is written next to the usual output, says PASS with
// the pass line when the twin matches, and FAIL with the mismatch once the twin is broken
// behind vnetmap's back — and writing it never changes the exit code. Unique lab, always removed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { destroyLab } from '../../src/apply/destroy.js';
import { main } from '../../src/cli/main.js';
import { example, isRoot, leftovers, NOTHING, runner, uniqueLab } from './realize-helpers.js';

describe('verify --html', () => {
  it.skipIf(!isRoot)(`up, verify --html (pass), break a cable, verify --html (fail), down${isRoot ? '' : ' (skipped: needs root)'}`, async () => {
    const lab = uniqueLab();
    const dir = mkdtempSync(join(tmpdir(), 'vnetmap-verify-html-'));
    const file = join(dir, 'report.html');
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'vnetmap', 'up', example('network-a'), '--lab', lab, '--json'])).toBe(0);
      out = '';
      expect(await main(['node', 'vnetmap', 'verify', lab, '--html', file])).toBe(0);
      const pass = /\n(\d+ passed, 0 failed)\n$/.exec(out)?.[1];
      expect(pass).toBeDefined();
      expect(existsSync(file)).toBe(true);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('PASS: the twin behaves like the design');
      expect(html).toContain(pass!); // the same count line as the terminal
      expect(html.match(/<svg /g)!.length).toBe(2);
      expect(html).not.toMatch(/\s(src|href)=/);

      // Unplug pc2: the report flips to FAIL and names the lost ping; exit code is still 1.
      await runner.run(['ip', '-n', `vn-${lab}-pc2`, 'link', 'del', 'dev', 'eth0']);
      out = '';
      expect(await main(['node', 'vnetmap', 'verify', lab, '--only', 'ping', '--html', file])).toBe(1);
      const bad = readFileSync(file, 'utf8');
      expect(bad).toMatch(/FAIL: [1-9]\d* check\(s\) differ from the design/);
      expect(bad).toContain('<tr class="mismatch"><td>ping</td><td>pc1</td><td>pc2</td><td>a reply from the target</td><td>no reply from the target</td>');
      expect(bad).toContain(/\n(\d+ passed, [1-9]\d* failed)\n$/.exec(out)![1]);
    } finally {
      o.mockRestore();
      e.mockRestore();
      process.exitCode = undefined;
      await main(['node', 'vnetmap', 'down', lab]).catch(() => undefined);
      await destroyLab(lab, runner).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 180_000);
});
