// --strategy, --macvlan-mode and --vms, as given on the command line, into the kernel
// compiler's options (a UserError on an unknown one). The kernel engine's request().
import { UserError } from '../errors.js';
import { MACVLAN_MODES, STRATEGIES, type MacvlanMode, type Strategy } from '../model/limits.js';
import type { CompileOptions } from './context.js';
import type { Capabilities } from './types.js';

export interface KernelChoices {
  strategy?: string;
  macvlanMode?: string;
  vms?: string;
}

export function kernelRequest(capabilities: Capabilities, o: KernelChoices): CompileOptions & { strategy?: Strategy } {
  if (o.strategy && !(STRATEGIES as readonly string[]).includes(o.strategy)) throw new UserError(`unknown strategy "${o.strategy}"; use one of: ${STRATEGIES.join(', ')}.`);
  if (o.macvlanMode && !(MACVLAN_MODES as readonly string[]).includes(o.macvlanMode)) throw new UserError(`unknown macvlan mode "${o.macvlanMode}"; use one of: ${MACVLAN_MODES.join(', ')}.`);
  if (o.vms && o.vms !== 'netns' && o.vms !== 'qemu') throw new UserError('--vms must be netns or qemu.');
  return {
    capabilities,
    ...(o.strategy ? { strategy: o.strategy as Strategy } : {}),
    ...(o.macvlanMode ? { macvlanMode: o.macvlanMode as MacvlanMode } : {}),
    ...(o.vms ? { vms: o.vms as 'netns' | 'qemu' } : {}),
  };
}
