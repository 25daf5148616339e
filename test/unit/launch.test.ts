// The executable runs the bundle with V8's code cache only when the cache was made from that
// very bundle; a stale or damaged cache is ignored, never executed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, packageRoot } from '../../src/apply/design.js';

const root = packageRoot();
const built = existsSync(cliPath(root)) && existsSync(join(root, 'dist', 'cli.cjs.v8cache'));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(!built)(`executable and code cache${built ? '' : ' (skipped: dist not built: npm run build)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnetmap-launch-'));
  const dist = join(dir, 'dist');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A fresh copy of the package's executable, bundle and cache; returns the executable. */
  const copy = (): string => {
    mkdirSync(dist, { recursive: true });
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    for (const f of ['vnetmap.mjs', 'cli.cjs', 'cli.cjs.v8cache']) copyFileSync(join(root, 'dist', f), join(dist, f));
    return join(dist, 'vnetmap.mjs');
  };
  /** `vnetmap --version`, and what the executable said about the cache (VNETMAP_DEBUG). */
  const said = (bin: string): { out: string; cache?: string } => {
    const r = spawnSync(process.execPath, [bin, '--version'], { env: { ...process.env, VNETMAP_DEBUG: '1' }, encoding: 'utf8' });
    return { out: r.stdout.trim(), cache: /code cache (.*)/.exec(r.stderr)?.[1] };
  };

  it('uses the cache the build wrote', () => {
    expect(said(copy())).toEqual({ out: version, cache: 'used' });
  });

  it('ignores a cache made from another bundle (even of the same length), a damaged one, and one V8 refuses', () => {
    const bin = copy();
    const cli = join(dist, 'cli.cjs');
    writeFileSync(cli, readFileSync(cli, 'utf8').replace('internal error', 'INTERNAL ERROR'));
    expect(said(bin)).toEqual({ out: version, cache: 'absent or stale' });
    copy();
    const cache = join(dist, 'cli.cjs.v8cache');
    const bad = readFileSync(cache);
    for (let i = 100; i < bad.length; i += 97) bad[i] = bad[i]! ^ 0xff;
    writeFileSync(cache, bad);
    expect(said(bin)).toEqual({ out: version, cache: 'absent or stale' });
    // Matching hashes but data from another V8 (here: the header's version bytes changed).
    const data = Buffer.from(readFileSync(join(root, 'dist', 'cli.cjs.v8cache')).subarray(40));
    data[4] = data[4]! ^ 0xff;
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
    writeFileSync(cache, Buffer.concat([readFileSync(join(root, 'dist', 'cli.cjs.v8cache')).subarray(0, 20), sha1(data), data]));
    expect(said(bin)).toEqual({ out: version, cache: 'rejected by V8' });
  });
});
