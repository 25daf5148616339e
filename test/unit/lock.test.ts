// The per-lab lock (src/apply/lock.ts): runs of one lab take turns, a second run refuses at once
// with --no-wait and says who holds it, a holder that dies releases it, nested calls of one
// run do not wait for themselves, and lab names never escape the state directory.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

process.env.VNETMAP_STATE_DIR = mkdtempSync(join(tmpdir(), 'vnetmap-lock-'));
const { withLabLock, LOCK_DIR } = await import('../../src/apply/lock.js');
const { BusyError, InterruptedError, UserError } = await import('../../src/errors.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** flock(1) holding the lab's lock from another process, as another vnetmap run does (-o: its command does not keep the lock). */
async function foreignHolder(lab: string, mode = '-x'): Promise<{ kill: () => void; gone: Promise<void> }> {
  await withLabLock(lab, { what: 'probe' }, async () => undefined); // makes the lock directory and file
  const child = spawn('flock', [mode, '-o', join(LOCK_DIR(), `${lab}.lock`), 'sleep', '30'], { stdio: 'ignore', detached: true });
  const gone = new Promise<void>((r) => child.on('close', () => r()));
  // Wait until it holds it: our own no-wait attempt is refused.
  for (let i = 0; i < 100; i++) {
    const busy = await withLabLock(lab, { what: 'probe', wait: false, shared: mode === '-s' }, async () => false).catch(() => true);
    if (busy || mode === '-s') break;
    await sleep(20);
  }
  // Its own process group: flock and its sleep go together.
  return { kill: () => process.kill(-child.pid!, 'SIGKILL'), gone };
}

describe('per-lab lock', () => {
  it('refuses at once with --no-wait and names the holder', async () => {
    const h = await foreignHolder('lk1');
    writeFileSync(join(LOCK_DIR(), 'lk1.holder'), JSON.stringify({ pid: 4242, what: 'up', since: '2026-12-07T00:00:00Z' }));
    const err = await withLabLock('lk1', { what: 'down', wait: false }, async () => 'ran').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusyError);
    expect(String((err as Error).message)).toContain('"vnetmap up" (pid 4242)');
    h.kill();
    await h.gone;
  });

  it('waits for the holder, says so once, and runs when the holder dies (SIGKILL)', async () => {
    const h = await foreignHolder('lk2');
    const said: string[] = [];
    const t0 = Date.now();
    const run = withLabLock('lk2', { what: 'up', onWait: (m) => said.push(m) }, async () => Date.now());
    await sleep(300);
    h.kill();
    const ranAt = await run;
    expect(ranAt - t0).toBeGreaterThanOrEqual(250);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('waiting');
  });

  it('a wait can be stopped (Ctrl-C): InterruptedError, nothing ran', async () => {
    const h = await foreignHolder('lk3');
    const abort = new AbortController();
    let ran = false;
    const run = withLabLock('lk3', { what: 'up', signal: abort.signal }, async () => void (ran = true)).catch((e: unknown) => e);
    await sleep(100);
    abort.abort();
    expect(await run).toBeInstanceOf(InterruptedError);
    expect(ran).toBe(false);
    h.kill();
    await h.gone;
  });

  it('two runs in one process take turns; a nested call of one run does not wait for it', async () => {
    const order: string[] = [];
    const a = withLabLock('lk4', { what: 'up' }, async () => {
      order.push('a start');
      // Nested: `up` removes a crashed lab with down's code while holding the lock.
      await withLabLock('lk4', { what: 'down' }, async () => order.push('a nested'));
      await sleep(150);
      order.push('a end');
    });
    await sleep(20);
    const b = withLabLock('lk4', { what: 'up' }, async () => void order.push('b'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a nested', 'a end', 'b']);
  });

  it('status (shared) runs beside another status, not beside up', async () => {
    const h = await foreignHolder('lk5', '-s');
    expect(await withLabLock('lk5', { what: 'status', shared: true, wait: false }, async () => 'ran')).toBe('ran');
    expect(await withLabLock('lk5', { what: 'up', wait: false }, async () => 'ran').catch((e: unknown) => e)).toBeInstanceOf(BusyError);
    h.kill();
    await h.gone;
  });

  it('the lock file goes with the lab; runs that waited on the removed file take turns on the new one, never two at once', async () => {
    const { existsSync, mkdirSync, readdirSync } = await import('node:fs');
    const { labDir } = await import('../../src/apply/state.js');
    const file = join(LOCK_DIR(), 'lk6.lock');
    // A lab that exists keeps its lock file; once it is gone, the exclusive holder removes it.
    mkdirSync(labDir('lk6'), { recursive: true });
    await withLabLock('lk6', { what: 'up' }, async () => undefined);
    expect(existsSync(file)).toBe(true);
    rmSync(labDir('lk6'), { recursive: true });
    writeFileSync(join(LOCK_DIR(), 'lk6.holder.999999.tmp'), '{'); // a killed run's half-written holder file
    await withLabLock('lk6', { what: 'status', shared: true }, async () => undefined);
    expect(existsSync(file)).toBe(true); // a shared holder never removes it
    // Runs of a lab that is gone: each removes the file as it ends, while others wait on it.
    const spans: [number, number][] = [];
    const run = (hold: number) => withLabLock('lk6', { what: 'down' }, async () => {
      const t = performance.now();
      await sleep(hold);
      spans.push([t, performance.now()]);
    });
    const runs = [run(150)];
    for (let i = 0; i < 6; i++) {
      await sleep(40);
      runs.push(run(30 + 10 * i));
    }
    await Promise.all(runs);
    expect(spans).toHaveLength(7);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(readdirSync(LOCK_DIR()).filter((f) => f.startsWith('lk6.'))).toEqual([]);
  });

  it('lab names that are not lab names never reach the file system', async () => {
    for (const bad of ['../../tmp/x', '', '.locks', 'A', 'a/b', 'x'.repeat(17)]) {
      expect(await withLabLock(bad, { what: 'up' }, async () => 'ran').catch((e: unknown) => e)).toBeInstanceOf(UserError);
    }
  });
});
