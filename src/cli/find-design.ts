// Which design a command means when none is named: the one of the current directory — a
// `vnetmap.yaml` (or .yml), or the single `*.vnetmap.yaml` there — as tools find their
// Makefile or docker-compose.yaml. `up` alone, in a directory with none, builds the packaged
// example and says so (never silently).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

const NAMES = ['vnetmap.yaml', 'vnetmap.yml'];
const SUFFIX = /\.vnetmap\.ya?ml$/;

/** The design of directory `dir`, or undefined when it has none. Two candidates are a UserError. */
export function designHere(dir: string = process.cwd()): string | undefined {
  const named = NAMES.map((n) => join(dir, n)).filter((p) => existsSync(p));
  let suffixed: string[] = [];
  try {
    suffixed = readdirSync(dir).filter((n) => SUFFIX.test(n)).sort().map((n) => join(dir, n));
  } catch {
    // an unreadable directory has no design
  }
  const all = [...named, ...suffixed];
  if (all.length > 1) throw new UserError(`this directory has ${all.length} designs (${all.map((p) => p.slice(dir.length + 1)).join(', ')}); name the one you mean.`);
  return all[0];
}

/** The file a command works on: the one named, else the directory's design, else a UserError saying how to name one. */
export function designArg(file: string | undefined, command: string): string {
  if (file !== undefined) return file;
  const here = designHere();
  if (here) return here;
  throw new UserError(`no design named and none in this directory; run "vnetmap ${command} FILE", or put the design in ./vnetmap.yaml (or one *.vnetmap.yaml).`);
}
