// The machine says no: a full disk in the middle of `up`, or a user who is not root. vnetmap
// must say what is wrong in a sentence (never "internal error"), exit 1 or 2, and leave nothing
// half-built.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netnsName } from '../../src/plan/names.js';
import { listNamespaces } from '../../src/apply/discover.js';
import { example, isRoot, runner, uniqueLab } from '../kernel/realize-helpers.js';
import { BIN } from './fault-helpers.js';

const mounts: string[] = [];
afterAll(async () => {
  for (const m of mounts) {
    await runner.run(['umount', m], { allowFail: true });
    rmSync(m, { recursive: true, force: true });
  }
});

describe.skipIf(!isRoot)(`the machine refuses${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('disk full while up writes its state: a plain message, exit 1, the lab removed again', async () => {
    // A small file system of its own as vnetmap's state directory, filled up to the last few KiB:
    // the lock and the journal fit, the state (the whole plan) does not.
    const dir = mkdtempSync(join(tmpdir(), 'vnetmap-full-'));
    await runner.run(['mount', '-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
    mounts.push(dir);
    const fs = statfsSync(dir);
    writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - 12 * 1024)));
    const lab = uniqueLab();
    const up = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const c = spawn('node', [BIN, 'up', example('network-a'), '--lab', lab], { env: { ...process.env, VNETMAP_STATE_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
      const err: Buffer[] = [];
      c.stderr.on('data', (b: Buffer) => err.push(b));
      c.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString() }));
    });
    expect(up.code, up.stderr).toBe(1);
    expect(up.stderr).toMatch(/no space left on the device/);
    expect(up.stderr).not.toMatch(/internal error/);
    expect((await listNamespaces(runner)).filter((n) => n.startsWith(netnsName(lab, '')))).toEqual([]);
    expect(existsSync(`/etc/netns/${netnsName(lab, 'pc1')}`)).toBe(false);
  });

  it('not root: status, down, up and verify say they need root (exit 2), and change nothing', async () => {
    const lab = uniqueLab();
    const dir = mkdtempSync(join(tmpdir(), 'vnetmap-nobody-'));
    chmodSync(dir, 0o755);
    const file = join(dir, 'd.yaml');
    writeFileSync(file, `name: ${lab}\nnodes:\n  a: { kind: host, interfaces: { eth0: { address: 10.1.0.1/24 } } }\n`, { mode: 0o644 });
    for (const args of [['status', lab], ['down', lab], ['up', file], ['verify', lab]]) {
      const r = await runner.run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', 'node', BIN, ...args], { allowFail: true, timeoutMs: 30_000 });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args[0]).toMatch(/needs root|no running lab/);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect((await listNamespaces(runner)).filter((n) => n.startsWith(netnsName(lab, '')))).toEqual([]);
  });
});
