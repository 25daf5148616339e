// The kernel engine behind the Engine interface: the existing modules (src/plan, src/render,
// src/apply, src/semantics/from-plan) adapted, not moved. The CLI still calls them directly
// for the kernel engine; this adapter is what library users, and a CLI that dispatches every
// engine through one interface, use.
import { applyPlan } from '../../apply/apply.js';
import { destroyLab } from '../../apply/destroy.js';
import { withLabLock } from '../../apply/lock.js';
import { labStatus } from '../../apply/status.js';
import { compile } from '../../plan/compile.js';
import { explainPlan } from '../../plan/explain.js';
import { planJson } from '../../plan/json.js';
import { planTable } from '../../plan/table.js';
import type { Plan } from '../../plan/types.js';
import { renderScript } from '../../render/script.js';
import { compare } from '../../semantics/compare.js';
import { planModel } from '../../semantics/from-plan.js';
import type { NetModel } from '../../semantics/net-model.js';
import { kernelTwin } from '../../semantics/prediction.js';
import type { Engine } from '../engine.js';

export const kernelEngine: Engine<Plan> = {
  name: 'kernel',
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
  async up(plan, runner, req) {
    const res = await applyPlan(plan, runner, req);
    return { lab: res.lab, text: [`lab ${res.lab} ${res.action} (${plan.strategy}): ${res.namespaces} namespaces, ${res.commands} commands in ${res.ms} ms`], json: res };
  },
  async down(lab, runner, opts) {
    const res = await destroyLab(lab, runner, opts);
    return { lab, text: [`lab ${lab}: ${res.namespaces} namespaces removed (${res.ms} ms)`], json: res };
  },
  async drift(lab, runner) {
    return (await labStatus(lab, runner)).drift;
  },
  async status(lab, runner) {
    const s = await withLabLock(lab, { what: 'status', shared: true }, () => labStatus(lab, runner));
    return { lab, ok: s.running && !s.drift.length, text: () => `${lab}: ${s.running ? 'up' : 'not running'}, ${s.drift.length} drift`, json: s };
  },
};
