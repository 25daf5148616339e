// A node's packet filter as the forwarding engine evaluates it, and as the twin's nftables table
// is written (plan/firewall.ts, render/firewall-nft.ts): one ordered list of steps per chain, each
// a design rule's match in terms of devices, prefixes and ports. It is the one source for the
// design's semantics and the plan's table, like nat-rules.ts for NAT, so the two cannot
// disagree on which rule decides.
//
// Which chain a rule is in (docs/services.md): `from: self` is the output chain (packets the node
// sends); `to: self` the input chain (packets for the node); `to: <zone or interface>` the
// forward chain (packets routed through it); a rule that names neither applies to input and
// forward, as "deny tcp port 23" means on a router. Every chain first accepts packets of
// connections it already accepted (stateful, the default) and loopback traffic.
import { contains, formatNet, parseCidr } from '../model/ip.js';
import { ICMP_TYPES } from '../model/schema-firewall.js';
import { isRouted, type Design, type DesignNode, type Routed } from '../model/types.js';
import type { FirewallRule, FwChain, FwPolicy } from '../model/types-firewall.js';
import type { FwTable } from '../plan/types.js';

type Ref = string;
export type { FwChain, FwPolicy } from '../model/types-firewall.js';
export const CHAINS: FwChain[] = ['input', 'forward', 'output'];

export interface Net {
  network: number;
  prefix: number;
}

export interface FwMatch {
  /** Devices the packet came in on (any of them); absent: any. Empty: none (a zone without interfaces). */
  iif?: string[];
  oif?: string[];
  saddr?: Net[];
  daddr?: Net[];
  protocol?: 'tcp' | 'udp' | 'icmp';
  /** Inclusive destination port ranges. */
  dports?: [number, number][];
  icmpTypes?: number[];
  /** Only connections whose destination this node's port forward translated. */
  dnat?: true;
}

export interface FwStep {
  chain: FwChain;
  match: FwMatch;
  verdict: 'accept' | 'drop' | 'reject';
  /** 1-based number of the design rule. */
  rule: number;
  /** "allow inside → outside tcp/22", for traces and messages. */
  label: string;
  realizes: Ref[];
}

export interface FwModel {
  stateful: boolean;
  policy: Record<FwChain, FwPolicy>;
  steps: FwStep[];
  realizes: Ref[];
}

/** `firewall:gw/2`: rule 3 of gw's firewall; `firewall:gw/policy`: its default policies (and what every chain accepts first). */
export const firewallRef = (node: string, i?: number): Ref => `firewall:${node}/${i === undefined ? 'policy' : i}`;

const VERDICT = { allow: 'accept', deny: 'drop', reject: 'reject' } as const;

/** How a design rule reads in one line. */
export function ruleLabel(r: FirewallRule): string {
  const where = (xs: string[] | undefined) => (xs ? xs.join(',') : 'any');
  const parts = [`${r.action} ${where(r.from)} → ${where(r.to)}`];
  if (r.protocol !== 'any') parts.push(r.ports ? `${r.protocol}/${r.ports.map(([a, b]) => (a === b ? a : `${a}-${b}`)).join(',')}` : r.protocol);
  if (r.icmpTypes) parts.push(r.icmpTypes.join(','));
  if (r.source) parts.push(`from ${r.source.map((a) => a.text).join(',')}`);
  if (r.destination) parts.push(`to ${r.destination.map((a) => a.text).join(',')}`);
  if (r.dnat) parts.push('port forwards');
  return parts.join(' ');
}

/**
 * The node's firewall as steps. `addressesOf` gives a node's addresses (a rule may name nodes);
 * `dev` maps a design interface name (or vlan<N> for an SVI) to the device that carries it.
 */
export function nodeFirewall(n: Extract<DesignNode, Routed>, addressesOf: (node: string) => number[] | undefined, dev: (name: string) => string = (x) => x): FwModel | undefined {
  const fw = n.firewall;
  if (!fw) return undefined;
  const zones = new Map(fw.zones.map((z) => [z.name, z.ifaces]));
  // Only routers and L3 switches route (ip_forward): elsewhere the forward chain sees nothing.
  // A load balancer's node forwards too (services.ts).
  const forwards = n.kind === 'router' || n.kind === 'l3-switch' || (n.services ?? []).some((x) => x.kind === 'load-balancer');
  const ifaces = (xs: string[]): string[] => [...new Set(xs.flatMap((x) => (x === 'self' ? [] : (zones.get(x) ?? [x]))).map(dev))];
  const nets = (xs: FirewallRule['source']): Net[] | undefined =>
    xs?.flatMap((a) => (a.cidr ? [{ network: a.cidr.network, prefix: a.cidr.prefix }] : (addressesOf(a.node ?? '') ?? []).map((ip) => ({ network: ip, prefix: 32 }))));
  const steps: FwStep[] = [];
  fw.rules.forEach((r) => {
    const k = Number(r.path.at(-1));
    const match: FwMatch = {};
    if (r.protocol !== 'any') match.protocol = r.protocol;
    const s = nets(r.source);
    const dd = nets(r.destination);
    if (s) match.saddr = s;
    if (dd) match.daddr = dd;
    if (r.ports) match.dports = r.ports;
    if (r.icmpTypes) match.icmpTypes = r.icmpTypes.map((t) => ICMP_TYPES[t]);
    if (r.dnat) match.dnat = true;
    const base = { verdict: VERDICT[r.action], rule: k + 1, label: ruleLabel(r), realizes: [firewallRef(n.name, k)] };
    for (const [chain, iif, oif] of ruleChains(r, ifaces)) if (chain !== 'forward' || forwards) steps.push({ chain, match: { ...(iif ? { iif } : {}), ...(oif ? { oif } : {}), ...match }, ...base });
  });
  return { stateful: fw.stateful, policy: { ...fw.policy }, steps, realizes: [firewallRef(n.name)] };
}

/** The chains a rule applies to, with the devices it matches coming in and going out. */
export function ruleChains(r: Pick<FirewallRule, 'from' | 'to'>, ifaces: (xs: string[]) => string[]): [FwChain, string[] | undefined, string[] | undefined][] {
  const out: [FwChain, string[] | undefined, string[] | undefined][] = [];
  const fromSelf = r.from?.includes('self') ?? false;
  const toSelf = r.to?.includes('self') ?? false;
  const fromIfs = r.from ? r.from.filter((x) => x !== 'self') : undefined;
  const toIfs = r.to ? r.to.filter((x) => x !== 'self') : undefined;
  const iif = fromIfs ? ifaces(fromIfs) : undefined;
  const oif = toIfs && toIfs.length ? ifaces(toIfs) : undefined;
  if (fromSelf && (!r.to || oif)) out.push(['output', undefined, oif]);
  if (!r.from || fromIfs!.length) {
    if (!r.to) out.push(['input', iif, undefined], ['forward', iif, undefined]);
    else {
      if (toSelf) out.push(['input', iif, undefined]);
      if (oif) out.push(['forward', iif, oif]);
    }
  }
  return out;
}

/** Every address of a node by name, interfaces and SVIs (firewall rules may name nodes). */
/** One look-up per design: every node's firewall asks for it (a map per node was quadratic). */
const lookups = new WeakMap<Design, (node: string) => number[] | undefined>();

export function designAddresses(d: Design): (node: string) => number[] | undefined {
  const known = lookups.get(d);
  if (known) return known;
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const f = (name: string): number[] | undefined => {
    const n = byName.get(name);
    return n && isRouted(n) ? [...n.interfaces.flatMap((i) => i.addresses), ...(n.kind === 'l3-switch' ? n.svis.flatMap((s) => s.addresses) : [])].map((c) => c.ip) : undefined;
  };
  lookups.set(d, f);
  return f;
}

/** A packet as a chain sees it. */
export interface FwPacket {
  src: number;
  dst: number;
  proto: 'icmp' | 'tcp' | 'udp';
  dport: number;
  icmpType?: number;
  iif?: string;
  oif?: string;
  /** The node translated this connection's destination (a port forward). */
  dnat: boolean;
  /** The node already accepted this connection (conntrack: established or related). */
  established: boolean;
}

export interface FwVerdict {
  verdict: 'accept' | 'drop' | 'reject';
  /** The step that decided, or undefined: the state, loopback or the chain's policy. */
  step?: FwStep;
  by: 'established' | 'rule' | 'policy';
}

const inNets = (ns: Net[] | undefined, ip: number) => !ns || ns.some((n) => contains(n, ip));

export function matches(m: FwMatch, p: FwPacket): boolean {
  if (m.iif && (p.iif === undefined || !m.iif.includes(p.iif))) return false;
  if (m.oif && (p.oif === undefined || !m.oif.includes(p.oif))) return false;
  if (m.protocol && m.protocol !== p.proto) return false;
  if (m.dports && (p.proto === 'icmp' || !m.dports.some(([a, b]) => p.dport >= a && p.dport <= b))) return false;
  if (m.icmpTypes && (p.proto !== 'icmp' || p.icmpType === undefined || !m.icmpTypes.includes(p.icmpType))) return false;
  if (m.dnat && !p.dnat) return false;
  return inNets(m.saddr, p.src) && inNets(m.daddr, p.dst);
}

export function evaluate(fw: FwModel, chain: FwChain, p: FwPacket): FwVerdict {
  if (fw.stateful && p.established) return { verdict: 'accept', by: 'established' };
  for (const s of fw.steps) if (s.chain === chain && matches(s.match, p)) return { verdict: s.verdict, step: s, by: 'rule' };
  return { verdict: fw.policy[chain] === 'accept' ? 'accept' : fw.policy[chain], by: 'policy' };
}

/** "rule 3 (deny outside → inside)" or "forward policy drop". */
export const verdictText = (chain: FwChain, v: FwVerdict): string =>
  v.step ? `rule ${v.step.rule} (${v.step.label})` : v.by === 'established' ? 'an established connection' : `${chain} policy ${v.verdict}`;

/** Prefixes a firewall's steps name: they can set hosts apart (reachability classes). */
export const firewallNets = (fw: FwModel): Net[] => fw.steps.flatMap((s) => [...(s.match.saddr ?? []), ...(s.match.daddr ?? [])]);

/** Equal for two firewalls that treat every packet alike (for reachability classes). */
export const firewallKey = (fw: FwModel): string =>
  JSON.stringify([fw.stateful, fw.policy, fw.steps.map((s) => [s.chain, s.verdict, s.match.iif, s.match.oif, s.match.saddr?.map(formatNet), s.match.daddr?.map(formatNet), s.match.protocol, s.match.dports, s.match.icmpTypes, s.match.dnat])]);

/** A plan's filter table read back as steps (from-plan.ts): the twin's firewall, as the engine sees it. */
export function fwFromTable(t: FwTable, realizes: Ref[]): FwModel {
  const nets = (xs: string[] | undefined): Net[] | undefined =>
    xs?.flatMap((x) => {
      const c = parseCidr(x.includes('/') ? x : `${x}/32`);
      return c ? [{ network: c.network, prefix: c.prefix }] : [];
    });
  const steps = t.rules.map((r): FwStep => {
    const match: FwMatch = {};
    if (r.iif) match.iif = r.iif;
    if (r.oif) match.oif = r.oif;
    const sa = nets(r.saddr);
    const da = nets(r.daddr);
    if (sa) match.saddr = sa;
    if (da) match.daddr = da;
    if (r.protocol) match.protocol = r.protocol;
    if (r.dports) match.dports = r.dports.map((p) => p.split('-').map(Number) as [number, number]).map(([a, b]) => [a, b ?? a]);
    if (r.icmpTypes) match.icmpTypes = r.icmpTypes;
    if (r.dnat) match.dnat = true;
    return { chain: r.chain, match, verdict: r.verdict, rule: r.rule, label: r.label, realizes: r.realizes };
  });
  return { stateful: t.stateful, policy: { ...t.policy }, steps, realizes: realizes.filter((x) => x.endsWith('/policy')) };
}
