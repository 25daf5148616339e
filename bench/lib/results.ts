// The shape of one benchmark run's results: written to bench/out/results.json by the run and
// read by bench/report.ts, which alone writes BENCHMARKS.md and the chart.
import type { Machine } from './measure.js';

/** A measurement that could not be taken, and why (never a made-up number). */
export interface Pending {
  pending: string;
}
export const isPending = (x: unknown): x is Pending => typeof x === 'object' && x !== null && 'pending' in x;

export interface ToolSeries {
  /** Seconds of each run (deploy + teardown). */
  runs: number[];
  median: number;
  /** Objects of this tool left after each run (must all be 0). */
  leftovers: number[];
  failures: string[];
  /** vnetmap only: medians of up and down separately. */
  upMedian?: number;
  downMedian?: number;
  maxRssKb?: number;
  /** Seconds the kernel went on cleaning up after each run (measure.ts settle()), and their median. */
  settles?: number[];
  settleMedian?: number;
}

export interface DeployRow {
  shape: string;
  topo: 'linear' | 'tree';
  size: number;
  hosts: number;
  switches: number;
  vnetmap: ToolSeries | Pending;
  mininet: ToolSeries | Pending;
  /** Mininet median / vnetmap median. */
  ratio?: number;
  /** The same, each tool's median kernel clean-up added. */
  ratioSettled?: number;
  /** vnetmap commit that measured the row (rows of an earlier run kept by --merge may differ from the run's). */
  commit?: string;
}

/** One `vnetmap verify` process of the reach suite. */
export interface VerifyTiming {
  seconds: number;
  ok: boolean;
  verdict: string;
}

export interface ReachResult {
  shape: string;
  hosts: number;
  pairs: number;
  /** `vnetmap verify LAB` as users run it: ping and ARP for every pair (twice pingall's checks), on Mininet's neighbour limits. */
  vnetmap: VerifyTiming | Pending;
  /** `vnetmap verify LAB --only ping`: the same checks as pingall, on Mininet's neighbour limits. */
  vnetmapPing?: VerifyTiming | Pending;
  mininet: { seconds: number; total: number; verdict: string; reachablePairs: number } | Pending;
  /** Mininet pingall seconds / vnetmap verify seconds. */
  ratio?: number;
  /** Mininet pingall seconds / vnetmap verify --only ping seconds (like for like: the target). */
  ratioPing?: number;
  identical?: boolean;
  /** gc_thresh3 when vnetmap verified for the judged runs: the one Mininet gives itself (or more). */
  neighTable?: string;
  /**
   * The same two runs on the neighbour table the machine had (a stock kernel's 1,024, unless
   * Mininet already ran): what a user who never ran Mininet waits. Absent when that table was
   * already Mininet's.
   */
  asFound?: { neighTable: string; ping: VerifyTiming; full: VerifyTiming; ratioPing?: number; ratio?: number };
  note?: string;
}

export interface ScaleRow {
  /** The size asked for (--scale): the tree has at least this many hosts. Absent in rows of runs before it was kept. */
  size?: number;
  shape: string;
  hosts: number;
  switches: number;
  /** Design elements realised: hosts + switches + links. */
  elements: number;
  planObjects?: number;
  up?: number;
  /** `verify` (ping + ARP; all pairs up to 300 endpoints, its default sample beyond). */
  verify?: number;
  verifyOk?: boolean;
  /** False when verify gave no result (stopped by the bench's time limit, crashed). */
  verifyFinished?: boolean;
  verifyNote?: string;
  /** net.core.netdev_max_backlog during verify, when the bench raised it for the row (from -> to). */
  backlog?: { from: number; to: number };
  down?: number;
  /** Kernel clean-up after down (measure.ts settle()). */
  settle?: number;
  maxRssKb?: number;
  msPerObject?: number;
  leftovers?: number;
  error?: string;
  /** vnetmap commit that measured the row (see DeployRow.commit). */
  commit?: string;
}

export interface DataplaneRow {
  path: string;
  /** Median Gbit/s of `runs`. */
  gbps?: number;
  /** Gbit/s of every run (absent in results from before 2026-12-06: best of 2). */
  runs?: number[];
  /** Median Gbit/s of the direct veth pair's runs beside this path's. */
  reference?: number;
  /** gbps ÷ reference. */
  relative?: number;
  error?: string;
}

export interface CompileRow {
  step: string;
  /** Which function was measured, "module#export". */
  fn: string;
  /** Median wall-clock milliseconds. */
  ms?: number;
  /** Median CPU milliseconds of this process (user + system; includes garbage collection). */
  cpuMs?: number;
  error?: string;
}

export interface Results {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt?: string;
  /** The machine of this run (a merged run's own, not the one of the run it started from). */
  machine: Machine;
  /** Where the runs whose rows and sections a merged report keeps ran on a different machine. */
  earlierMachines?: EarlierMachine[];
  vnetmapCommit: string;
  commands: string[];
  deploy: DeployRow[];
  reach?: ReachResult | Pending;
  scale: ScaleRow[] | Pending;
  dataplane: DataplaneRow[] | Pending;
  compile: { shape: string; hosts: number; rows: CompileRow[]; totalMs?: number; totalCpuMs?: number };
  /** 1-minute load average when each suite started: the machine is shared. */
  load?: Record<string, number>;
  notes: string[];
}

/** The machine of the runs up to `upTo` (a vnetmap commit) when a later, merged run's differed. */
export interface EarlierMachine {
  upTo: string;
  machine: Machine;
}
/** What says which machine measured a row; the neighbour table is shown per row where it matters. */
export const MACHINE_FACTS = ['cpu', 'cores', 'memoryGb', 'kernel', 'os', 'node', 'mininet', 'iproute2'] as const;
export type MachineFact = (typeof MACHINE_FACTS)[number];

/** The facts of `then` that differ from `now`, as text. */
export function machineDiffers(then: Machine, now: Machine): Partial<Record<MachineFact, string>> {
  return Object.fromEntries(MACHINE_FACTS.filter((k) => String(then[k]) !== String(now[k])).map((k) => [k, String(then[k])]));
}

/**
 * A run that starts from earlier results (--merge) measures on the machine as it is now: keep
 * the machine of the runs it keeps rows from, where it differs, then take this run's machine.
 * Oldest first; each entry holds for the runs after the one before it.
 */
export function mergeMachine(kept: Results, now: Machine): void {
  if (Object.keys(machineDiffers(kept.machine, now)).length) kept.earlierMachines = [...(kept.earlierMachines ?? []), { upTo: kept.vnetmapCommit, machine: kept.machine }];
  kept.machine = now;
}

/** A scale row whose `up` worked, whatever verify said. */
export const deployed = (s: ScaleRow): boolean => s.up !== undefined && !s.error?.startsWith('up:');
