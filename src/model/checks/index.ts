// Semantic checks over a resolved design. Each file checks one concern and returns findings;
// all run, so the user sees every problem at once. A check that crashes becomes one
// E-INTERNAL finding instead of hiding every other problem.
import { error, type Finding } from '../problems.js';
import type { RawDesign } from '../schema.js';
import type { Design } from '../types.js';
import { checkAddresses } from './addresses.js';
import { checkAttach } from './attach.js';
import { checkBroadcast } from './broadcast.js';
import { checkInterfaces } from './interfaces.js';
import { checkLinkVlans } from './link-vlans.js';
import { checkMapping } from './mapping.js';
import { checkNames } from './names.js';
import { checkNat } from './nat.js';
import { checkPlacement } from './placement.js';
import { checkReferences } from './references.js';
import { checkRoutes } from './routes.js';
import { checkTopology, checkUnlinked } from './topology.js';
import { checkVlans } from './vlans.js';
import { checkVms } from './vm.js';

export type Check = (d: Design) => Finding[];
/** Checks that need to know how the author wrote something (link-level vs per-end settings). */
export type RawCheck = (raw: RawDesign) => Finding[];

export const CHECKS: Check[] = [
  checkNames,
  checkReferences,
  checkAddresses,
  checkInterfaces,
  checkRoutes,
  checkBroadcast,
  checkVlans,
  checkTopology,
  checkNat,
  checkMapping,
  checkVms,
  checkAttach,
  checkPlacement,
];
export const RAW_CHECKS: RawCheck[] = [checkLinkVlans, checkUnlinked];

export function runChecks(d: Design): Finding[] {
  return CHECKS.flatMap((c) => guarded(c.name, () => c(d)));
}

export function runRawChecks(raw: RawDesign): Finding[] {
  return RAW_CHECKS.flatMap((c) => guarded(c.name, () => c(raw)));
}

function guarded(name: string, run: () => Finding[]): Finding[] {
  try {
    return run();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return [error('E-INTERNAL', [], `vnetmap bug: check ${name} crashed (${why}); please report it with this design file, the other checks still ran.`)];
  }
}
