// The OVN engine behind the Engine interface (src/engines/engine.ts): plan/ compiles a design
// into logical switches, routers and their bindings on chassis; render/ turns that into
// Northbound rows, daemon commands and a bash script; apply/ runs them; semantics/ gives the
// twin to the forwarding engine. docs/ovn.md says how it works and what it cannot do.
import { compareModel } from '../../semantics/compare.js';
import type { Engine } from '../engine.js';
import { downOvn } from './apply/down.js';
import { formatOvnStatus, ovnDrift, statusOvn } from './apply/status.js';
import { upOvn } from './apply/up.js';
import { execFailure } from '../../apply/workloads.js';
import { compileOvn, DEFAULT_CHASSIS } from './plan/compile.js';
import { describeChassis, explainOvn, ovnTable } from './plan/explain.js';
import type { OvnPlan } from './plan/types.js';
import { renderOvnScript } from './render/script.js';
import { ovnModel } from './semantics/model.js';
import { ovnGraph } from './diagram.js';
import { ovnRequest } from './plan-file.js';
import { UserError } from '../../errors.js';

export type { OvnPlan } from './plan/types.js';

export const ovnEngine: Engine<OvnPlan> = {
  name: 'ovn',
  request: ovnRequest,
  compile: (design, req) => compileOvn(design, { capabilities: req.capabilities, chassis: req.chassis ?? DEFAULT_CHASSIS, ...(req.inventory ? { inventory: req.inventory } : {}) }),
  table: ovnTable,
  explain: (plan, design) => explainOvn(plan, design ? compareModel(design, ovnModel(plan), plan.deviations) : undefined),
  json: (plan) => plan,
  script: (plan) => {
    if (plan.inventory) throw new UserError('--script builds a twin on this machine; with --inventory each machine builds its own part ("vnetmap chassis join"), so there is no one script: leave out --script.');
    return renderOvnScript(plan);
  },
  model: ovnModel,
  compare: (design, plan) => compareModel(design, ovnModel(plan), plan.deviations),
  twin: (design, plan) => ({
    heading: `engine ovn, ${describeChassis(plan)}`,
    deviations: plan.deviations,
    cmp: compareModel(design, ovnModel(plan), plan.deviations),
    json: { engine: 'ovn', chassis: plan.chassis.length, capabilities: plan.capabilities.source },
  }),
  probed: (plan) => plan.local,
  planOf: (state) => {
    if (!state.ovn) throw new UserError(`lab "${state.lab}" keeps no OVN plan in its state; build it again with "vnetmap up FILE --engine ovn".`);
    return state.ovn;
  },
  label: (plan) => `ovn, ${plan.chassis.length} ${plan.inventory ? `machine${plan.chassis.length === 1 ? '' : 's'}` : 'simulated chassis'}`,
  // The kernel part as verify probes it: with DHCP clients, their leases in it (and in the design).
  compareLive: (design, plan, probed) => compareModel(design, ovnModel({ ...plan, local: probed }), plan.deviations),
  graph: ovnGraph,
  async up(plan, runner, req) {
    if (plan.inventory && req.onNote) {
      const c = plan.inventory.central;
      req.onNote(`lab ${plan.lab} over ${plan.chassis.length} machines; on each, run: vnetmap chassis join --central ${c.address}:${c.nbPort} --lab ${plan.lab} --name NAME  (NAME: ${plan.chassis.map((x) => x.name).join(', ')})`);
    }
    const note = req.onNote;
    // The machines of an inventory join over minutes: each change is a line of its own.
    const r = await upOvn(plan, runner, { ...req, ...(note ? { onProgress: (done: number, total: number, why: string) => note(`[${done}/${total} joined] ${why}`) } : {}) });
    const text = [
      r.action === 'unchanged'
        ? `lab ${r.lab} is up to date (every chassis healthy, every port up)`
        : `lab ${r.lab} ${r.action} (engine ovn): ${r.chassis} chassis, ${r.ports} ports, ${r.namespaces} namespaces in ${r.ms} ms${r.converged ? `; every port up ${r.converged.portsMs} ms after the Northbound commit` : ''}`,
      ...r.restarted.map((d) => `  restarted: ${d}`),
      ...(r.leases ? [`  dhcp: ${r.leases.clients - r.leases.missing.length} of ${r.leases.clients} clients leased from OVN in ${r.leases.ms} ms${r.leases.missing.length ? `; no lease yet: ${r.leases.missing.join(', ')} (see vnetmap status ${r.lab}, and the log in its daemon directory)` : ''}`] : []),
      ...Object.entries(plan.placement.assign).length ? [`  placement: ${plan.chassis.map((c) => `${c.name}: ${Object.entries(plan.placement.assign).filter(([, x]) => x === c.name).map(([n]) => n).join(', ') || '-'}`).join('; ')}`] : [],
    ];
    const detail = plan.deviations.map((d) => `  note: ${d.message}`);
    const failed = r.exec.filter((x) => x.code !== 0);
    if (r.exec.length) detail.push(`  exec: ${r.exec.length - failed.length} of ${r.exec.length} command(s) succeeded`);
    if (r.action === 'created' || r.action === 'updated') detail.push(`  try: vnetmap status ${r.lab} · vnetmap verify ${r.lab} · vnetmap exec ${r.lab} NODE -- ping ... · vnetmap down ${r.lab}`);
    return { lab: r.lab, text, detail, errors: failed.map(execFailure), json: { ...r, deviations: plan.deviations.map((d) => d.code), placement: plan.placement.assign } };
  },
  async down(lab, runner, opts) {
    const r = await downOvn(lab, runner, opts);
    const nothing = !r.namespaces && !r.daemons && !r.nbRows;
    return { lab, text: [nothing ? `lab ${lab}: nothing to remove` : `lab ${lab} removed (engine ovn): ${r.daemons} daemons, ${r.nbRows} northbound rows, ${r.namespaces} namespaces (${r.ms} ms)`], json: r };
  },
  async drift(lab, runner) {
    return ovnDrift(await statusOvn(lab, runner));
  },
  async status(lab, runner) {
    const s = await statusOvn(lab, runner);
    return { lab, ok: s.running && s.healthy, text: (detail) => formatOvnStatus(s, detail), json: s };
  },
};
