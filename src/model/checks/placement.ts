// Pins (`placement: chassis-2` on a node, docs/placement.md). Which chassis exist is known only
// when the engine runs (how many it simulates, or which real machines it has), so validation
// checks what it can from the design alone: the name has a chassis's form (a misspelt
// simulated name such as "chassis2" or "chassis-0" is refused, with the spelling meant), and a
// VM is not pinned away from its server (a VM runs where its server runs). pinsOnChassis()
// checks the rest once the chassis list is known; place() reports its findings.
import { SIMULATED_CHASSIS } from '../../placement/chassis.js';
import { error, type Finding } from '../problems.js';
import type { Design, DesignNode } from '../types.js';

/** A real machine's chassis name (its OVN system-id), as hostnames are written. */
const MACHINE_CHASSIS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** "chassis2", "Chassis-02", "chasis-3", "chassis_1": a simulated chassis, misspelt. */
const NEAR_SIMULATED = /^ch?as?s?is?[\s_.-]*(\d+)$/i;

const at = (n: DesignNode) => [...n.path, 'placement'];

export function checkPlacement(d: Design): Finding[] {
  const f: Finding[] = [];
  for (const n of d.nodes) {
    const p = n.placement;
    if (p === undefined || SIMULATED_CHASSIS.test(p)) continue;
    const near = NEAR_SIMULATED.exec(p);
    if (near) {
      const k = Number(near[1]);
      const fix = k > 0 ? `write "chassis-${k}"` : 'they count from chassis-1';
      f.push(error('E-PLACEMENT-CHASSIS', at(n), `${n.name} is pinned to "${p}", which is not a chassis name; simulated chassis are named chassis-1, chassis-2, …: ${fix}.`));
    } else if (!MACHINE_CHASSIS.test(p)) {
      f.push(error('E-PLACEMENT-CHASSIS', at(n), `${n.name} is pinned to "${p}", which is not a chassis name; write chassis-N for a simulated chassis, or a machine's chassis name (letters, digits, ".", "-", "_").`));
    }
  }
  // A server's own pin decides for its VMs; without one, its first pinned VM does.
  const byServer = new Map<string, DesignNode>();
  for (const n of d.nodes) if (n.kind === 'server' && n.placement !== undefined) byServer.set(n.name, n);
  for (const n of d.nodes) {
    if (n.kind !== 'vm' || n.placement === undefined) continue;
    const first = byServer.get(n.server);
    if (!first) byServer.set(n.server, n);
    else if (first.placement !== n.placement) {
      const other = first.kind === 'server' ? `its server ${n.server} is pinned to ${first.placement}` : `${first.name}, on the same server ${n.server}, is pinned to ${first.placement}`;
      f.push(error('E-PLACEMENT-VM', at(n), `${n.name} is pinned to ${n.placement} but ${other}, and a VM runs where its server runs; pin the server only (its VMs follow), or pin them alike.`));
    }
  }
  return f;
}

/** Pins naming a chassis that is not in `chassis` (the ones the engine runs). */
export function pinsOnChassis(d: Design, chassis: readonly string[]): Finding[] {
  const known = new Set(chassis);
  const range = chassis.length === 0 ? 'no chassis' : chassis.length <= 3 ? chassis.join(', ') : `${chassis[0]} … ${chassis.at(-1)}`;
  return d.nodes
    .filter((n) => n.placement !== undefined && !known.has(n.placement))
    .map((n) =>
      error('E-PLACEMENT-CHASSIS', at(n), `${n.name} is pinned to ${n.placement}, but the twin runs on ${chassis.length} chassis (${range}); pin it to one of them, or run more chassis.`),
    );
}
