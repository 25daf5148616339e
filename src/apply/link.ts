// Link control of a running lab (`vnetmap link LAB A:p1 down|up [--rate ...]`): a link end set
// down or up, and impairments (tc) on it. Both are states of the lab, kept in its state file
// (cuts, impairments), not drift: `status` lists them, `up` leaves them as they are, and the
// expectation follows a cut (semantics/cuts.ts) in `verify` as in `expect --down`. Where the
// twin runs routing daemons, setting a link down or up waits until their routes are the
// converged ones again and says how long that took.
import { UserError, EnvironmentError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { Design } from '../model/types.js';
import { endRef } from '../plan/refs.js';
import type { Plan, VethObj } from '../plan/types.js';
import { probeNetem } from './probe.js';
import { execIn } from '../render/steps.js';
import { isEmpty, netemOnly, tcClear, tcSet, type Impairment } from '../render/tc.js';
import { designWithCuts, type Cut } from '../semantics/cuts.js';
import { designModel } from '../semantics/from-design.js';
import { awaitConvergence, expectedTables, routingNodes, type Convergence } from '../verify/routes-phase.js';
import { readState, writeState, type LabState } from './state.js';

/** A link end of the running twin: the design's link and the device that realises this end. */
export interface LinkEnd {
  /** "node:port" as the design writes it. */
  end: string;
  ref: string;
  namespace: string | null;
  dev: string;
  peer?: { namespace: string | null; dev: string };
}

export interface ImpairmentState {
  end: string;
  namespace: string | null;
  dev: string;
  impairment: Impairment;
  qdisc: 'netem' | 'tbf';
}

/** Resolve "A:p1" to its link and the twin's device for that end (else the other end's, where the strategy left only it). */
export function findLinkEnd(design: Design, plan: Plan, spec: string): LinkEnd {
  const k = spec.indexOf(':');
  if (k <= 0 || k === spec.length - 1) throw new UserError(`"${spec}" is not a link end; write NODE:PORT as in the design's links, e.g. r1:eth0.`);
  const node = spec.slice(0, k);
  const port = spec.slice(k + 1);
  const link = design.links.find((l) => l.ends.some((e) => e.node === node && e.port === port));
  if (!link) {
    const ends = design.links.flatMap((l) => l.ends.filter((e) => e.node === node).map((e) => `${e.node}:${e.port}`));
    throw new UserError(`no link of the design has the end ${spec}; ${ends.length ? `${node}'s ends are ${ends.join(', ')}` : `"${node}" has no link (the nodes are ${design.nodes.map((n) => n.name).slice(0, 12).join(', ')})`}.`);
  }
  const byName = { nodes: new Map(design.nodes.map((n) => [n.name, n])) };
  const nsOf = new Map(plan.objects.flatMap((o) => (o.kind === 'netns' && o.node ? [[o.node, o.name] as const] : [])));
  const linkRef = `link:${link.index}`;
  const mine = link.ends.find((e) => e.node === node && e.port === port)!;
  const other = link.ends.find((e) => e !== mine)!;
  for (const e of [mine, other]) {
    const ref = endRef(byName, e.node, e.port);
    const ns = nsOf.get(e.node);
    const veth = plan.objects.find((o): o is VethObj => o.kind === 'veth' && o.realizes.includes(ref) && (o.realizes.includes(linkRef) || o.a.namespace === ns || o.b.namespace === ns));
    if (!veth) {
      // A tunnel link: each end is a device of its own, with the other end as its peer.
      const t = plan.objects.find((o) => o.kind === 'tunnel' && o.realizes.includes(linkRef) && o.namespace === ns && o.name === e.port);
      if (t?.kind === 'tunnel') return { end: `${e.node}:${e.port}`, ref: linkRef, namespace: t.namespace, dev: t.name, peer: { namespace: t.peer.namespace, dev: t.peer.name } };
      continue;
    }
    const [here, there] = veth.a.namespace === ns && (veth.a.name === e.port || veth.b.namespace !== ns) ? [veth.a, veth.b] : [veth.b, veth.a];
    return { end: `${e.node}:${e.port}`, ref: linkRef, namespace: here.namespace, dev: here.name, peer: { namespace: there.namespace, dev: there.name } };
  }
  throw new UserError(`the twin has no cable of its own for ${spec} (link ${link.index}): the ${plan.strategy} strategy realises it differently; build the lab with --strategy faithful to control this link.`);
}

export interface LinkResult {
  end: string;
  state?: 'down' | 'up';
  impairment?: ImpairmentState;
  /** Routing daemons: ms until their routes were the converged ones again (undefined: not within the bound). */
  convergence?: Convergence;
}

/** Set a link end down or up, recording it as a cut of the lab; then wait for the routing to follow, if the twin runs any. */
export async function setLink(lab: string, spec: string, state: 'down' | 'up', design: Design, runner: Runner, opts: { timeoutMs?: number; progress?: (line: string) => void } = {}): Promise<LinkResult> {
  const st = stateOf(lab);
  const e = findLinkEnd(design, st.plan, spec);
  const t0 = Date.now();
  await runner.run(execIn(e.namespace, ['ip', 'link', 'set', 'dev', e.dev, state]));
  const others = (st.cuts ?? []).filter((c) => c.ref !== e.ref);
  const cuts: Cut[] = state === 'down' ? [...others, { ref: e.ref, end: e.end, namespace: e.namespace, dev: e.dev, ...(e.peer ? { peer: e.peer } : {}), at: new Date().toISOString() }] : others;
  if (state === 'up') {
    // The end set down before may be the other one of this link (whoever cut it named it).
    for (const c of st.cuts ?? []) if (c.ref === e.ref && c.dev !== e.dev) await runner.run(execIn(c.namespace, ['ip', 'link', 'set', 'dev', c.dev, 'up']));
  }
  writeState({ ...st, cuts });
  const nodes = routingNodes(st.plan);
  if (!nodes.length) return { end: e.end, state };
  const expected = expectedTables(designModel(designWithCuts(design, cuts)).routing, nodes);
  const waited = Date.now();
  const c = await awaitConvergence(runner, lab, expected, opts);
  // Counted from the moment the link changed, not from when the waiting began.
  return { end: e.end, state, convergence: { ...c, ...(c.ms !== undefined ? { ms: c.ms + (waited - t0) } : {}) } };
}

/** Impair a link end with tc (netem where the kernel has it, else tbf for the rate), or clear it (an empty impairment). */
export async function impairLink(lab: string, spec: string, imp: Impairment, design: Design, runner: Runner): Promise<ImpairmentState | undefined> {
  const st = stateOf(lab);
  const e = findLinkEnd(design, st.plan, spec);
  const others = (st.impairments ?? []).filter((i) => !(i.namespace === e.namespace && i.dev === e.dev));
  if (isEmpty(imp)) {
    if (others.length !== (st.impairments ?? []).length) await runner.run(execIn(e.namespace, tcClear(e.dev)), { allowFail: true });
    writeState({ ...st, impairments: others });
    return undefined;
  }
  const netem = await probeNetem(runner);
  if (!netem && netemOnly(imp).length) {
    throw new EnvironmentError(`this kernel has no netem (the sch_netem qdisc), which ${netemOnly(imp).join(', ')} need${netemOnly(imp).length > 1 ? '' : 's'}; --rate works without it (tbf). Load it (modprobe sch_netem) or use a kernel built with CONFIG_NET_SCH_NETEM.`);
  }
  await runner.run(execIn(e.namespace, tcSet(e.dev, imp, netem)));
  const rec: ImpairmentState = { end: e.end, namespace: e.namespace, dev: e.dev, impairment: imp, qdisc: netem ? 'netem' : 'tbf' };
  writeState({ ...st, impairments: [...others, rec] });
  return rec;
}

function stateOf(lab: string): LabState {
  const st = readState(lab);
  if (!st) throw new UserError(`no running lab "${lab}"; build it with "vnetmap up FILE" first.`);
  return st;
}
