// Which namespaces are exactly the ones a lab created. Right after `netns add`, `up` records
// each namespace file's identity: the nsfs inode of /var/run/netns/NAME (the namespace itself)
// and that inode's change time in nanoseconds (when the file was made). A namespace deleted and
// re-created under the same name may get the same inode number back, never the same time too.
// Checking it is one stat in-process; checking lo's marker costs a process per namespace, which
// made `down` of a 2,000-namespace lab take longer than building it. The marker stays the
// fallback (and the only proof after a lost state): a namespace neither proves is not ours.
import { statSync } from 'node:fs';
import { NETNS_RUN_DIR } from '../render/steps.js';

/** "inode@ctime_ns" of a named namespace, or undefined when there is none by that name. */
export function nsIdentity(ns: string): string | undefined {
  try {
    const s = statSync(`${NETNS_RUN_DIR}/${ns}`, { bigint: true });
    return `${s.ino}@${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** Identities of namespaces, keyed by name (those that do not exist are left out). */
export function nsIdentities(names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const id = nsIdentity(n);
    if (id !== undefined) out[n] = id;
  }
  return out;
}
