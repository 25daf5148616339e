// After a big lab's `down`, the kernel goes on freeing its namespaces for seconds (one RCU
// barrier per Linux bridge, docs/realize.md), and any command that creates or deletes devices
// meanwhile waits inside the kernel. Say so when a command is still running after a second
// while that clean-up runs, so the wait is not taken for a hang.
import { netnsCleanupRunning } from '../apply/kernel-cleanup.js';
import { isQuiet } from '../exec/verbosity.js';

const NOTE = 'note: the kernel is still freeing namespaces deleted earlier (a recent down?); device changes wait until it is done (seconds after big labs, docs/realize.md)';

/** Starts the watch; call the returned function when the command is done. `clearLine` first erases a progress line. */
export function noteKernelCleanup(opts: { quiet?: boolean | undefined; clearLine?: boolean }): () => void {
  if (opts.quiet || isQuiet()) return () => {};
  const t = setTimeout(() => {
    if (netnsCleanupRunning()) process.stderr.write(`${opts.clearLine ? '\r\x1b[K' : ''}${NOTE}\n`);
  }, 1000);
  t.unref(); // never what keeps the process alive (an error before done() exits at once)
  return () => clearTimeout(t);
}
