// The cabling itself: switch loops without spanning tree, devices cabled to nothing, and
// hairpin settings on ports that do not exist.
import { error, warning, type Finding } from '../problems.js';
import { closest } from '../suggest.js';
import type { CheckContext } from './index.js';
import type { Design, Link } from '../types.js';
import { isSwitching } from '../types.js';
import { domainsOf, list } from './util.js';
import { pushTo } from '../../collections.js';

export function checkTopology(d: Design, ctx: CheckContext): Finding[] {
  const f: Finding[] = [];

  const byIndex = new Map(d.links.map((l) => [l.index, l]));
  const adjacent = switchGraph(d);
  for (const loop of domainsOf(d).loops) {
    const l = byIndex.get(loop.link);
    if (!l) continue;
    const [a, b] = l.ends;
    if (a.node === b.node && a.port === b.port) continue; // E-LINK-SELF
    // domains.ts also reports a VLAN listed twice on one port (or a native VLAN repeated as
    // tagged) as a loop; a real loop needs a second path between the switches.
    const ring = cycleThrough(adjacent, l);
    if (!ring) continue;
    f.push(
      warning('W-L2-LOOP', l.path, `link ${l.index} (${a.node}:${a.port} - ${b.node}:${b.port}) closes a loop through ${list(ring)} and spanning tree is off, so broadcasts circle forever (a broadcast storm); set "stp: true" on ${ring.length > 1 ? 'these switches' : ring[0]} or remove a link.`),
    );
  }

  for (const n of d.nodes) {
    if (n.kind !== 'switch' || n.hairpin === 'all') continue;
    const cabled = ctx.cabled.get(n.name) ?? new Set<string>();
    const ports = [...cabled];
    n.hairpin.forEach((p, k) => {
      if (cabled.has(p)) return;
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

/** Switch -> [neighbour switch, link index] for every cable between two switches. */
function switchGraph(d: Design): Map<string, [string, number][]> {
  const sw = new Set(d.nodes.filter(isSwitching).map((n) => n.name));
  const adj = new Map<string, [string, number][]>();
  for (const l of d.links) {
    const [p, q] = [l.ends[0].node, l.ends[1].node];
    if (!sw.has(p) || !sw.has(q)) continue;
    pushTo(adj, p, [q, l.index]);
    pushTo(adj, q, [p, l.index]);
  }
  return adj;
}

/**
 * Switches on a path between the two ends of `l` that avoids `l`: the loop it closes. Stops
 * as soon as it meets the far end: with thousands of parallel cables, each loop is found in a
 * step instead of a walk over every cable.
 */
function cycleThrough(adj: Map<string, [string, number][]>, l: Link): string[] | undefined {
  const [a, b] = [l.ends[0].node, l.ends[1].node];
  if (!adj.has(a) || !adj.has(b)) return undefined;
  if (a === b) return [a];
  const prev = new Map<string, string>([[a, a]]);
  const queue = [a];
  for (let i = 0; i < queue.length && !prev.has(b); i++) {
    const x = queue[i]!;
    for (const [next, link] of adj.get(x) ?? []) {
      if (link === l.index || prev.has(next)) continue;
      prev.set(next, x);
      if (next === b) break;
      queue.push(next);
    }
  }
  if (!prev.has(b)) return undefined;
  const path = [b];
  while (path[0] !== a) path.unshift(prev.get(path[0]!)!);
  return path;
}
