// Library entry point: `import { loadDesignFile, compile, ... } from 'vnetmap'`.
// The same capabilities as the CLI; each layer adds its exports here.
export { loadDesign, loadDesignFile, type LoadResult } from './model/load.js';
export type { Design, DesignNode, Link, LinkEnd, Iface, PortMode } from './model/types.js';
export type { Problem, Finding } from './model/problems.js';
export { formatProblem, formatProblems } from './model/format.js';
export { DesignSchema } from './model/schema.js';
export { STRATEGIES, MACVLAN_MODES, VLAN_MIN, VLAN_MAX, type Strategy, type MacvlanMode } from './model/limits.js';
export { UserError, ToolError } from './errors.js';
export { ProcessRunner, RecordingRunner, type Runner, type RunResult, type RunOptions } from './exec/runner.js';
export type * from './plan/types.js';
export { PRESETS as CAPABILITY_PRESETS } from './plan/capabilities.js';
export { broadcastDomains, type Domain, type DomainResult } from './semantics/domains.js';
export { compile, type CompileOptions } from './plan/compile.js';
export { planTable } from './plan/table.js';
export { explainPlan } from './plan/explain.js';
export { planJson } from './plan/json.js';
export { applyPlan, type UpOptions, type UpResult } from './apply/apply.js';
export { destroyLab, type DownResult } from './apply/destroy.js';
export { labStatus, type LabStatus, type Drift as LabDrift } from './apply/status.js';
export { readState, listLabs, type LabState } from './apply/state.js';
export { probeCapabilities } from './apply/probe.js';
export { execInNode, nodeNamespace } from './apply/exec.js';
export { renderScript } from './render/script.js';
export { renderSteps } from './render/render.js';
export type { Step } from './render/steps.js';
export { CODES as PROBLEM_CODES, type CodeInfo } from './model/checks/codes.js';
