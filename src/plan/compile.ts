// compile(design, options) -> Plan: pure, deterministic, no I/O. Picks the strategy (the
// command line wins over the design's mapping) and hands over to its file.
import { checkTunnels } from './tunnels.js';
import type { Design } from '../model/types.js';
import type { Strategy } from '../model/limits.js';
import { planAttachments } from './attach.js';
import { attachDeviations } from './attach-deviations.js';
import { keepBridgedFramesOutOfNat } from './bridge-netfilter.js';
import { compileCompact } from './compact.js';
import { makeCtx, type CompileOptions } from './context.js';
import { compileFaithful } from './faithful.js';
import { compileMacvtap } from './macvtap.js';
import { compileOvs } from './ovs.js';
import type { Plan } from './types.js';

export type { CompileOptions } from './context.js';

export function compile(design: Design, opts: CompileOptions & { strategy?: Strategy }): Plan {
  const strategy = opts.strategy ?? design.mapping.strategy;
  const ctx = makeCtx(design, opts);
  checkTunnels(ctx, strategy);
  ctx.nics = planAttachments(ctx, strategy);
  switch (strategy) {
    case 'faithful':
      compileFaithful(ctx, 'faithful');
      break;
    case 'compact':
      compileCompact(ctx);
      break;
    case 'ovs':
      compileOvs(ctx);
      break;
    case 'macvtap':
      compileMacvtap(ctx);
      break;
  }
  attachDeviations(ctx, strategy);
  keepBridgedFramesOutOfNat(ctx.b);
  return ctx.b.finish(strategy, opts.capabilities);
}
