// Design expectation vs. plan expectation. The twin may differ from the real network only
// where the plan says so (plan.deviations[].affects); any other difference is a mapping bug
// in the compiler. The comparison also yields what `verify` must expect from the live twin:
// the design's answer, replaced by the plan's wherever a deviation covers the difference.
import { formatIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import type { Deviation, Plan } from '../plan/types.js';
import { designModel } from './from-design.js';
import { planModel } from './from-plan.js';
import type { Endpoint, NetModel } from './net-model.js';
import { pair, reachability, signatures, type PairResult, type Reachability } from './reachability.js';

export interface Difference {
  kind: 'reach' | 'l2' | 'tcp' | 'endpoint';
  from: string;
  to: string;
  design: boolean;
  plan: boolean;
  /** Deviation code that explains it; absent: a mapping bug. */
  explainedBy?: string;
  detail?: string;
}

export interface Comparison {
  design: Reachability;
  plan: Reachability;
  differences: Difference[];
  /** Differences no deviation covers. */
  bugs: Difference[];
  /** What the live twin must show for a pair (design, adjusted by deviations). */
  expected(from: string, to: string): PairResult;
}

/** Lists up to this many concrete pairs per differing pair of classes. */
const MAX_PAIRS_PER_CELL = 10_000;

export function compare(d: Design, plan: Plan): Comparison {
  return compareModel(d, planModel(plan) as NetModel, plan.deviations);
}

/**
 * The design against any twin reduced to a NetModel: the kernel plan's (planModel) or another
 * engine's (the OVN engine builds its own from logical switches and routers).
 */
export function compareModel(d: Design, pm: NetModel, deviations: Deviation[]): Comparison {
  const plan = { deviations };
  const dm = designModel(d);
  const dSig = signatures(dm);
  const pSig = signatures(pm);
  const differences: Difference[] = [];
  const inPlan = new Set(pm.endpoints.map((e) => e.ref));
  for (const e of dm.endpoints) {
    if (inPlan.has(e.ref)) continue;
    // e.g. --vms qemu: the guest configures itself, the plan says so with a deviation on the node.
    const dev = plan.deviations.find((x) => x.realizes.includes(e.ref) || x.realizes.includes(`node:${e.node}`));
    differences.push({ kind: 'endpoint', from: e.ref, to: e.ref, design: true, plan: false, ...(dev ? { explainedBy: dev.code } : {}), detail: `${e.ref} has no location in the plan` });
  }
  // Both sides use the same partition: design signature + plan signature.
  const common = (e: Endpoint) => `${dSig.get(e.ref) ?? '-'}|${pSig.get(e.ref) ?? '-'}`;
  const dr = reachability({ ...dm, endpoints: dm.endpoints.filter((e) => inPlan.has(e.ref)) }, common);
  const pr = reachability({ ...pm, endpoints: pm.endpoints.filter((e) => dSig.has(e.ref)) } as NetModel, common);
  const overrides = new Map<string, PairResult>();
  for (const ci of dr.classes)
    for (const cj of dr.classes) {
      const a = ci.members[0]!;
      const b = ci === cj ? ci.members[1] : cj.members[0];
      if (!b) continue;
      const x = pair(dr, a.ref, b.ref);
      const y = pair(pr, a.ref, b.ref);
      if (x.reach === y.reach && x.l2 === y.l2 && !y.unstable) continue;
      let n = 0;
      for (const p of ci.members)
        for (const q of cj.members) {
          if (p === q || n++ > MAX_PAIRS_PER_CELL) continue;
          let adjusted = { ...x };
          for (const k of ['reach', 'l2'] as const) {
            if (x[k] === y[k]) continue;
            const dev = explain(plan.deviations, p.ref, q.ref, k, y[k]);
            const detail = k === 'reach' ? `${y.why ?? x.why ?? ''}${y.unstable ? ` (depends on earlier traffic: ${y.unstable})` : ''}` : y.unstable;
            differences.push({ kind: k, from: p.ref, to: q.ref, design: x[k], plan: y[k], ...(dev ? { explainedBy: dev.code } : {}), ...(detail ? { detail } : {}) });
            // A deviation that makes the twin reach where the design does not also says what the target sees.
            if (dev) adjusted = k === 'reach' ? { ...adjusted, reach: y.reach, ...(y.seenFrom ? { seenFrom: y.seenFrom } : {}) } : { ...adjusted, l2: y.l2 };
          }
          // Probes may skip an order-dependent pair only where the twin knowingly deviates.
          if (y.unstable && adjusted.reach === y.reach && adjusted.l2 === y.l2) adjusted.unstable = y.unstable;
          overrides.set(`${p.ref} ${q.ref}`, adjusted);
        }
    }
  for (const t of dr.tcp) {
    const u = pr.tcp.find((x) => x.rule === t.rule && x.addr === t.addr);
    for (const c of dr.classes) {
      const want = t.fromClass.get(c.id)!;
      const got = u?.fromClass.get(pr.classOf.get(c.members[0]!.ref)!) ?? false;
      if (want === got) continue;
      for (const e of c.members) {
        const to = `${t.rule} ${formatIp(t.addr)}:${t.port} -> ${t.target.node}`;
        const dev =
          explain(plan.deviations, e.ref, t.target.node, 'reach', got) ??
          // The target itself is outside the plan (a real guest): its node's deviation covers it.
          (pm.endpoints.some((x) => x.node === t.target.node) ? undefined : plan.deviations.find((x) => x.realizes.includes(`node:${t.target.node}`)));
        differences.push({ kind: 'tcp', from: e.ref, to, design: want, plan: got, ...(dev ? { explainedBy: dev.code } : {}) });
      }
    }
  }
  return {
    design: dr,
    plan: pr,
    differences,
    bugs: differences.filter((x) => !x.explainedBy),
    expected: (from, to) => overrides.get(`${from} ${to}`) ?? pair(dr, from, to),
  };
}

/** A deviation whose `affects` names this pair (either direction) with the twin's value. */
function explain(devs: Deviation[], from: string, to: string, k: 'reach' | 'l2', value: boolean): Deviation | undefined {
  const names = (ref: string) => [ref, ref.replace(/^(iface|svi):/, '').split('/')[0]!, '*'];
  const f = names(from);
  const t = names(to);
  return devs.find((d) => (d.affects ?? []).some((a) => ((f.includes(a.from) && t.includes(a.to)) || (f.includes(a.to) && t.includes(a.from))) && a[k] === value));
}
