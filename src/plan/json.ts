// `vnetmap plan --json`: the plan with `name` and `namespace` on every object, so scripts can
// index objects without knowing each kind's shape (a veth is named by its a end).
import { nameOf } from './describe.js';
import type { Plan } from './types.js';

export function planJson(plan: Plan): unknown {
  return {
    lab: plan.lab,
    labId: plan.labId,
    strategy: plan.strategy,
    capabilities: plan.capabilities,
    choices: plan.choices,
    objects: plan.objects.map((o) => {
      const { kind, realizes, ...rest } = o;
      return { kind, ...nameOf(o), realizes, ...rest };
    }),
    deviations: plan.deviations,
    endpoints: plan.endpoints,
  };
}
