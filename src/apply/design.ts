// A design file loaded (every problem at once) with this machine's capabilities (probed by
// default, or a preset) and the lab's name: what every engine compiles from
// (src/engines/index.ts planFromDesignFile). Also the packaged example and the lab of an argument.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { LAB_NAME_RE } from '../model/limits.js';
import { checkedLab as checkLabName } from './state.js';
import { loadDesignFile } from '../model/load.js';
import { quickRead } from '../model/quick-read.js';
import type { Problem } from '../model/problems.js';
import type { Design } from '../model/types.js';
import { PRESETS, PRESET_NAMES } from '../plan/capabilities.js';
import type { Capabilities } from '../plan/types.js';
import { packageRoot } from '../package-root.js';
import { probeCapabilities } from './probe.js';

export { packageRoot };

export const defaultDesign = (): string => join(packageRoot(), 'examples', 'network-a.yaml');

/** The `vnetmap` executable users run: package.json's `bin` (the bundle scripts/bundle.ts writes). */
export function cliPath(root: string = packageRoot()): string {
  const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { vnetmap: string } };
  return join(root, pj.bin.vnetmap);
}

/** The lab's name (default: the design's) and the capabilities to plan for (default: probe this machine). */
export interface PlanOptions {
  lab?: string;
  capabilities?: string;
}

export { checkedLab as checkLabName } from './state.js';

export async function capabilitiesFor(name: string | undefined, runner: Runner): Promise<Capabilities> {
  if (!name || name === 'probe') return probeCapabilities(runner);
  const p = PRESETS[name];
  if (!p) throw new UserError(`unknown capabilities "${name}"; use probe or one of: ${PRESET_NAMES.join(', ')}.`);
  return p;
}

export function loadDesignOrThrow(file: string): { design: Design; warnings: Problem[] } {
  const r = loadDesignFile(file);
  if (!r.design) throw new UserError(`${file}: ${r.errors.length} error(s); fix them and try again.`, [...r.errors, ...r.warnings]);
  return { design: r.design, warnings: r.warnings };
}

/**
 * The design (every problem at once), the lab's name and this machine's capabilities. The
 * probe's processes run while this thread reads the design (a large design takes a good part
 * of a second, and so can the kernel after a large `down`). On a bad design, wait for the probe
 * to finish before reporting: it must not be cut short with its OVS trial bridge up. Both
 * engines plan through here.
 */
export async function loadAndProbe(designFile: string, opts: PlanOptions, runner: Runner): Promise<{ design: Design; warnings: Problem[]; lab: string; capabilities: Capabilities }> {
  const probing = capabilitiesFor(opts.capabilities, runner);
  let loaded: { design: Design; warnings: Problem[] };
  let lab: string;
  try {
    loaded = loadDesignOrThrow(designFile);
    lab = checkLabName(opts.lab ?? loaded.design.name);
  } catch (e) {
    await probing.catch(() => undefined);
    throw e;
  }
  return { ...loaded, lab, capabilities: await probing };
}

/** `down FILE` / `status FILE`: an argument naming an existing file means that design's lab. */
export function labFromArg(arg: string, lab?: string): string {
  if (lab) return checkLabName(lab);
  if (/\.ya?ml$/.test(arg) || (existsSync(arg) && !LAB_NAME_RE.test(arg))) return checkLabName(designName(resolve(arg)) ?? loadDesignOrThrow(resolve(arg)).design.name);
  return checkLabName(arg);
}

/**
 * The `name` of a readable design without checking the rest (checking a 1,000-host design
 * took longer than removing its lab): a lab can be taken down from a design edited since, even
 * into one that no longer validates. Undefined sends the caller to the full load and its messages.
 */
function designName(file: string): string | undefined {
  let data: unknown;
  try {
    data = quickRead(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const name = data && typeof data === 'object' ? (data as { name?: unknown }).name : undefined;
  return typeof name === 'string' && LAB_NAME_RE.test(name) ? name : undefined;
}
