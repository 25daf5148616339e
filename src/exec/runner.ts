// The one door to side effects: every external command goes through a Runner as an argv
// array (never a shell string). Tests substitute a RecordingRunner at this boundary.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { ToolError } from '../errors.js';
import { fanOut, fansOut, type Command } from './fan-out.js';
import { HelperSession } from './helper-session.js';
import { NETLINK_MIN_BATCHES, netlinkHelper, viaNetlink, viaNft } from './netlink.js';
import { asDirect, dieWithParent } from './parent-death.js';
import { vtyAsk } from './vty.js';
import { traceCommand } from './verbosity.js';

export type { Command } from './fan-out.js';

export interface RunOptions {
  /** Text written to the command's standard input. */
  input?: string;
  /** Kill the command after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Return a failed result instead of throwing ToolError. */
  allowFail?: boolean;
  /** Shown to the user with a ToolError: what they can do about it. */
  hint?: string;
  /** Stop the command early (SIGTERM, then SIGKILL after 1 s): long-lived helpers such as listeners. */
  signal?: AbortSignal;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /**
   * Run independent commands, at most `parallel` at a time, each failing like run() does (the
   * first failure is thrown once they all ran). Optional: without it, runAll() uses run().
   */
  runMany?(cmds: readonly Command[], parallel: number): Promise<void>;
  /**
   * Start a long-running program that must outlive vnetmap (a daemon of the twin): in a session
   * of its own, standard input from /dev/null, output appended to `log`. Resolves with its pid
   * once it has run for `settleMs` (default 150 ms); one that ended sooner is a ToolError with
   * the end of its log. Optional: a runner without it cannot start daemons.
   */
  spawnDetached?(argv: readonly string[], opts: { log: string; settleMs?: number }): Promise<number>;
  /**
   * Ask a daemon of the twin one command through its vty socket (FRR, vty.ts): its answer.
   * Optional: without it, callers run vtysh through run().
   */
  vty?(socket: string, command: string): Promise<string>;
  /**
   * Start many such programs at once (libexec/spawn-daemons.py): a pid for each, or why it ended
   * at once. Optional: without it, they are started one spawnDetached each.
   */
  spawnMany?(daemons: readonly { argv: readonly string[]; log: string }[], settleMs?: number): Promise<({ pid: number } | { error: ToolError })[]>;
}

/** Run independent commands through runner.runMany, or through run(), `parallel` at a time. */
export async function runAll(runner: Runner, cmds: readonly Command[], parallel: number): Promise<void> {
  if (runner.runMany) return runner.runMany(cmds, parallel);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < cmds.length && failure === undefined) {
      const c = cmds[next++]!;
      await runner.run(c.argv, c.input !== undefined ? { input: c.input } : {}).catch((e: unknown) => {
        failure ??= e;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, cmds.length) }, worker));
  if (failure !== undefined) throw failure;
}

export interface ProcessRunnerOptions {
  /**
   * Per-namespace ip batches through the netlink helper (netlink.ts) where it can run: 'auto'
   * (default) from NETLINK_MIN_BATCHES at once, true for any number (tests), false never.
   * VNETMAP_NETLINK=0 turns it off.
   */
  netlink?: boolean | 'auto';
}

/** Debian's Python (the launcher of spawnMany needs nothing else). */
const PYTHON3 = '/usr/bin/python3';

export class ProcessRunner implements Runner {
  private readonly helper: string[] | undefined;
  private readonly atLeast: number;
  /** Helper runs go to one warm helper process when it is free (helper-session.ts). */
  private readonly session: HelperSession | undefined;
  constructor(opts: ProcessRunnerOptions = {}) {
    this.helper = opts.netlink === false ? undefined : netlinkHelper();
    this.atLeast = opts.netlink === true ? 1 : NETLINK_MIN_BATCHES;
    this.session = this.helper && new HelperSession(this.helper);
  }

  /**
   * Per-namespace ip batches through one netlink process, the rest through one xargs
   * (fan-out.ts) where possible: far fewer spawns from Node.
   */
  async runMany(all: readonly Command[], parallel: number): Promise<void> {
    const run = (argv: readonly string[], o?: RunOptions): Promise<RunResult> => this.run(argv, o);
    const cmds = this.helper ? await viaNft(run, this.helper, await viaNetlink(run, this.helper, all, this.atLeast), this.atLeast) : all;
    const done = await Promise.allSettled([fanOut(run, cmds.filter(fansOut), parallel), runAll({ run }, cmds.filter((c) => !fansOut(c)), parallel)]);
    for (const d of done) if (d.status === 'rejected') throw d.reason;
  }

  vty(socket: string, command: string): Promise<string> {
    return vtyAsk(socket, command);
  }

  async spawnMany(daemons: readonly { argv: readonly string[]; log: string }[], settleMs = 150): Promise<({ pid: number } | { error: ToolError })[]> {
    const launcher = join(packageRoot(), 'libexec', 'spawn-daemons.py');
    if (!existsSync(PYTHON3) || !existsSync(launcher))
      return Promise.all(daemons.map((d) => this.spawnDetached(d.argv, { log: d.log, settleMs }).then((pid) => ({ pid }), (error: ToolError) => ({ error }))));
    for (const d of daemons) traceCommand(d.argv);
    const r = await this.run([PYTHON3, '-I', '-S', launcher], { input: JSON.stringify({ daemons: daemons.map((d) => ({ argv: d.argv, log: d.log })), settle_ms: settleMs }) });
    const out = JSON.parse(r.stdout) as ({ pid: number } | { error: string; code: number | null })[];
    return out.map((o, i) => {
      if ('pid' in o) return o;
      const d = daemons[i]!;
      let tail = '';
      try {
        tail = readFileSync(d.log, 'utf8').split('\n').slice(-12).join('\n');
      } catch {
        // no log: the message says why
      }
      return { error: new ToolError(d.argv, o.code, `${tail}\n(${o.error}; its log: ${d.log})`, o.code === 127 ? `install the package that provides ${d.argv[0]} (see scripts/setup.sh).` : undefined) };
    });
  }

  spawnDetached(argv: readonly string[], opts: { log: string; settleMs?: number }): Promise<number> {
    const [cmd, ...args] = argv;
    if (!cmd) throw new Error('Runner.spawnDetached called with an empty argv');
    traceCommand(argv);
    const out = openSync(opts.log, 'a');
    return new Promise((resolve, reject) => {
      // detached: setsid(), so it leaves with neither vnetmap's session nor its terminal's signals.
      const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out] });
      closeSync(out);
      let settled = false;
      child.on('error', (e: NodeJS.ErrnoException) => {
        settled = true;
        reject(new ToolError(argv, 127, e.code === 'ENOENT' ? `${cmd}: command not found` : e.message, `install the package that provides ${cmd} (see scripts/setup.sh).`));
      });
      child.on('exit', (code, signal) => {
        if (settled) return;
        settled = true;
        const tail = readFileSync(opts.log, 'utf8').split('\n').slice(-12).join('\n');
        reject(new ToolError(argv, code, `${tail}\n(ended at once${signal ? ` by ${signal}` : ''}; its log: ${opts.log})`));
      });
      setTimeout(() => {
        if (settled) return;
        settled = true;
        child.removeAllListeners('exit');
        child.unref();
        resolve(child.pid!);
      }, opts.settleMs ?? 150);
    });
  }

  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const cmd = argv[0];
    if (!cmd) throw new Error('Runner.run called with an empty argv');
    traceCommand(argv, opts.input);
    const helper = this.helper;
    const warm = helper && !opts.signal && helper.every((a, i) => argv[i] === a) ? this.session?.run(argv.slice(helper.length), opts) : undefined;
    if (warm)
      return warm.then((res) => {
        if (res.code === 0 || opts.allowFail) return res;
        throw new ToolError(argv, res.code, res.stderr, opts.hint);
      });
    return new Promise((resolve, reject) => {
      const [prog, ...rest] = dieWithParent(argv);
      const child = spawn(prog!, rest, { stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL' });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        const res = { code: 127, stdout: '', stderr: e.code === 'ENOENT' ? `${cmd}: command not found` : e.message };
        if (opts.allowFail) resolve(res);
        else reject(new ToolError(argv, 127, res.stderr, opts.hint ?? `install the package that provides ${cmd} (see scripts/setup.sh).`));
      });
      child.on('close', (code, signal) => {
        const direct = asDirect(cmd, signal ? null : code, Buffer.concat(err).toString());
        const res = { code: direct.code, stdout: Buffer.concat(out).toString(), stderr: direct.stderr + (signal ? `\n(killed by ${signal}, timeout ${opts.timeoutMs ?? 60_000} ms)` : '') };
        if (res.code === 0 || opts.allowFail) resolve(res);
        else reject(new ToolError(argv, res.code, res.stderr, opts.hint ?? (res.code === 127 ? `install the package that provides ${cmd} (see scripts/setup.sh).` : undefined)));
      });
      if (opts.signal) {
        const stop = (): void => {
          child.kill('SIGTERM');
          setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 1_000).unref();
        };
        if (opts.signal.aborted) stop();
        else opts.signal.addEventListener('abort', stop, { once: true });
        child.on('close', () => opts.signal!.removeEventListener('abort', stop));
      }
      child.stdin.on('error', () => {}); // the command may exit before reading its input
      child.stdin.end(opts.input ?? '');
    });
  }
}

export interface Recorded {
  argv: string[];
  input?: string;
}

/**
 * Records commands instead of running them (dry runs, golden tests). `respond` lets a test
 * play the tool: return a result for an argv, or undefined for success with no output.
 */
export class RecordingRunner implements Runner {
  readonly calls: Recorded[] = [];
  private nextPid = 100_000;
  constructor(private readonly respond: (argv: readonly string[], input?: string) => RunResult | undefined = () => undefined) {}
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push(opts.input !== undefined ? { argv: [...argv], input: opts.input } : { argv: [...argv] });
    const res = this.respond(argv, opts.input) ?? { code: 0, stdout: '', stderr: '' };
    if (res.code !== 0 && !opts.allowFail) throw new ToolError(argv, res.code, res.stderr, opts.hint);
    return res;
  }

  async spawnDetached(argv: readonly string[], opts: { log: string }): Promise<number> {
    this.calls.push({ argv: [...argv], input: `(detached, log ${opts.log})` });
    return this.nextPid++;
  }
}
