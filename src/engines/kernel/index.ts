// The kernel engine behind the Engine interface: the existing modules (src/plan, src/render,
// src/apply, src/semantics/from-plan) adapted, not moved. The CLI and library users reach it
// through this adapter, as they reach the OVN engine.
import { applyPlan } from '../../apply/apply.js';
import { destroyLab } from '../../apply/destroy.js';
import { withLabLock } from '../../apply/lock.js';
import { readState } from '../../apply/state.js';
import { labStatus } from '../../apply/status.js';
import { UserError } from '../../errors.js';
import { compile } from '../../plan/compile.js';
import { explainPlan } from '../../plan/explain.js';
import { planJson } from '../../plan/json.js';
import { kernelRequest } from '../../plan/request.js';
import { planTable } from '../../plan/table.js';
import type { Plan } from '../../plan/types.js';
import { renderScript } from '../../render/script.js';
import { compare } from '../../semantics/compare.js';
import { planModel } from '../../semantics/from-plan.js';
import type { NetModel } from '../../semantics/net-model.js';
import { kernelTwin } from '../../semantics/prediction.js';
import { planWithCuts } from '../../semantics/cuts.js';
import type { Engine } from '../engine.js';
import { downOvn } from '../ovn/apply/down.js';
import { downOutcome, statusText, upOutcome } from './text.js';

export const kernelEngine: Engine<Plan> = {
  name: 'kernel',
  request: (_design, capabilities, o) => kernelRequest(capabilities, o),
  compile: (design, req) =>
    compile(design, {
      capabilities: req.capabilities,
      ...(req.strategy ? { strategy: req.strategy } : {}),
      ...(req.macvlanMode ? { macvlanMode: req.macvlanMode } : {}),
      ...(req.vms ? { vms: req.vms } : {}),
    }),
  table: planTable,
  explain: explainPlan,
  json: planJson,
  script: renderScript,
  model: (plan) => planModel(plan) as NetModel,
  compare,
  twin: kernelTwin,
  probed: (plan) => plan,
  planOf: (state) => state.plan,
  label: (plan) => plan.strategy,
  compareLive: (design, _plan, probed) => compare(design, probed),
  withCuts: planWithCuts,
  async up(plan, runner, req) {
    // A running OVN lab of this name is the OVN engine's to update or repair, not the kernel's.
    if (readState(plan.lab)?.engine === 'ovn') {
      if (!req.force) throw new UserError(`lab "${plan.lab}" runs on the OVN engine; add --engine ovn to update or repair it, or replace it with --force.`);
      await downOvn(plan.lab, runner, { ...(req.wait !== undefined ? { wait: req.wait } : {}), ...(req.onWait ? { onWait: req.onWait } : {}) });
    }
    return upOutcome(plan, await applyPlan(plan, runner, req));
  },
  async down(lab, runner, opts) {
    return downOutcome(await destroyLab(lab, runner, opts));
  },
  async drift(lab, runner) {
    return (await labStatus(lab, runner)).drift;
  },
  async status(lab, runner) {
    const s = await withLabLock(lab, { what: 'status', shared: true }, () => labStatus(lab, runner));
    return { lab, ok: s.running && !s.drift.length, text: (detail) => statusText(s, detail), json: s };
  },
};
