// The engines by name, and the engine of a running lab (its state says; a lab whose first `up`
// was killed before the state was written is the OVN engine's when its OVN directory exists).
import { existsSync } from 'node:fs';
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
  return existsSync(layoutOf(lab).root) ? 'ovn' : 'kernel';
}
