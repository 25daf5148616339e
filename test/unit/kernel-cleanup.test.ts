// `up` says when the kernel is still freeing namespaces deleted earlier (else a big lab's down
// just before looks like a hang), and the bench waits for the same signal: a kworker whose name
// carries "+netns" is running the netns workqueue; "-netns" ran it last; the rescuer is "R-netns".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { netnsCleanupRunning } from '../../src/apply/kernel-cleanup.js';

let proc: string;
const task = (pid: number | string, comm: string) => {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  writeFileSync(join(proc, String(pid), 'comm'), comm + '\n');
};
afterEach(() => rmSync(proc, { recursive: true, force: true }));

describe('netnsCleanupRunning', () => {
  it('is true only while a worker runs netns work', () => {
    proc = mkdtempSync(join(tmpdir(), 'vnm-proc-'));
    task(8, 'kworker/R-netns');
    task(12, 'kworker/u8:0-netns');
    task(40, 'kworker/u8:1+netns');
    mkdirSync(join(proc, 'sys'));
    mkdirSync(join(proc, '77')); // a task that exited between readdir and read
    expect(netnsCleanupRunning(proc)).toBe(true);
    rmSync(join(proc, '40'), { recursive: true });
    expect(netnsCleanupRunning(proc)).toBe(false);
    task(13, 'kworker/u8:3+netns');
    expect(netnsCleanupRunning(proc)).toBe(true);
  });

  it('is false where /proc cannot be read', () => {
    proc = mkdtempSync(join(tmpdir(), 'vnm-proc-'));
    expect(netnsCleanupRunning(join(proc, 'missing'))).toBe(false);
  });
});
