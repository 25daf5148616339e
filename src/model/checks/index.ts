// Semantic checks over a resolved design. Each file checks one concern and returns findings;
// all run, so the user sees every problem at once. A check that crashes becomes one
// E-INTERNAL finding instead of hiding every other problem.
import { error, type Finding } from '../problems.js';
import type { ReadDesign } from '../resolve.js';
import type { Design } from '../types.js';
import { checkAddresses } from './addresses.js';
import { checkAttach } from './attach.js';
import { checkBroadcast } from './broadcast.js';
import { checkFirewall } from './firewall.js';
import { checkDhcp } from './dhcp.js';
import { checkHosts } from './hosts.js';
import { checkInterfaces } from './interfaces.js';
import { checkLinkVlans } from './link-vlans.js';
import { checkMapping } from './mapping.js';
import { checkNames } from './names.js';
import { checkNat } from './nat.js';
import { checkPlacement } from './placement.js';
import { checkReferences } from './references.js';
import { checkRoutes } from './routes.js';
import { checkRouting } from './routing.js';
import { checkTunnels } from './tunnels.js';
import { checkServices } from './services.js';
import { checkText } from './text.js';
import { checkTopology, checkUnlinked } from './topology.js';
import { checkVlans } from './vlans.js';
import { checkVms } from './vm.js';

/**
 * What the checks know beyond the resolved design: parts of the file left out of it for shape
 * errors still exist, so that a link to a node with a typo in its MTU is not also "no such node".
 */
export interface CheckContext {
  /** True for every node name the file defines, including nodes left out of the design. */
  defined(name: string): boolean;
  /** Node -> the ports links of the file name, including links left out (as far as they can be read). */
  cabled: Map<string, Set<string>>;
}

export type Check = (d: Design, ctx: CheckContext) => Finding[];
/** Checks that need to know how the author wrote something (link-level vs per-end settings). */
export type RawCheck = (raw: ReadDesign, ctx: CheckContext) => Finding[];

export const CHECKS: Check[] = [
  checkNames,
  checkReferences,
  checkAddresses,
  checkInterfaces,
  checkRoutes,
  checkRouting,
  checkTunnels,
  checkBroadcast,
  checkVlans,
  checkTopology,
  checkNat,
  checkFirewall,
  checkServices,
  checkMapping,
  checkVms,
  checkAttach,
  checkPlacement,
  checkUnlinked,
  checkHosts,
  checkDhcp,
  checkText,
];
export const RAW_CHECKS: RawCheck[] = [checkLinkVlans];

export function runChecks(d: Design, raw: ReadDesign, ctx: CheckContext): Finding[] {
  return [...RAW_CHECKS.flatMap((c) => guarded(c.name, () => c(raw, ctx))), ...CHECKS.flatMap((c) => guarded(c.name, () => c(d, ctx)))];
}

function guarded(name: string, run: () => Finding[]): Finding[] {
  try {
    return run();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return [error('E-INTERNAL', [], `vnetmap bug: check ${name} crashed (${why}); please report it with this design file, the other checks still ran.`)];
  }
}
