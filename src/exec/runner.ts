// The one door to side effects: every external command goes through a Runner as an argv
// array (never a shell string). Tests substitute a RecordingRunner at this boundary.
import { spawn } from 'node:child_process';
import { ToolError } from '../errors.js';

export interface RunOptions {
  /** Text written to the command's standard input. */
  input?: string;
  /** Kill the command after this many milliseconds (default 60 s). */
  timeoutMs?: number;
  /** Return a failed result instead of throwing ToolError. */
  allowFail?: boolean;
  /** Shown to the user with a ToolError: what they can do about it. */
  hint?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export class ProcessRunner implements Runner {
  run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const [cmd, ...args] = argv;
    if (!cmd) throw new Error('Runner.run called with an empty argv');
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL' });
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
        const res = { code: signal ? null : code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() + (signal ? `\n(killed by ${signal}, timeout ${opts.timeoutMs ?? 60_000} ms)` : '') };
        if (res.code === 0 || opts.allowFail) resolve(res);
        else reject(new ToolError(argv, res.code, res.stderr, opts.hint));
      });
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
  constructor(private readonly respond: (argv: readonly string[], input?: string) => RunResult | undefined = () => undefined) {}
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push(opts.input !== undefined ? { argv: [...argv], input: opts.input } : { argv: [...argv] });
    const res = this.respond(argv, opts.input) ?? { code: 0, stdout: '', stderr: '' };
    if (res.code !== 0 && !opts.allowFail) throw new ToolError(argv, res.code, res.stderr, opts.hint);
    return res;
  }
}

/** argv prefix that runs a command inside a named network namespace. */
export const inNetns = (ns: string, argv: readonly string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];
