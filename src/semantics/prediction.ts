// What `vnetmap expect` computes: the design's domains and reachability, and, given a plan,
// the twin's prediction with every difference sorted into "deviation" or "mapping bug".
import type { Design } from '../model/types.js';
import { describeCapabilities } from '../plan/capabilities.js';
import type { Deviation, Plan } from '../plan/types.js';
import { compare, type Comparison, type Difference } from './compare.js';
import { formatDomains, formatLeases, formatReachability, reachabilityJson } from './format.js';
import { designModel } from './from-design.js';
import { reachability } from './reachability.js';
import { convergedJson, formatConverged } from './dynamic.js';

export interface Prediction {
  text: string;
  json: unknown;
  /** Differences between design and plan that no deviation explains. */
  bugs: Difference[];
}

/** A twin as `expect` compares it: any engine's, once reduced to a heading, deviations and a comparison. */
export interface TwinComparison {
  /** "strategy faithful, capabilities …" or "engine ovn, 2 chassis …". */
  heading: string;
  deviations: Deviation[];
  cmp: Comparison;
  /** What `--json` says about the twin besides deviations and differences. */
  json: Record<string, unknown>;
}

/** The kernel plan's comparison with the design. */
export function kernelTwin(d: Design, plan: Plan): TwinComparison {
  return { heading: `strategy ${plan.strategy}, capabilities ${describeCapabilities(plan.capabilities)}`, deviations: plan.deviations, cmp: compare(d, plan), json: { strategy: plan.strategy, capabilities: plan.capabilities.source } };
}

export function predict(d: Design, plan?: Plan, other?: TwinComparison): Prediction {
  const m = designModel(d);
  const r = reachability(m);
  const nameOf = new Map(m.endpoints.map((e) => [e.ref, e.name]));
  const lines = [
    `${d.name}: ${m.endpoints.length} endpoints, ${m.domains.domains.length} broadcast domains, ${r.classes.length} reachability classes`,
    '',
    ...formatDomains(m.domains, (ref) => nameOf.get(ref) ?? ref),
    '',
    ...formatLeases(d),
    ...formatReachability(r),
    ...(m.routing ? ['', ...formatConverged(m.routing)] : []),
  ];
  const twin = other ?? (plan ? kernelTwin(d, plan) : undefined);
  if (twin) lines.push('', ...formatComparison(twin, (ref) => nameOf.get(ref) ?? ref));
  const cmp = twin?.cmp;
  const json = {
    design: d.name,
    ...(reachabilityJson(r, m.domains) as object),
    ...(m.routing ? { routing: convergedJson(m.routing) } : {}),
    ...(twin && cmp
      ? {
          plan: {
            ...twin.json,
            deviations: twin.deviations.map((x) => ({ code: x.code, message: x.message, affects: x.affects?.length ?? 0 })),
            differences: cmp.differences,
            unexplained: cmp.bugs.length,
          },
        }
      : {}),
  };
  return { text: lines.join('\n') + '\n', json, bugs: cmp?.bugs ?? [] };
}

export function formatComparison(twin: TwinComparison, nameOf: (ref: string) => string): string[] {
  const { cmp } = twin;
  const out = [`Twin (${twin.heading}) vs design`];
  if (!twin.deviations.length) out.push('  deviations declared by the plan: none');
  else {
    out.push('  deviations declared by the plan:');
    for (const x of twin.deviations) out.push(`    ${x.code}: ${x.message}${x.affects?.length ? ` (${x.affects.length} pair${x.affects.length > 1 ? 's' : ''})` : ''}`);
  }
  const explained = cmp.differences.filter((x) => x.explainedBy);
  out.push(`  differences: ${cmp.differences.length} (${explained.length} explained by deviations, ${cmp.bugs.length} unexplained)`);
  const show = (x: Difference) => {
    const what = x.kind === 'l2' ? 'same broadcast domain' : x.kind === 'reach' ? 'reaches' : x.kind === 'tcp' ? 'TCP lands' : 'endpoint exists';
    return `${nameOf(x.from)} -> ${x.kind === 'tcp' || x.kind === 'endpoint' ? x.to : nameOf(x.to)}: ${what}: design ${x.design ? 'yes' : 'no'}, twin ${x.plan ? 'yes' : 'no'}`;
  };
  for (const x of explained.slice(0, 40)) out.push(`    ${show(x)}   (deviation ${x.explainedBy})`);
  if (explained.length > 40) out.push(`    ... ${explained.length - 40} more explained`);
  for (const x of cmp.bugs.slice(0, 100)) out.push(`    MAPPING BUG: ${show(x)}${x.detail ? ` — ${x.detail}` : ''}`);
  if (cmp.bugs.length > 100) out.push(`    ... ${cmp.bugs.length - 100} more mapping bugs`);
  return out;
}
