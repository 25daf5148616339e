// Placement of design nodes on chassis (docs/placement.md): the OVN engine calls place() with
// the chassis it runs, prints Placement.explain under `plan --explain`, and refuses to go on
// when Placement.problems holds an error.
export { randomPlacement, roundRobin } from './baselines.js';
export { chassisNames, SIMULATED_CHASSIS } from './chassis.js';
export { LOAD } from './design-graph.js';
export { explainPlacement, loadRatio } from './explain.js';
export { TOLERANCE } from './partition.js';
export { place } from './place.js';
export type { PlaceOptions, Pin, Placement } from './types.js';
