// The engines by name, and the engine of a running lab (its state says; without one, what is
// left on the host says).
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAndProbe } from '../apply/design.js';
import { NETNS_RUN_DIR } from '../exec/netns.js';
import type { Runner } from '../exec/runner.js';
import { UserError } from '../errors.js';
import { readState, type LabState } from '../apply/state.js';
import type { Problem } from '../model/problems.js';
import type { Design } from '../model/types.js';
import type { Engine, EngineName, EngineOptions, EnginePlan } from './engine.js';
import { ENGINES } from './engine.js';
import { kernelEngine } from './kernel/index.js';
import { ovnEngine } from './ovn/index.js';
import { layoutOf } from './ovn/apply/paths.js';

export type { Engine, EngineName, EnginePlan } from './engine.js';
export { ENGINES } from './engine.js';

export function engineNamed(name: string | undefined): Engine<EnginePlan> {
  const n = name ?? 'kernel';
  if (!(ENGINES as readonly string[]).includes(n)) throw new UserError(`unknown engine "${n}"; use ${ENGINES.join(' or ')}.`);
  return (n === 'ovn' ? ovnEngine : kernelEngine) as unknown as Engine<EnginePlan>;
}

/**
 * From a design file and the command line's choices to an engine's plan: the design loaded
 * with every problem at once, the lab named, this machine's capabilities probed (or a preset),
 * the choices checked by the engine, then compiled.
 */
export async function planFromDesignFile<P extends EnginePlan>(
  engine: Engine<P>,
  file: string,
  opts: EngineOptions & { lab?: string; capabilities?: string },
  runner: Runner,
): Promise<{ plan: P; design: Design; warnings: Problem[]; designFile: string }> {
  const designFile = resolve(file);
  const { design, warnings, lab, capabilities } = await loadAndProbe(designFile, opts, runner);
  const named = { ...design, name: lab };
  return { plan: engine.compile(named, engine.request(named, capabilities, opts)), design, warnings, designFile };
}

/** How a running lab's twin is built, in a few words (its engine's label; the strategy where its state is incomplete). */
export function labLabel(st: LabState): string {
  try {
    const engine = engineNamed(st.engine);
    return engine.label(engine.planOf(st));
  } catch {
    return st.strategy;
  }
}

export function engineOfLab(lab: string): EngineName {
  const st = readState(lab);
  if (st) return st.engine ?? 'kernel';
  // No state: a killed `up` (its OVN directory is there), or a lab the exported script built
  // (only its chassis, underlay and central namespaces, `vn-<lab>.…`, say so).
  if (existsSync(layoutOf(lab).root)) return 'ovn';
  try {
    return readdirSync(NETNS_RUN_DIR).some((n) => n.startsWith(`vn-${lab}.`)) ? 'ovn' : 'kernel';
  } catch {
    return 'kernel';
  }
}

/** Options that belong to one engine, refused with the other rather than silently ignored. */
export function checkEngineOptions(o: { engine?: string; strategy?: string; macvlanMode?: string; vms?: string; chassis?: string; inventory?: string; joinTimeout?: string }): void {
  if (o.engine === 'ovn') {
    const kernelOnly = [o.strategy !== undefined && '--strategy', o.macvlanMode !== undefined && '--macvlan-mode', o.vms === 'qemu' && '--vms qemu'].filter(Boolean);
    if (kernelOnly.length) throw new UserError(`${kernelOnly.join(', ')}: the kernel engine's choice${kernelOnly.length > 1 ? 's' : ''}; the OVN engine maps every broadcast domain to a logical switch (docs/ovn.md). Leave ${kernelOnly.length > 1 ? 'them' : 'it'} out, or drop --engine ovn.`);
    if (o.joinTimeout !== undefined && o.inventory === undefined) throw new UserError('--join-timeout is how long the machines of an inventory may take to join: add --inventory FILE, or leave it out.');
  } else {
    const ovnOnly = [o.chassis !== undefined && '--chassis', o.inventory !== undefined && '--inventory', o.joinTimeout !== undefined && '--join-timeout'].filter(Boolean);
    if (ovnOnly.length) throw new UserError(`${ovnOnly.join(', ')}: for the OVN engine; add --engine ovn.`);
  }
}
