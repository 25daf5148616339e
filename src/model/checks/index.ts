// Semantic checks over a resolved design. Each file checks one concern and returns findings;
// all run, so the user sees every problem at once.
import type { Finding } from '../problems.js';
import type { Design } from '../types.js';
import { checkNames } from './names.js';
import { checkReferences } from './references.js';

export type Check = (d: Design) => Finding[];

export const CHECKS: Check[] = [checkNames, checkReferences];

export function runChecks(d: Design): Finding[] {
  return CHECKS.flatMap((c) => c(d));
}
