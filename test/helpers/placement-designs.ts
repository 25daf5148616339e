// Designs for the placement tests: the benchmark's generated ones (loaded like a user's file),
// and bare graphs built straight as resolved Designs, which the placement reads only for node
// names, kinds, servers, pins and link ends — fast enough for hundreds of property runs.
import { campusShape, campusYaml, designYaml, linearTopo, treeTopo } from '../../bench/gen-designs.js';
import { loadDesign } from '../../src/model/load.js';
import type { Design, NodeKind } from '../../src/model/types.js';
import { LOAD } from '../../src/placement/design-graph.js';
import { TOLERANCE, type Placement } from '../../src/placement/index.js';

export function load(text: string): Design {
  const r = loadDesign(text, 'placement.yaml');
  if (!r.design) throw new Error(`design does not load: ${r.errors[0]?.message}`);
  return r.design;
}

/** The generated designs every placement claim is checked on (the 10,000-node ones live in the bench). */
export const GENERATED: Record<string, () => Design> = {
  'linear,100': () => load(designYaml(linearTopo(100), { name: 'p-lin' })),
  'tree,2,10': () => load(designYaml(treeTopo(2, 10), { name: 'p-tree' })),
  'tree,3,10 (1,000 hosts)': () => load(designYaml(treeTopo(3, 10), { name: 'p-tree' })),
  'campus (~1,000 nodes)': () => load(campusYaml(campusShape(1000), 'p-campus')),
  'campus (small)': () => load(campusYaml({ buildings: 2, accessPerBuilding: 2, hostsPerAccess: 4, departments: 2, racks: 1, serversPerRack: 2, vmsPerServer: 3 }, 'p-small')),
};

export interface BareNode {
  name: string;
  kind: NodeKind;
  server?: string;
  placement?: string;
}

export function bare(nodes: BareNode[], links: [string, string][]): Design {
  return {
    name: 'bare',
    file: 'bare.yaml',
    nodes: nodes.map((n) => ({ interfaces: [], routes: [], hosts: {}, path: ['nodes', n.name], ...n })),
    links: links.map(([a, b], i) => ({ index: i + 1, ends: [{ node: a, port: `p${i}a`, mode: { mode: 'plain' } }, { node: b, port: `p${i}b`, mode: { mode: 'plain' } }], path: ['links', i] })),
    mapping: { strategy: 'faithful', macvlanMode: 'bridge', servers: {} },
  } as unknown as Design;
}

/** Chassis outside the bound docs/placement.md states for a design without pins: |load − share| ≤ max(ε·share, 1, heaviest atom). */
export function withinBound(d: Design, p: Placement, eps = TOLERANCE): string[] {
  const atoms = new Map<string, number>();
  for (const n of d.nodes) {
    const key = n.kind === 'vm' && d.nodes.some((s) => s.name === n.server && s.kind === 'server') ? n.server : n.name;
    atoms.set(key, (atoms.get(key) ?? 0) + LOAD[n.kind]);
  }
  const heaviest = Math.max(1, ...atoms.values());
  return p.chassis
    .filter((c) => Math.abs(p.loads[c]! - p.targets[c]!) > Math.max(eps * p.targets[c]!, 1, heaviest) + 1e-9)
    .map((c) => `${c}: load ${p.loads[c]}, share ${p.targets[c]}`);
}

/** Links whose ends are on different chassis, counted from scratch. */
export function cutOf(d: Design, assign: Map<string, string>): number {
  return d.links.filter((l) => assign.get(l.ends[0].node) !== assign.get(l.ends[1].node)).length;
}
