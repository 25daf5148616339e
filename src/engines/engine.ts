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
//
// The CLI goes through this interface for every engine (engineNamed, engineOfLab); what one
// engine has and another lacks is an optional member (withCuts, graph), refused by name where
// it is missing, never a test of the engine's name.
import type { LabState } from '../apply/state.js';
import type { DiagramGraph } from '../diagram/graph.js';
import type { Cut } from '../semantics/cuts.js';
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

/** The command line's engine choices, as given (each engine reads its own: request()). */
export interface EngineOptions {
  strategy?: string;
  macvlanMode?: string;
  vms?: string;
  chassis?: string;
  inventory?: string;
  /** Whether the plan is for an exported script (the OVN engine refuses one for an inventory). */
  script?: boolean;
}

export interface UpRequest {
  designFile: string;
  force?: boolean;
  /** false: refuse at once when another run holds the lab. */
  wait?: boolean;
  onWait?: (message: string) => void;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, why: string) => void;
  /** A line to show now, whatever the terminal (ovn: what each machine of an inventory must run, and who has joined). */
  onNote?: (message: string) => void;
  /** ovn: the deadline for convergence (with an inventory: for the machines to join). */
  timeoutMs?: number;
}

/** What `up` and `down` report: lines for people, an object for --json. */
export interface Outcome {
  lab: string;
  text: string[];
  /** Further lines (notes, hints) that -q leaves out. */
  detail?: string[];
  /** Lines for stderr: what went wrong although the lab is built (a failed `exec:` command); the exit code is then 1. */
  errors?: string[];
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
  /** The compile request from the command line's choices (a UserError on a bad one); the design for what names its nodes (an inventory). */
  request(design: Design, capabilities: Capabilities, o: EngineOptions): CompileRequest;
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
  /** The plan of a running lab, from its state (a UserError where the state lacks it). */
  planOf(state: LabState): P;
  /** How the twin is built, in a few words: "faithful", "ovn, 3 simulated chassis". */
  label(plan: P): string;
  /** Design vs the running twin for verify: `probed` is the plan's kernel part as verify probes it (links cut on purpose, DHCP leases). */
  compareLive(design: Design, plan: P, probed: Plan): Comparison;
  /** The plan with link ends set down ("vnetmap link LAB A:p1 down"); absent where the engine's twin cannot follow cuts offline. */
  withCuts?(plan: P, cuts: Cut[]): P;
  /** The twin's diagram, where the engine draws its own; absent: the diagram of probed(plan). */
  graph?(plan: P, design: Design): DiagramGraph;
  up(plan: P, runner: Runner, req: UpRequest): Promise<Outcome>;
  down(lab: string, runner: Runner, opts: { wait?: boolean; onWait?: (m: string) => void; signal?: AbortSignal }): Promise<Outcome>;
  status(lab: string, runner: Runner): Promise<StatusOutcome>;
  /** What differs between the live twin and its plan, for verify to explain failed checks by (no lock: the caller holds it). */
  drift(lab: string, runner: Runner): Promise<DriftItem[]>;
}
