// The warm netlink helper (src/exec/helper-session.ts): runs answered by one long-lived
// `netlink-batch.py --serve` read exactly as runs of a process of their own, it steps aside when
// busy, survives a crash of a run or of itself, goes back to its own namespace after every run
// (so it never keeps a lab's namespace alive) and ends when idle.
import { readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { HelperSession } from '../../src/exec/helper-session.js';
import { enterNs, netnsFile } from '../../src/exec/netns.js';
import { netlinkHelper } from '../../src/exec/netlink.js';
import { ProcessRunner } from '../../src/exec/runner.js';
import { isRoot, uniqueLab } from './realize-helpers.js';

const helper = netlinkHelper();
const ip = new ProcessRunner({ netlink: false });
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (done: () => boolean, ms: number): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (done()) return true;
  return done();
};

describe.skipIf(!isRoot || !helper)('warm netlink helper', () => {
  const made: string[] = [];
  const fresh = async (): Promise<string> => {
    const ns = `${uniqueLab()}hs`;
    await ip.run(['ip', 'netns', 'add', ns]);
    made.push(ns);
    await ip.run([...enterNs(ns), 'ip', '-batch', '-'], { input: 'link add v1 type veth peer name v2\nlink set dev v1 up\nneigh replace 10.9.0.9 lladdr 02:00:00:00:00:09 dev v1 nud stale\n' });
    return ns;
  };
  afterAll(async () => {
    if (made.length) await ip.run(['ip', '-force', '-batch', '-'], { input: made.map((n) => `netns del ${n}\n`).join(''), allowFail: true });
  });
  const flush = (ns: string): string => JSON.stringify({ batches: [{ netns: netnsFile(ns), text: 'neigh flush all\n' }] });
  const neighbours = async (ns: string): Promise<string> => (await ip.run([...enterNs(ns), 'ip', 'neigh', 'show'])).stdout.trim();

  it('answers like a process of its own, run after run, and goes home after each', async () => {
    const s = new HelperSession(helper!);
    try {
      const [a, b] = [await fresh(), await fresh()];
      expect(await neighbours(a)).toContain('10.9.0.9');
      const links = JSON.stringify({ netns: [netnsFile(a), '/var/run/netns/vnetmap-no-such-namespace'] });
      const once = await ip.run([...helper!, '--links'], { input: links });
      const warm = await s.run(['--links'], { input: links });
      expect(warm).toEqual(once);
      expect(JSON.parse(warm!.stdout).links[1]).toBeNull();
      const pid = s.pid!;
      expect(readlinkSync(`/proc/${pid}/ns/net`)).toBe(readlinkSync('/proc/self/ns/net'));
      for (const ns of [a, b]) {
        const r = await s.run([], { input: flush(ns) });
        expect(r).toEqual(await ip.run([...helper!], { input: flush(ns) })); // same answer as a process of its own
        expect(JSON.parse(r!.stdout)).toEqual({ skipped: [], failed: null });
        expect(await neighbours(ns)).toBe('');
        expect(readlinkSync(`/proc/${pid}/ns/net`)).toBe(readlinkSync('/proc/self/ns/net'));
      }
      expect(s.pid).toBe(pid); // one process for all of them
      expect(s.runs).toBe(3);
    } finally {
      s.close();
    }
  });

  it('steps aside while busy, reports a failed run and carries on, and starts again after dying', async () => {
    const s = new HelperSession(helper!);
    try {
      const ns = await fresh();
      const first = s.run([], { input: flush(ns) });
      expect(first).toBeDefined();
      expect(s.run([], { input: flush(ns) })).toBeUndefined(); // busy: the caller starts a process
      expect((await first)!.code).toBe(0);
      const bad = await s.run([], { input: '{not json' });
      expect(bad!.code).toBe(1);
      expect(bad!.stderr).toMatch(/JSONDecodeError/);
      const pid = s.pid!;
      expect((await s.run([], { input: flush(ns) }))!.code).toBe(0);
      process.kill(pid, 'SIGKILL');
      expect(await until(() => s.pid === undefined, 2_000)).toBe(true);
      expect((await s.run([], { input: flush(ns) }))!.code).toBe(0);
      expect(s.pid).not.toBe(pid);
    } finally {
      s.close();
    }
  });

  it('gives up on a run that outlives its timeout, and ends when idle', async () => {
    const s = new HelperSession(helper!, 200);
    const ns = await fresh();
    expect((await s.run([], { input: flush(ns) }))!.code).toBe(0);
    const pid = s.pid!;
    expect(await until(() => !alive(pid), 3_000)).toBe(true);
    expect(s.pid).toBeUndefined();
    // A run the helper cannot finish in time (stopped meanwhile) is killed.
    expect((await s.run([], { input: flush(ns) }))!.code).toBe(0);
    const slow = s.pid!;
    process.kill(slow, 'SIGSTOP');
    const r = (await s.run([], { input: flush(ns), timeoutMs: 300 }))!;
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/timeout 300 ms/);
    expect(await until(() => !alive(slow), 2_000)).toBe(true);
  });

  it("starts afresh right after a helper was ended or killed, and the old one's end settles nothing", async () => {
    const s = new HelperSession(helper!);
    try {
      const ns = await fresh();
      expect((await s.run([], { input: flush(ns) }))!.code).toBe(0);
      const first = s.pid!;
      s.close(); // its end arrives while the next run is pending
      const next = await s.run([], { input: flush(ns) });
      expect(next!.code).toBe(0);
      expect(s.pid).not.toBe(first);
      const second = s.pid!;
      process.kill(second, 'SIGSTOP');
      expect((await s.run([], { input: flush(ns), timeoutMs: 200 }))!.code).toBeNull();
      const after = await s.run([], { input: flush(ns) }); // the killed one's end arrives meanwhile
      expect(after!.code).toBe(0);
      expect(s.pid).not.toBe(second);
      expect(s.runs).toBe(3);
    } finally {
      s.close();
    }
  });

  it('fails a run whose answer it cannot read, and starts afresh', async () => {
    // A helper that answers lines that are not JSON (here: the first bytes of the request, echoed).
    const s = new HelperSession(['/bin/sh', '-c', 'head -c 10; echo; sleep 5', 'sh']);
    try {
      const r = await s.run([], { input: 'x', timeoutMs: 3_000 });
      expect(r!.code).toBe(1);
      expect(r!.stderr).toMatch(/answered something unreadable: \{"args":\[/);
      expect(s.pid).toBeUndefined();
    } finally {
      s.close();
    }
  });

  it('is what ProcessRunner uses for helper runs', async () => {
    const ns = await fresh();
    const runner = new ProcessRunner();
    const session = (runner as unknown as { session: HelperSession }).session;
    for (let k = 0; k < 3; k++) expect(JSON.parse((await runner.run([...helper!], { input: flush(ns) })).stdout)).toEqual({ skipped: [], failed: null });
    expect(session.runs).toBe(3);
    session.close();
  });
});
