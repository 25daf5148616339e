// The cabling itself: switch loops without spanning tree, devices cabled to nothing, and
// hairpin settings on ports that do not exist.
import { error, warning, type Finding } from '../problems.js';
import { closest } from '../suggest.js';
import type { CheckContext } from './index.js';
import type { Design, Link } from '../types.js';
import { isSwitching } from '../types.js';
import { domainsOf, list } from './util.js';

export function checkTopology(d: Design, ctx: CheckContext): Finding[] {
  const f: Finding[] = [];

  for (const loop of domainsOf(d).loops) {
    const l = d.links.find((x) => x.index === loop.link);
    if (!l) continue;
    const [a, b] = l.ends;
    if (a.node === b.node && a.port === b.port) continue; // E-LINK-SELF
    // domains.ts also reports a VLAN listed twice on one port (or a native VLAN repeated as
    // tagged) as a loop; a real loop needs a second path between the switches.
    const ring = cycleThrough(d, l);
    if (!ring) continue;
    f.push(
      warning('W-L2-LOOP', l.path, `link ${l.index} (${a.node}:${a.port} - ${b.node}:${b.port}) closes a loop through ${list(ring)} and spanning tree is off, so broadcasts circle forever (a broadcast storm); set "stp: true" on ${ring.length > 1 ? 'these switches' : ring[0]} or remove a link.`),
    );
  }

  for (const n of d.nodes) {
    if (n.kind !== 'switch' || n.hairpin === 'all') continue;
    const ports = [...(ctx.cabled.get(n.name) ?? [])];
    n.hairpin.forEach((p, k) => {
      if (ports.includes(p)) return;
      const hint = closest(p, ports);
      f.push(
        error('E-HAIRPIN-PORT', [...n.path, 'hairpin', k], `hairpin names port "${p}" of ${n.name}, but no link uses that port; ${hint ? `did you mean "${hint}"?` : `cabled ports: ${ports.join(', ') || 'none'}.`}`),
      );
    });
  }
  return f;
}

/**
 * Devices cabled to nothing. Every link of the file counts, also one that is itself broken
 * (three endpoints, a shape error): its node is cabled, only the cable is wrong.
 */
export function checkUnlinked(d: Design, ctx: CheckContext): Finding[] {
  return d.nodes.flatMap((n) =>
    n.kind === 'vm' || ctx.cabled.has(n.name)
      ? []
      : [warning('W-NODE-UNLINKED', n.path, `${n.kind} ${n.name} is not cabled to anything; add a link to it under "links", or remove it.`, true)],
  );
}

/** Switches on a path between the two ends of `l` that avoids `l`: the loop it closes. */
function cycleThrough(d: Design, l: Link): string[] | undefined {
  const sw = new Set(d.nodes.filter(isSwitching).map((n) => n.name));
  const [a, b] = [l.ends[0].node, l.ends[1].node];
  if (!sw.has(a) || !sw.has(b)) return undefined;
  if (a === b) return [a];
  const prev = new Map<string, string>([[a, a]]);
  const queue = [a];
  while (queue.length) {
    const x = queue.shift()!;
    if (x === b) break;
    for (const o of d.links) {
      if (o.index === l.index) continue;
      const [p, q] = [o.ends[0].node, o.ends[1].node];
      const next = p === x ? q : q === x ? p : undefined;
      if (next === undefined || !sw.has(next) || prev.has(next)) continue;
      prev.set(next, x);
      queue.push(next);
    }
  }
  if (!prev.has(b)) return undefined;
  const path = [b];
  while (path[0] !== a) path.unshift(prev.get(path[0]!)!);
  return path;
}
