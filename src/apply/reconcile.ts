// Reconcile: `up` of a running lab repairs exactly what drifted from the plan (drift.ts), like a
// controller — a deleted veth is created again with its settings, a device set down is set up,
// a lost address, route, sysctl, NAT table, OVS port or hairpin flow comes back, and what the
// plan does not have in the lab's own namespaces goes. Nothing that did not drift is touched.
// A repair that fails leaves the lab as it was (it was running, only drifted) and says why.
import { ToolError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { Plan } from '../plan/types.js';
import { repairSteps, type Repair } from '../render/repair.js';
import { labDrift, type Drift } from './drift.js';
import { ipvsStillDrifted } from './ipvs-drift.js';
import { writeJournal, type Journal } from './journal.js';
import { stopProcessesIn } from './lab-processes.js';
import { nftListings, observeLab } from './observe-lab.js';
import { runSteps, type PhaseTime, type RunStepsOptions } from './run-steps.js';
import { withoutCuts } from './cut-drift.js';
import { readState, writeState, type DaemonIdentity, type LabState } from './state.js';
import { stopDaemons } from './daemons.js';

/** The lab's drift now. */
export async function currentDrift(runner: Runner, st: LabState): Promise<Drift[]> {
  return withoutCuts(st.plan, labDrift(st.plan, await observeLab(runner, st), st.nft), st.cuts);
}

export interface Reconciled {
  repaired: Drift[];
  left: Repair['left'];
  /** Drift still there after the repair (what the repair could not change, or what changed meanwhile). */
  remaining: Drift[];
  commands: number;
  phases: PhaseTime[];
}

/** Repair `drift` of the lab whose state is `st` (its plan is the one to reach). */
export async function reconcile(runner: Runner, st: LabState, drift: Drift[], opts: RunStepsOptions & { designFile: string }): Promise<Reconciled> {
  const plan: Plan = st.plan;
  const repair = repairSteps(plan, drift);
  // Extra namespaces carrying the lab's marker: whatever runs in them goes with them. A daemon
  // started again (its files changed) is stopped first, if it still runs.
  await stopProcessesIn(drift.filter((d) => d.what === 'netns' && d.kind === 'extra').map((d) => d.namespace!));
  const restarted = repair.daemons ?? drift.filter((d) => d.what === 'daemon').map((d) => d.key!);
  await stopDaemons(restarted.flatMap((n) => (st.daemons?.[n] ? [st.daemons[n]!] : [])));
  const daemons: Record<string, DaemonIdentity> = Object.fromEntries(Object.entries(st.daemons ?? {}).filter(([n]) => !restarted.includes(n)));
  // Root-namespace veth ends about to be created are named in the journal first, like `up` does,
  // so that a crash between creating one and marking it still leaves it to `down`.
  const journal: Journal = {
    lab: plan.lab,
    pid: process.pid,
    phase: 'links',
    namespaces: [],
    rootLinks: repair.steps.flatMap((s) => ('argv' in s && s.phase === 'links' && s.argv[0] === 'ip' ? [...(s.input ?? '').matchAll(/^link set dev (\S+) alias /gm)].map((m) => m[1]!) : [])),
    startedAt: new Date().toISOString(),
    designFile: opts.designFile,
  };
  let phases: PhaseTime[] = [];
  if (repair.steps.length) {
    writeJournal(journal);
    try {
      phases = await runSteps(repair.steps, runner, {
        ...opts,
        onPhase: (phase) => writeJournal({ ...journal, phase }),
        onSpawn: (started) => {
          Object.assign(daemons, started);
          writeJournal({ ...journal, daemons: (journal.daemons = { ...journal.daemons, ...started }) });
        },
      });
    } catch (e) {
      // The journal stays unfinished: the next `up` (or `down`) then removes the lab by marker
      // and journal, and builds it afresh — the one state known to be right.
      if (e instanceof ToolError) throw new ToolError(e.argv, e.exitCode, e.stderr, `${e.hint ? e.hint + ' ' : ''}lab "${plan.lab}" is partly repaired; the next "vnetmap up" rebuilds it from scratch (or remove it with "vnetmap down ${plan.lab}").`);
      throw e;
    }
  }
  const nft = plan.objects.some((o) => o.kind === 'nft') ? await nftListings(runner, plan) : undefined;
  const next: LabState = { ...(readState(plan.lab) ?? st), ...(nft ? { nft } : {}), daemons, appliedAt: new Date().toISOString() };
  writeState(next);
  writeJournal({ ...journal, phase: 'done' });
  const remaining = await currentDrift(runner, next);
  return { ...ipvsStillDrifted(plan.lab, repair, remaining), remaining, commands: repair.steps.length, phases };
}
