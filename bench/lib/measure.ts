// Timing and process measurement for the benchmark. Every external command goes through the
// project's Runner (argv arrays); wall time and peak memory come from GNU time so they cover
// the whole child process, Node start-up included, exactly what a user waits for.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { netnsCleanupRunning } from '../../src/apply/kernel-cleanup.js';
import { ProcessRunner, type RunResult } from '../../src/exec/runner.js';

export const runner = new ProcessRunner();
/** The repository (bench/run.sh runs from there). */
export const ROOT = process.env.VNETMAP_ROOT ?? process.cwd();
/** Everything the bench writes that is not a result lives here (gitignored). Never /tmp: `mn -c` deletes /tmp/*.log. */
export const OUT_DIR = join(ROOT, 'bench', 'out');
mkdirSync(OUT_DIR, { recursive: true });

export interface Timed extends RunResult {
  /** Wall-clock seconds of the child, from GNU time. */
  seconds: number;
  /** Peak resident set size of the child in KiB. */
  maxRssKb: number;
}

/** Runs argv under /usr/bin/time; never throws on a non-zero exit (callers judge the result). */
export async function timed(argv: string[], timeoutMs = 30 * 60_000, input?: string): Promise<Timed> {
  const dir = mkdtempSync(join(OUT_DIR, 'time-'));
  const file = join(dir, 't');
  try {
    const t0 = Date.now();
    // coreutils timeout signals its whole process group: GNU time and the command under it (the
    // Runner's own timeout, a backstop, would kill GNU time only and leave the command running).
    const limit = ['timeout', '-k', '10', `${Math.ceil(timeoutMs / 1000)}s`];
    const res = await runner.run([...limit, '/usr/bin/time', '-o', file, '-f', '%e %M', ...argv], { allowFail: true, timeoutMs: timeoutMs + 30_000, ...(input !== undefined ? { input } : {}) });
    const timedOut = res.code === 124 || res.code === 137; // (null: killed by the Runner's backstop, which says so)
    if (timedOut) res.stderr += `\n(stopped by timeout after ${Math.ceil(timeoutMs / 1000)} s)`;
    // A command stopped at the timeout takes GNU time with it: then the wall time seen from here.
    let last = '';
    try {
      last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
    } catch {
      /* GNU time killed before it wrote */
    }
    const [s, kb] = last.split(' ');
    return { ...res, seconds: timedOut || res.code === null || !s ? (Date.now() - t0) / 1000 : Number(s), maxRssKb: Number(kb) || 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Wall-clock and CPU milliseconds of a function run in this process. CPU time is reported next
 * to wall time because the machine is shared: other work stretches wall time, not CPU time.
 */
export async function clock<T>(f: () => T | Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  os: string;
  node: string;
  mininet: string;
  iproute2: string;
  /** net.ipv4.neigh.default.gc_thresh3 when the run started (Mininet raises it; verify sizes its probes to it). */
  neighTable?: string;
}

export async function machine(): Promise<Machine> {
  const first = async (argv: string[]) => { const r = await runner.run(argv, { allowFail: true }); return (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? ''; };
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: await first(['uname', '-r']),
    os: /^PRETTY_NAME="?([^"\n]*)/m.exec(osRelease)?.[1] ?? 'unknown',
    node: process.version,
    mininet: (await first(['mn', '--version'])) || 'not installed',
    iproute2: await first(['ip', '-V']),
    neighTable: neighTable(),
  };
}

/** net.ipv4.neigh.default.gc_thresh3 now: the machine-wide neighbour table verify fits its waves to. */
export function neighTable(): string {
  try {
    return readFileSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Seconds until the kernel has finished the clean-up a teardown leaves behind. Deleting a
 * namespace only drops a reference; the kernel frees it afterwards, in one worker of its
 * "netns" workqueue (cleanup_net) that holds the RTNL lock for most of it. That worker is often
 * idle, not busy: freeing a Linux bridge waits for one RCU barrier (br_multicast_dev_del), one
 * bridge after the other, ~15-20 ms each here. After `down` of a 1,000-host tree (111 bridges)
 * it ran for ~2.9 s, of which ~1.7 s nearly idle; after the 1,000-switch line, ~19.5 s, almost
 * all idle (docs/benchmarks.md). The next run would pay for that, so neither CPU idleness nor
 * the lock alone says it is over (a root-namespace `ip link show` is answered without the lock).
 * Settled = `ip link show` answers in under 30 ms twice in a row, then for QUIET_MS no worker
 * runs netns work (its name reads "kworker/…+netns" while it does) and the CPUs stay at least
 * 85 % idle. The time reported runs to the end of the last busy moment, not of the quiet wait.
 * Measured for both tools after every run and reported beside their times.
 */
export async function settle(maxMs = 600_000): Promise<number> {
  const t0 = Date.now();
  let fast = 0;
  while (fast < 2 && Date.now() - t0 < maxMs) {
    const t = Date.now();
    await runner.run(['ip', 'link', 'show'], { allowFail: true, timeoutMs: maxMs });
    fast = Date.now() - t < 30 ? fast + 1 : 0;
    await sleep(50);
  }
  let lastBusy = Date.now();
  while (Date.now() - lastBusy < QUIET_MS && Date.now() - t0 < maxMs) {
    if ((await busyFraction(250)) > 0.15 || netnsCleanupRunning()) lastBusy = Date.now();
  }
  return (lastBusy - t0) / 1000;
}

/** How long the machine must stay quiet to count as settled. */
const QUIET_MS = 3_000;

/** Share of CPU time (all cores) spent busy over the next `ms` milliseconds. */
export async function busyFraction(ms: number): Promise<number> {
  const read = (): { idle: number; total: number } => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}
