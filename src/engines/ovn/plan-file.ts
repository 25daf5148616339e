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
import { loadInventoryFile } from './inventory/load.js';
import type { Inventory } from './inventory/schema.js';

export interface OvnPlanOptions {
  lab?: string;
  capabilities?: string;
  chassis?: string;
  inventory?: string;
}

/** An inventory file read and checked against the design, or a UserError with every problem at file:line:col. */
export function inventoryOrThrow(file: string, design: Design): Inventory {
  const r = loadInventoryFile(file, design);
  if (!r.inventory) throw new UserError(`${file}: ${r.errors.length} error(s) in the inventory; fix them and try again.`, r.errors);
  return r.inventory;
}

/** `--chassis N` as a number (UserError otherwise). */
export function chassisCount(s: string | undefined): number {
  if (s === undefined) return DEFAULT_CHASSIS;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHASSIS) throw new UserError(`--chassis ${s}: use a whole number from 1 to ${MAX_CHASSIS}.`);
  return n;
}

export async function ovnPlanFromFile(file: string, opts: OvnPlanOptions, runner: Runner): Promise<{ plan: OvnPlan; design: Design; warnings: Problem[]; designFile: string }> {
  if (opts.inventory !== undefined && opts.chassis !== undefined) throw new UserError('--chassis simulates chassis on this machine, --inventory names real machines: give one of the two.');
  const chassis = chassisCount(opts.chassis);
  const designFile = resolve(file);
  const { design, warnings, lab, capabilities } = await loadAndProbe(designFile, opts, runner);
  const inventory = opts.inventory !== undefined ? inventoryOrThrow(opts.inventory, design) : undefined;
  const plan = compileOvn({ ...design, name: lab }, { capabilities, chassis, ...(inventory ? { inventory } : {}) });
  return { plan, design, warnings, designFile };
}
