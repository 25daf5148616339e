// What a placement is: every design node on one chassis, with the figures that judge it.
// place(), roundRobin() and randomPlacement() all return this shape, so the benchmark and
// `plan --explain` compare them line for line.
import type { Finding } from '../model/problems.js';

export interface PlaceOptions {
  /** Seed of every random choice (visit orders, initial partitions); default 1. */
  seed?: number;
  /**
   * Relative size of each chassis (default 1 each): a chassis's share of the load is its
   * capacity over the sum. A chassis missing here (or given a negative or non-finite number)
   * gets 1; 0 takes only what is pinned to it.
   */
  capacity?: Record<string, number>;
  /** Balance tolerance ε: each chassis's load within share × (1 ± ε); default 0.03. */
  tolerance?: number;
}

export interface Pin {
  node: string;
  chassis: string;
  /** False when the pin could not be followed (unknown chassis, or a VM group pinned twice). */
  honoured: boolean;
}

export interface Placement {
  /** Design node name -> chassis, for every node of the design. */
  assign: Map<string, string>;
  /** Design links whose two ends are on different chassis. */
  cut: number;
  /** Load of each chassis (every chassis listed, 0 included); see docs/placement.md. */
  loads: Record<string, number>;
  /** What was minimised, under which constraints, in one sentence. */
  objective: string;
  /** Lines for `plan --explain` (explain.ts). */
  explain: string[];
  /** How it was made: the partitioner or a baseline. */
  method: 'multilevel' | 'round-robin' | 'random';
  chassis: string[];
  /** Each chassis's share of the total load (capacity-proportional). */
  targets: Record<string, number>;
  /** Links of the design (the cut's denominator). */
  links: number;
  pins: Pin[];
  /** Pins the placement could not follow, each at the node's `placement` key (errors as data). */
  problems: Finding[];
}
