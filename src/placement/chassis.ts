// Chassis names. The OVN engine names the chassis it simulates on one machine chassis-1 …
// chassis-N (their OVN system-id, and what `placement:` pins name in a design). This file is
// the one place that spelling is defined: the engine calls chassisNames(n) for the chassis it
// starts, the model check (src/model/checks/placement.ts) reads SIMULATED_CHASSIS to tell a
// misspelt pin from a real machine's name, and place() takes the same list.

/** "chassis-1" … "chassis-N": 1-based, no leading zeros. */
export const SIMULATED_CHASSIS = /^chassis-[1-9][0-9]*$/;

export function chassisNames(n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`chassisNames(n) needs a whole number of chassis, got ${n}`);
  return Array.from({ length: n }, (_, i) => `chassis-${i + 1}`);
}
