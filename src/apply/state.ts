// What `up` applied, kept under /run/vnetmap/<lab>/ (tmpfs: gone after a reboot, like the twin).
// The verifier reads readState(lab).plan; status and exec read it to find namespaces.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { LAB_NAME_MAX, LAB_NAME_RE, type Strategy } from '../model/limits.js';
import type { Plan } from '../plan/types.js';
import type { Cut } from '../semantics/cuts.js';
import type { ImpairmentState } from './link.js';
import type { OvnPlan } from '../engines/ovn/plan/types.js';

export { STATE_ROOT } from '../paths.js';
import { labRunDir, STATE_ROOT } from '../paths.js';

export interface LabState {
  lab: string;
  /** Absolute path of the design the lab was built from. */
  designFile: string;
  strategy: Strategy;
  plan: Plan;
  /** ISO time of the last successful `up`. */
  appliedAt: string;
  /** Identity (identity.ts) of every namespace of the lab, recorded when it was created. */
  identities?: Record<string, string>;
  /**
   * `nft list table` of each namespace's planned table as it read right after `up` loaded it:
   * status compares the live listing with it (nft prints rules in its own normal form).
   */
  nft?: Record<string, string>;
  /** Each running daemon (plan DaemonObj) by name: its pid and start time (daemons.ts). */
  daemons?: Record<string, DaemonIdentity>;
  /** Link ends set down on purpose (`vnetmap link LAB A:p1 down`, link.ts): the expectation follows them. */
  cuts?: Cut[];
  /** Link ends impaired with tc (`vnetmap link LAB A:p1 --rate ...`). */
  impairments?: ImpairmentState[];
  /** The engine that built the lab; absent: the kernel engine (labs from before engines). */
  engine?: 'kernel' | 'ovn';
  /**
   * An OVN lab's whole plan (src/engines/ovn/plan/types.ts). `plan` is then its kernel part (the
   * workload, chassis and underlay namespaces), which kernel `down` removes like any lab's.
   */
  ovn?: OvnPlan;
}

/** A process as started: pid and the kernel's start time of it (field 22 of /proc/PID/stat), so a reused pid is not taken for it. */
export interface DaemonIdentity {
  pid: number;
  start: string;
}

/**
 * A lab name as every path under STATE_ROOT is built from it: anything else ("../../tmp/x",
 * "", ".locks") is refused before it reaches the file system.
 */
export function checkedLab(lab: string): string {
  if (lab.length > LAB_NAME_MAX || !LAB_NAME_RE.test(lab)) throw new UserError(`lab name ${JSON.stringify(lab)} must be at most ${LAB_NAME_MAX} characters: a lowercase letter, then lowercase letters, digits or "-".`);
  return lab;
}

export const labDir = (lab: string): string => labRunDir(checkedLab(lab));
const statePath = (lab: string): string => join(labDir(lab), 'state.json');

/** Write-then-rename, so a crash never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk must not leave half a file behind
    throw e;
  }
}

export function writeState(s: LabState): void {
  writeJsonAtomic(statePath(s.lab), s);
}

export function readState(lab: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(lab), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** Labs with a state or journal directory (running, or crashed mid-`up`). */
export function listLabs(): string[] {
  if (!existsSync(STATE_ROOT)) return [];
  return readdirSync(STATE_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && LAB_NAME_RE.test(d.name))
    .map((d) => d.name)
    .sort();
}

export function removeLabDir(lab: string): void {
  rmSync(labDir(lab), { recursive: true, force: true });
}
