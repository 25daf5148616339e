// The journal: written BEFORE each phase of `up`, naming what that phase may create. If `up`
// dies (SIGKILL, power), `down` reads it to find objects created before their marker was set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase } from '../render/steps.js';
import { labDir, writeJsonAtomic, type DaemonIdentity } from './state.js';

export interface Journal {
  lab: string;
  pid: number;
  phase: Phase | 'done';
  /** Namespaces this run creates (each did not exist when the run started). */
  namespaces: string[];
  /** Root-namespace devices this run creates. */
  rootLinks: string[];
  /** Identity (identity.ts) of each namespace this run created, once `netns add` succeeded. */
  identities?: Record<string, string>;
  startedAt: string;
  /** The design file this run builds from. */
  designFile?: string;
  /** Daemons this run started so far (a crash after starting one must not lose it). */
  daemons?: Record<string, DaemonIdentity>;
}

const path = (lab: string): string => join(labDir(lab), 'journal.json');

export function writeJournal(j: Journal): void {
  writeJsonAtomic(path(j.lab), j);
}

export function readJournal(lab: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(path(lab), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}
