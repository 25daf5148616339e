// /etc/netns/<ns>: where `ip netns exec` finds a namespace's own hosts and resolv.conf.
// vnetmap writes only `hosts` and (where the design has a DNS service) `resolv.conf` there, each
// marked by its first line (render/hosts.ts); everything else in the directory, and a file
// without the mark, belongs to whoever put it there. `up` refuses to overwrite such a file, and
// `down` removes only our files and then the directory if nothing else is left in it. A run
// killed while writing leaves the file it writes beside (`hosts.vnetmap-PID`, then renamed over
// `hosts`: run-steps.ts); such a file is ours when it is empty (killed between create and write)
// or starts with our mark.
import { lstatSync, readSync, openSync, closeSync } from 'node:fs';
import { lstat, open, readdir, rmdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostsHeader } from '../render/hosts.js';
import { namesPath } from '../render/steps.js';

const FILES = ['hosts', 'resolv.conf'] as const;

/** Bytes to read to see the header line (it is shorter). */
const HEAD = 256;

const startsWithHeader = (head: Buffer, lab: string): boolean => head.toString('utf8').startsWith(`${hostsHeader(lab)}\n`);

/**
 * Why vnetmap may not write the names files of namespace `ns` for `lab` (`files`: those the
 * plan writes), or undefined when it may (nothing there yet, or our own files).
 */
export function namesDirConflict(lab: string, ns: string, files: readonly ('hosts' | 'resolv.conf')[] = ['hosts']): string | undefined {
  const dir = dirname(namesPath(ns, 'hosts'));
  const d = lstatOrUndefined(dir);
  if (!d) return undefined;
  if (!d.isDirectory()) return `${dir} exists and is not a directory (vnetmap keeps the namespace's hosts file in it); move it away or choose another lab name with --lab.`;
  for (const name of files) {
    const why = fileConflict(lab, namesPath(ns, name));
    if (why) return why;
  }
  return undefined;
}

function fileConflict(lab: string, file: string): string | undefined {
  const f = lstatOrUndefined(file);
  if (!f) return undefined;
  if (!f.isFile()) return `${file} exists and is not a file; move it away or choose another lab name with --lab.`;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(HEAD);
    const n = readSync(fd, head, 0, HEAD, 0);
    if (startsWithHeader(head.subarray(0, n), lab)) return undefined;
  } finally {
    closeSync(fd);
  }
  const fix = file.endsWith('/hosts') ? 'put its entries under "hosts:" in the design' : 'remove the dns service from the design';
  return `${file} exists and was not written by vnetmap for lab "${lab}"; vnetmap will not overwrite it: move it away, ${fix}, or choose another lab name with --lab.`;
}

function lstatOrUndefined(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Remove our names files of `ns` and then its directory, if empty. `seen` caches the verdict per
 * inode: the files of a lab are hard links of a few (render.ts), so a big lab reads a handful.
 * Asynchronous, so that the event loop keeps feeding the `ip` deleting the namespaces meanwhile.
 */
export async function removeNamesDir(lab: string, ns: string, seen = new Map<string, boolean>()): Promise<void> {
  for (const name of FILES) await removeOurs(lab, namesPath(ns, name), seen);
  // Only an empty directory goes: a resolv.conf (or anything else) put there stays, with its directory.
  const dir = dirname(namesPath(ns, 'hosts'));
  const gone = await rmdir(dir).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOTEMPTY');
  if (gone) return;
  const beside = (await readdir(dir).catch(() => [] as string[])).filter((f) => BESIDE.test(f));
  if (!beside.length) return;
  for (const f of beside) await removeOurs(lab, `${dir}/${f}`, seen, true);
  await rmdir(dir).catch(() => undefined);
}

/** The name of a file a run writes beside one of ours before renaming it over (run-steps.ts). */
const BESIDE = /^(hosts|resolv\.conf)\.vnetmap-\d+$/;

async function removeOurs(lab: string, file: string, seen: Map<string, boolean>, emptyIsOurs = false): Promise<void> {
  try {
    const s = await lstat(file); // a link named like ours is not ours
    if (!s.isFile()) return;
    // An empty file (a killed run's file beside) is judged by its name, never cached by inode.
    if (s.size === 0) return void (emptyIsOurs && (await unlink(file)));
    const key = `${s.dev}:${s.ino}`;
    let ours = seen.get(key);
    if (ours === undefined) {
      const fh = await open(file, 'r');
      try {
        const head = Buffer.alloc(HEAD);
        const { bytesRead } = await fh.read(head, 0, HEAD, 0);
        ours = startsWithHeader(head.subarray(0, bytesRead), lab);
      } finally {
        await fh.close();
      }
      seen.set(key, ours);
    }
    if (ours) await unlink(file);
  } catch {
    // not there, or unreadable: not ours to remove
  }
}
