// verify of a running lab, the same for the CLI, the web view and library users: the design
// and plan with the links cut on purpose ("vnetmap link LAB A:p1 down"), probes in the
// namespaces of the plan's kernel part (an OVN lab's on whichever chassis), the twin compared
// with the design by the lab's engine, failed checks explained by that engine's drift.
import type { LabState } from '../apply/state.js';
import type { Runner } from '../exec/runner.js';
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { designWithCuts, planWithCuts } from '../semantics/cuts.js';
import { verifyLive, type VerifyOptions, type VerifyReport } from '../verify/verify.js';
import { engineNamed } from './index.js';

export async function verifyLab(st: LabState, design: Design, runner: Runner, opts: Omit<VerifyOptions, 'drift' | 'comparison'> = {}): Promise<{ report: VerifyReport; design: Design; plan: Plan }> {
  const engine = engineNamed(st.engine);
  const cut = designWithCuts(design, st.cuts ?? []);
  const plan = planWithCuts(st.plan, st.cuts ?? []);
  const report = await verifyLive(plan, cut, runner, {
    ...opts,
    // A workload's UDP socket must be held by the process up started (its pid and start time).
    ...(st.daemons ? { daemons: st.daemons } : {}),
    drift: () => engine.drift(st.lab, runner),
    comparison: (d, p) => engine.compareLive(d, engine.planOf(st), p),
  });
  return { report, design: cut, plan };
}
