// The OVN engine's command-line choices: --chassis N simulated chassis, or --inventory FILE
// naming real machines, checked against the design.
import { UserError } from '../../errors.js';
import type { Design } from '../../model/types.js';
import type { Capabilities } from '../../plan/types.js';
import type { CompileRequest, EngineOptions } from '../engine.js';
import { DEFAULT_CHASSIS, MAX_CHASSIS } from './plan/compile.js';
import { loadInventoryFile } from './inventory/load.js';
import type { Inventory } from './inventory/schema.js';

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

/** --chassis or --inventory as the OVN engine's compile request (a UserError on a bad one or both). */
export function ovnRequest(design: Design, capabilities: Capabilities, o: EngineOptions): CompileRequest {
  if (o.inventory !== undefined && o.chassis !== undefined) throw new UserError('--chassis simulates chassis on this machine, --inventory names real machines: give one of the two.');
  if (o.inventory !== undefined && o.script) throw new UserError('--script builds a twin on this machine; with --inventory each machine builds its own part ("vnetmap chassis join"), so there is no one script: leave out --script.');
  const chassis = chassisCount(o.chassis);
  const inventory = o.inventory !== undefined ? inventoryOrThrow(o.inventory, design) : undefined;
  return { capabilities, chassis, ...(inventory ? { inventory } : {}) };
}
