// From a design file and command-line choices to an OVN plan: the design loaded with every
// problem at once, the lab named, this machine's capabilities probed (which OVS datapath the
// chassis run), then compiled. The kernel engine's counterpart is src/apply/design.ts.
import { resolve } from 'node:path';
import { loadAndProbe } from '../../apply/design.js';
import { UserError } from '../../errors.js';
import type { Runner } from '../../exec/runner.js';
import type { Problem } from '../../model/problems.js';
import type { Design } from '../../model/types.js';
import { compileOvn, DEFAULT_CHASSIS, MAX_CHASSIS } from './plan/compile.js';
import type { OvnPlan } from './plan/types.js';

export interface OvnPlanOptions {
  lab?: string;
  capabilities?: string;
  chassis?: string;
  inventory?: string;
}

/** `--chassis N` as a number (UserError otherwise). */
export function chassisCount(s: string | undefined): number {
  if (s === undefined) return DEFAULT_CHASSIS;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHASSIS) throw new UserError(`--chassis ${s}: use a whole number from 1 to ${MAX_CHASSIS}.`);
  return n;
}

export async function ovnPlanFromFile(file: string, opts: OvnPlanOptions, runner: Runner): Promise<{ plan: OvnPlan; design: Design; warnings: Problem[]; designFile: string }> {
  if (opts.inventory !== undefined)
    throw new UserError('--inventory (chassis on other machines) is not built yet: this version simulates the chassis on this machine; use --chassis N (see docs/ovn.md, "Across machines").');
  const chassis = chassisCount(opts.chassis);
  const designFile = resolve(file);
  const { design, warnings, lab, capabilities } = await loadAndProbe(designFile, opts, runner);
  const plan = compileOvn({ ...design, name: lab }, { capabilities, chassis });
  return { plan, design, warnings, designFile };
}
