// Reasoning over a firewall's steps without a packet: does an earlier rule match everything a
// later one would (the later one never decides), and what a chain does with a packet whose
// source is unknown (a port forward's clients: "the internet").
import { contains } from '../ip.js';
import { matches, type FwMatch, type FwModel, type FwPacket, type FwStep, type Net } from '../../semantics/firewall.js';

const within = (outer: Net[] | undefined, inner: Net[] | undefined): boolean =>
  !outer || (!!inner && inner.every((n) => outer.some((o) => o.prefix <= n.prefix && contains(o, n.network))));
const subset = <T>(outer: T[] | undefined, inner: T[] | undefined): boolean => !outer || (!!inner && inner.every((x) => outer.includes(x)));
const rangesWithin = (outer: [number, number][] | undefined, inner: [number, number][] | undefined): boolean =>
  !outer || (!!inner && inner.every(([a, b]) => outer.some(([x, y]) => x <= a && b <= y)));

/** Does `a` match every packet `b` matches? */
export function covers(a: FwMatch, b: FwMatch): boolean {
  return (
    subset(a.iif, b.iif) &&
    subset(a.oif, b.oif) &&
    within(a.saddr, b.saddr) &&
    within(a.daddr, b.daddr) &&
    (!a.protocol || a.protocol === b.protocol) &&
    rangesWithin(a.dports, b.dports) &&
    subset(a.icmpTypes, b.icmpTypes) &&
    (!a.dnat || !!b.dnat)
  );
}

/**
 * Rules that can never decide: for each rule (by number), the earlier rules that match every
 * packet it would match in every chain it is in. Rules with no step at all are not listed
 * (they are a different mistake: checks/firewall.ts says why they never match).
 */
export function shadowed(fw: FwModel): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const byRule = new Map<number, FwStep[]>();
  for (const s of fw.steps) byRule.set(s.rule, [...(byRule.get(s.rule) ?? []), s]);
  for (const [rule, steps] of byRule) {
    const by = new Set<number>();
    const all = steps.every((s) => {
      const earlier = fw.steps.find((e) => e.rule < rule && e.chain === s.chain && covers(e.match, s.match));
      if (earlier) by.add(earlier.rule);
      return !!earlier;
    });
    if (all) out.set(rule, [...by].sort((a, b) => a - b));
  }
  return out;
}

/**
 * What the chain does with `p` whatever its source address: the step or policy that decides
 * for every source, or undefined when rules with a source match let some sources through.
 */
export function decideForAnySource(fw: FwModel, chain: FwStep['chain'], p: Omit<FwPacket, 'src' | 'established'>): { verdict: 'accept' | 'drop' | 'reject'; step?: FwStep } | undefined {
  for (const s of fw.steps) {
    if (s.chain !== chain) continue;
    const { saddr, ...rest } = s.match;
    if (!matches(rest, { ...p, src: 0, established: false })) continue;
    if (saddr) {
      if (s.verdict === 'accept') return undefined; // some sources pass
      continue; // some sources are stopped here, the rest go on
    }
    return { verdict: s.verdict, step: s };
  }
  return { verdict: fw.policy[chain] === 'accept' ? 'accept' : fw.policy[chain] };
}
