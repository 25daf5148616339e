// What an engine is: one way of realising a design's twin. The kernel engine builds it from
// Linux objects on this machine (src/plan, src/render, src/apply; adapted in kernel/index.ts);
// the OVN engine from OVN logical switches and routers over chassis (ovn/). Model, semantics,
// verify and diagrams stay engine-neutral: an engine hands them its plan's endpoints (where
// each design endpoint lives: namespace and device, so verify's probes work unchanged), its
// twin as a NetModel for the semantics engine, and its comparison with the design.
//
//   compile(design) -> plan (pure data, every object with the design elements it realises)
//   table / explain / json / script: the plan as text (plan, plan --explain, --json, --script)
//   model / compare / twin: the plan for the semantics engine (expect, plan --explain, verify)
//   up / down / status: the only side effects, through a Runner, under the lab's lock
import type { DriftItem } from '../verify/diagnose.js';
import type { Runner } from '../exec/runner.js';
import type { MacvlanMode, Strategy } from '../model/limits.js';
import type { Design } from '../model/types.js';
import type { Capabilities, Choice, Deviation, EndpointLocation, Plan } from '../plan/types.js';
import type { Comparison } from '../semantics/compare.js';
import type { NetModel } from '../semantics/net-model.js';
import type { TwinComparison } from '../semantics/prediction.js';
import type { Inventory } from './ovn/inventory/schema.js';

export const ENGINES = ['kernel', 'ovn'] as const;
export type EngineName = (typeof ENGINES)[number];

/** What every engine's plan has, whatever else it holds. */
export interface EnginePlan {
  lab: string;
  labId: string;
  capabilities: Capabilities;
  choices: Choice[];
  deviations: Deviation[];
  /** Where each design endpoint lives in the twin (namespace + device): what verify probes. */
  endpoints: EndpointLocation[];
}

/** Compile options; each engine reads its own and ignores the rest. */
export interface CompileRequest {
  capabilities: Capabilities;
  /** kernel: the mapping strategy (default: the design's). */
  strategy?: Strategy;
  macvlanMode?: MacvlanMode;
  vms?: 'netns' | 'qemu';
  /** ovn: how many chassis to simulate on this machine. */
  chassis?: number;
  /** ovn: chassis on the machines of an inventory instead. */
  inventory?: Inventory;
}

export interface UpRequest {
  designFile: string;
  force?: boolean;
  /** false: refuse at once when another run holds the lab. */
  wait?: boolean;
  onWait?: (message: string) => void;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, why: string) => void;
  /** ovn: the deadline for convergence (with an inventory: for the machines to join). */
  timeoutMs?: number;
}

/** What `up` and `down` report: lines for people, an object for --json. */
export interface Outcome {
  lab: string;
  text: string[];
  json: unknown;
}

export interface StatusOutcome {
  lab: string;
  /** Running, and nothing drifted / every chassis healthy. */
  ok: boolean;
  text(detail: boolean): string;
  json: unknown;
}

export interface Engine<P extends EnginePlan = EnginePlan> {
  readonly name: EngineName;
  compile(design: Design, req: CompileRequest): P;
  table(design: Design, plan: P): string;
  explain(plan: P, design?: Design): string;
  json(plan: P): unknown;
  script(plan: P): string;
  /** The twin as the forwarding engine sees it (semantics/net-model.ts). */
  model(plan: P): NetModel;
  /** Design vs twin: every difference, the ones no deviation explains, and what verify must expect. */
  compare(design: Design, plan: P): Comparison;
  /** The comparison with a heading, for `expect`. */
  twin(design: Design, plan: P): TwinComparison;
  /** The kernel objects holding the endpoints: verify's probes enter their namespaces. */
  probed(plan: P): Plan;
  up(plan: P, runner: Runner, req: UpRequest): Promise<Outcome>;
  down(lab: string, runner: Runner, opts: { wait?: boolean; onWait?: (m: string) => void; signal?: AbortSignal }): Promise<Outcome>;
  status(lab: string, runner: Runner): Promise<StatusOutcome>;
  /** What differs between the live twin and its plan, for verify to explain failed checks by (no lock: the caller holds it). */
  drift(lab: string, runner: Runner): Promise<DriftItem[]>;
}
