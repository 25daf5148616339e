// A design as the graph the partitioner splits. Its vertices are "atoms", the smallest things
// that can be placed: a node, except that a server and its VMs form one atom (a VM runs on its
// server's chassis). Its edges are the design's links, weight 1 each, parallel links between
// two atoms adding up. Each atom weighs the load it puts on a chassis (LOAD); an atom carrying
// a pin is fixed to that chassis. docs/placement.md says why these weights.
import { pinsOnChassis } from '../model/checks/placement.js';
import type { Finding } from '../model/problems.js';
import type { Design, NodeKind } from '../model/types.js';
import { fromEdges, type Graph } from './graph.js';
import type { Pin } from './types.js';

/**
 * The load of a node: the network namespaces (with their processes and ports) a chassis must
 * run for it. A plain switch becomes an OVN logical switch, which is flows on every chassis
 * that has one of its ports, not a namespace: it weighs nothing, but is still placed (with
 * the most of its ports, so that its cables stay on one chassis).
 */
export const LOAD: Readonly<Record<NodeKind, number>> = { host: 1, external: 1, vm: 1, server: 1, router: 1, 'l3-switch': 1, switch: 0 };

export interface DesignGraph {
  graph: Graph;
  /** Atom of each design node, in the order of design.nodes. */
  atomOf: Int32Array;
  /** Chassis index each atom is pinned to, -1 where it is free. */
  fixed: Int32Array;
  pins: Pin[];
  problems: Finding[];
}

export function designGraph(d: Design, chassis: readonly string[]): DesignGraph {
  const index = new Map<string, number>();
  d.nodes.forEach((n, i) => index.set(n.name, i));
  const serverOf = (i: number) => {
    const n = d.nodes[i]!;
    const s = n.kind === 'vm' ? index.get(n.server) : undefined;
    return s !== undefined && d.nodes[s]!.kind === 'server' ? s : -1;
  };
  const atomOf = new Int32Array(d.nodes.length);
  let m = 0;
  for (let i = 0; i < d.nodes.length; i++) atomOf[i] = serverOf(i) < 0 ? m++ : -1;
  for (let i = 0; i < d.nodes.length; i++) if (atomOf[i]! < 0) atomOf[i] = atomOf[serverOf(i)]!;

  const vwgt = new Int32Array(m);
  d.nodes.forEach((n, i) => (vwgt[atomOf[i]!]! += LOAD[n.kind]));
  // Pins: servers and other nodes first, so that a server's pin decides for its VMs; a VM
  // pinned elsewhere was already refused by validation (E-PLACEMENT-VM) and is reported here
  // as not honoured.
  const fixed = new Int32Array(m).fill(-1);
  const chassisIndex = new Map(chassis.map((c, i) => [c, i]));
  const pins: Pin[] = [];
  for (const vms of [false, true])
    d.nodes.forEach((n, i) => {
      if (n.placement === undefined || (n.kind === 'vm') !== vms) return;
      const c = chassisIndex.get(n.placement);
      const a = atomOf[i]!;
      const honoured = c !== undefined && (fixed[a] === -1 || fixed[a] === c);
      if (honoured) fixed[a] = c;
      pins.push({ node: n.name, chassis: n.placement, honoured });
    });

  const from = new Int32Array(d.links.length);
  const to = new Int32Array(d.links.length);
  let e = 0;
  for (const l of d.links) {
    const a = index.get(l.ends[0].node);
    const b = index.get(l.ends[1].node);
    if (a === undefined || b === undefined) continue;
    from[e] = atomOf[a]!;
    to[e++] = atomOf[b]!;
  }
  return { graph: fromEdges(vwgt, from.subarray(0, e), to.subarray(0, e)), atomOf, fixed, pins, problems: pinsOnChassis(d, chassis) };
}
