// What `up` applied, kept under /run/vnetmap/<lab>/ (tmpfs: gone after a reboot, like the twin).
// The verifier reads readState(lab).plan; status and exec read it to find namespaces.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Strategy } from '../model/limits.js';
import type { Plan } from '../plan/types.js';

export const STATE_ROOT = process.env.VNETMAP_STATE_DIR ?? '/run/vnetmap';

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
}

export const labDir = (lab: string): string => join(STATE_ROOT, lab);
const statePath = (lab: string): string => join(labDir(lab), 'state.json');

/** Write-then-rename, so a crash never leaves half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
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
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function removeLabDir(lab: string): void {
  rmSync(labDir(lab), { recursive: true, force: true });
}
