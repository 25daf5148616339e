// A warm netlink helper: one `netlink-batch.py --serve` process that carries out helper runs one
// after another, for callers that need many in a row.
//
// verify empties the twin's neighbour caches between waves of probes (verify/neigh-budget.ts):
// a 100-host tree on a stock kernel takes ~25 waves, and each helper run started Python and its
// modules again (~0.1 s here) for ~15-25 ms of netlink work. The session answers each run exactly
// as a process of its own would (exit code, stdout, stderr), so callers and the Runner's
// contract do not change; ProcessRunner sends a helper run here when the session is free and
// starts a process of its own otherwise (two runs at once still go in parallel).
//
// It never holds anything up: while idle it keeps neither Node's event loop nor a namespace
// alive (the helper goes back to its own after each run), and after IDLE_MS without work it is
// ended (its input closed). If vnetmap dies, the helper reads the end of its input and exits.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { dieWithParent } from './parent-death.js';
import type { RunOptions, RunResult } from './runner.js';

/** How long an idle session waits for the next run before it ends. */
export const IDLE_MS = 1_000;

interface Pending {
  /** The helper process that owes the answer: only its answer, or its end, settles the run. */
  child: ChildProcessWithoutNullStreams;
  resolve: (r: RunResult) => void;
  timer: NodeJS.Timeout;
}

export class HelperSession {
  private child?: ChildProcessWithoutNullStreams;
  private pending?: Pending;
  private idle?: NodeJS.Timeout;
  /** Runs answered by this session so far (tests). */
  runs = 0;

  constructor(
    /** argv of the helper, without --serve. */
    private readonly helper: readonly string[],
    private readonly idleMs = IDLE_MS,
  ) {}

  /**
   * The result of the helper run with `args` and standard input `opts.input`, or undefined when
   * the session is busy with another run (the caller then starts a process of its own).
   */
  run(args: readonly string[], opts: RunOptions): Promise<RunResult> | undefined {
    if (this.pending) return undefined;
    clearTimeout(this.idle);
    const child = this.child ?? this.start();
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise<RunResult>((resolve) => {
      const timer = setTimeout(() => {
        // The next run starts a new helper; this one's end can no longer settle anything.
        if (this.child === child) this.child = undefined;
        this.finish(child, { code: null, stdout: '', stderr: `\n(killed by SIGKILL, timeout ${timeoutMs} ms)` });
        child.kill('SIGKILL');
      }, timeoutMs);
      this.pending = { child, resolve, timer };
      this.hold(child, true);
      child.stdin.write(JSON.stringify({ args, input: opts.input ?? '' }) + '\n');
    });
  }

  /** The helper's process id while it runs (tests look at its namespace). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ends the helper now (it would end after IDLE_MS anyway). */
  close(): void {
    clearTimeout(this.idle);
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    const [cmd, ...args] = dieWithParent([...this.helper, '--serve']);
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const err: string[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        let r: RunResult;
        try {
          r = JSON.parse(line) as RunResult;
        } catch {
          // Not an answer (a helper of another version?): that run failed, and this helper is done.
          if (this.child === child) this.child = undefined;
          this.finish(child, { code: 1, stdout: '', stderr: `netlink helper answered something unreadable: ${line.slice(0, 200)}` });
          child.kill('SIGKILL');
          return;
        }
        this.runs++;
        this.finish(child, { code: r.code, stdout: r.stdout, stderr: r.stderr });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => err.push(text));
    child.stdin.on('error', () => {}); // a helper that died: reported by 'close' below
    const gone = (stderr: string, code: number | null): void => {
      if (this.child === child) this.child = undefined;
      this.finish(child, { code, stdout: '', stderr: stderr || `netlink helper ended unexpectedly (exit code ${code})` });
    };
    child.on('error', (e: NodeJS.ErrnoException) => gone(e.code === 'ENOENT' ? `${cmd}: command not found` : e.message, 127));
    // A helper that ends while a run is pending failed that run, whatever its exit code.
    child.on('close', (code) => gone(err.join(''), code === 0 ? 1 : code));
    this.child = child;
    return child;
  }

  /** Hands the pending run of `child` its result; the session then idles until the next, or ends. */
  private finish(child: ChildProcessWithoutNullStreams, r: RunResult): void {
    const p = this.pending;
    if (!p || p.child !== child) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    this.hold(child, false);
    if (this.child) this.idle = setTimeout(() => this.close(), this.idleMs).unref();
    p.resolve(r);
  }

  /** While a run is pending the helper keeps Node's event loop alive; while idle it must not. */
  private hold(c: ChildProcessWithoutNullStreams, on: boolean): void {
    for (const s of [c, c.stdin, c.stdout, c.stderr] as unknown as (Socket | typeof c)[]) (on ? s.ref() : s.unref());
  }
}
