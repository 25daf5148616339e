// The engines by name, and the engine of a running lab (its state says; without one, what is
// left on the host says).
import { existsSync, readdirSync } from 'node:fs';
import { NETNS_RUN_DIR } from '../exec/netns.js';
import { UserError } from '../errors.js';
import { readState } from '../apply/state.js';
import type { Engine, EngineName, EnginePlan } from './engine.js';
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
export function checkEngineOptions(o: { engine?: string; strategy?: string; macvlanMode?: string; vms?: string; chassis?: string; inventory?: string }): void {
  if (o.engine === 'ovn') {
    const kernelOnly = [o.strategy !== undefined && '--strategy', o.macvlanMode !== undefined && '--macvlan-mode', o.vms === 'qemu' && '--vms qemu'].filter(Boolean);
    if (kernelOnly.length) throw new UserError(`${kernelOnly.join(', ')}: the kernel engine's choice${kernelOnly.length > 1 ? 's' : ''}; the OVN engine maps every broadcast domain to a logical switch (docs/ovn.md). Leave ${kernelOnly.length > 1 ? 'them' : 'it'} out, or drop --engine ovn.`);
  } else if (o.chassis !== undefined || o.inventory !== undefined) throw new UserError(`${o.chassis !== undefined ? '--chassis' : '--inventory'} is for the OVN engine: add --engine ovn.`);
}
