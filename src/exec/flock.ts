// A file lock held by a child process, because Node.js has no flock(2).
//
// util-linux's `flock -o FILE cat` takes the lock on FILE, then runs `cat` (without the lock's
// file descriptor) and holds the lock until cat ends. cat copies its input to its output, so a
// line written to it comes back only once the lock is held: that is how we know we have it.
// Closing cat's input releases it. If vnetmap dies, however it dies, its end of the pipe closes,
// cat reads the end of its input and exits, and the lock is released by the kernel when flock
// exits (flock also dies with vnetmap: dieWithParent) — a lock can never outlive its holder,
// unlike a pid written in a file (pids are reused).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dieWithParent } from './parent-death.js';

/** flock's exit code when the lock was busy (-n) or the wait timed out (-w). */
const BUSY = 75;

export interface HeldLock {
  /** Release the lock; resolves once the holder process has exited. */
  release(): Promise<void>;
  /**
   * Whether the file locked is still the one at its path: a run that removes a lock file (under
   * the lock) leaves those that waited on it holding a lock on a file no one else will open.
   */
  current(): boolean;
}

export interface FlockOptions {
  shared?: boolean;
  /** undefined: wait as long as it takes; 0: do not wait; otherwise at most this many ms. */
  waitMs?: number;
  /** Stops a wait (the holder process is killed). */
  signal?: AbortSignal;
}

/** The lock on `file`, or undefined when it is busy (waitMs 0) or the wait ran out. */
export function takeFlock(file: string, opts: FlockOptions = {}): Promise<HeldLock | undefined> {
  const wait = opts.waitMs === undefined ? [] : opts.waitMs === 0 ? ['-n'] : ['-w', (opts.waitMs / 1000).toFixed(3)];
  const [cmd, ...args] = dieWithParent(['flock', opts.shared ? '-s' : '-x', ...wait, '-o', '-E', String(BUSY), file, 'cat']);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    let held = false;
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    const stop = (): void => void child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', stop, { once: true });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'ENOENT' ? 'flock (util-linux) is not installed' : e.message)));
    child.stdout.once('data', () => {
      held = true;
      opts.signal?.removeEventListener('abort', stop);
      resolve({
        release: async () => {
          child.stdin.end();
          await exited;
        },
        current: () => child.pid !== undefined && holdsFile(child.pid, file),
      });
    });
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', stop);
      if (held) return;
      if (code === BUSY || opts.signal?.aborted) resolve(undefined);
      else reject(new Error(`flock ${file} failed (exit ${code ?? 'signal'}): ${Buffer.concat(err).toString().trim() || 'no output'}`));
    });
    child.stdin.write('locked\n');
  });
}

/** Does process `pid` (flock, which keeps the locked file open) hold the file now at `file`? */
function holdsFile(pid: number, file: string): boolean {
  let want;
  try {
    want = statSync(file);
  } catch {
    return false; // removed meanwhile
  }
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return true; // cannot look (no /proc): as before lock files were removed, take it as the one
  }
  for (const fd of fds) {
    try {
      const s = statSync(`/proc/${pid}/fd/${fd}`);
      if (s.ino === want.ino && s.dev === want.dev) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}
