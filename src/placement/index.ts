// STAND-IN until the placement branch lands (src/placement/ there: a multilevel partitioner
// with the same exports). The OVN engine only needs this signature: place(design, chassis)
// assigns every design node to a chassis. Here: VMs go with their server, a `placement` pin
// is obeyed when the design carries one, every other node takes the next chassis in turn
// (round-robin in file order) — no attempt to keep links inside a chassis.
import type { Design } from '../model/types.js';
import type { Finding } from '../model/problems.js';

export interface PlaceOptions {
  seed?: number;
  capacity?: Record<string, number>;
  tolerance?: number;
}

export interface Placement {
  /** Design node name -> chassis, for every node of the design. */
  assign: Map<string, string>;
  /** Design links whose two ends are on different chassis. */
  cut: number;
  /** Load of each chassis (every chassis listed, 0 included). */
  loads: Record<string, number>;
  /** Lines for `plan --explain`. */
  explain: string[];
  method: 'multilevel' | 'round-robin' | 'random';
  chassis: string[];
  /** Pins the placement could not follow. */
  problems: Finding[];
}

/** "chassis-1" … "chassis-N": the names of the chassis the OVN engine simulates. */
export function chassisNames(n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`chassisNames(n) needs a whole number of chassis, got ${n}`);
  return Array.from({ length: n }, (_, i) => `chassis-${i + 1}`);
}

/** Namespaces a node puts on its chassis: switches and routers become flows on every chassis. */
const weighs = (kind: string): number => (kind === 'switch' || kind === 'l3-switch' ? 0 : 1);

export function place(design: Design, chassis: readonly string[], _opts: PlaceOptions = {}): Placement {
  const cs = [...new Set(chassis)];
  const assign = new Map<string, string>();
  const loads: Record<string, number> = Object.fromEntries(cs.map((c) => [c, 0]));
  let turn = 0;
  const pinOf = (n: Design['nodes'][number]): string | undefined => {
    const p = (n as { placement?: unknown }).placement;
    return typeof p === 'string' && cs.includes(p) ? p : undefined;
  };
  for (const n of design.nodes) {
    if (n.kind === 'vm' || !cs.length) continue;
    const c = pinOf(n) ?? cs[turn++ % cs.length]!;
    assign.set(n.name, c);
  }
  for (const n of design.nodes) if (n.kind === 'vm' && cs.length) assign.set(n.name, assign.get(n.server) ?? pinOf(n) ?? cs[turn++ % cs.length]!);
  for (const n of design.nodes) {
    const c = assign.get(n.name);
    if (c) loads[c] = (loads[c] ?? 0) + weighs(n.kind);
  }
  const cut = design.links.filter((l) => assign.get(l.ends[0].node) !== assign.get(l.ends[1].node)).length;
  const explain = [
    `placement (round-robin stand-in): ${cs.length} chassis, ${cut} of ${design.links.length} links cross chassis`,
    ...cs.map((c) => `  ${c}: load ${loads[c]}: ${[...assign].filter(([, x]) => x === c).map(([n]) => n).join(', ') || '(nothing)'}`),
  ];
  return { assign, cut, loads, explain, method: 'round-robin', chassis: cs, problems: [] };
}
