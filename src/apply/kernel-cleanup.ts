// Whether the kernel is still freeing network namespaces deleted earlier (a previous `down`,
// any tool's). It does so in one worker of its "netns" workqueue, mostly under the RTNL lock,
// and freeing each Linux bridge waits for an RCU barrier (~15-20 ms each here), so after a
// big lab it can run for many seconds, during which creating devices waits (docs/realize.md).
// A kworker's name reads "kworker/…+netns" while it runs an item of that workqueue.
import { readdirSync, readFileSync } from 'node:fs';

/** True while some kernel worker runs namespace clean-up (`proc` is /proc but for tests). */
export function netnsCleanupRunning(proc = '/proc'): boolean {
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    try {
      return readFileSync(`${proc}/${pid}/comm`, 'utf8').trimEnd().endsWith('+netns');
    } catch {
      return false;
    }
  });
}
