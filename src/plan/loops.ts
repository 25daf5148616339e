// A cabling loop without spanning tree is a broadcast storm in the real network (validation
// warns, W-L2-LOOP). Reproducing it would flood the machine that runs the twin, so faithful and
// ovs turn STP on for the switches around such loops and say so: once STP converges, frames
// reach the same places as in the design, without circling forever.
import { broadcastDomains } from '../semantics/domains.js';
import type { Ctx } from './context.js';
import { linkRef, nodeRef } from './refs.js';

export function stpForced(ctx: Ctx): Set<string> {
  const { loops, domains } = broadcastDomains(ctx.design);
  const forced = new Set<string>();
  if (loops.length === 0) return forced;
  const isSwitch = (name: string) => {
    const k = ctx.byName.get(name)?.kind;
    return k === 'switch' || k === 'l3-switch';
  };
  for (const loop of loops) {
    for (const n of loop.nodes) if (isSwitch(n)) forced.add(n);
    for (const d of domains) if (d.links.includes(loop.link)) for (const s of d.switches) if (isSwitch(s)) forced.add(s);
  }
  const names = ctx.design.nodes.filter((n) => forced.has(n.name) && 'stp' in n && !n.stp).map((n) => n.name);
  if (names.length === 0) return new Set();
  ctx.b.deviate({
    code: 'stp-forced',
    message: `the cabling forms a loop (closed by ${loops.map((l) => `link ${l.link}`).join(', ')}) without spanning tree, a broadcast storm in the real network; the twin runs STP on ${names.join(', ')} so it does not flood the machine running it.`,
    realizes: [...names.map(nodeRef), ...loops.map((l) => linkRef(l.link))],
  });
  return new Set(names);
}
