// Connections the proof makes beyond ping and ARP, wherever a rule of the design decides by
// port: for every firewall rule with TCP or UDP ports, a connection to a port it names and to
// one just outside it, at the node it protects (input) or at a host behind it (forward). Each
// is a TcpCheck (reachability.ts) of kind "port": verify listens there and connects from every
// (sampled) endpoint, and the semantics says, per class of sources, whether it lands.
//
// Bounded: nodes with the same firewall (firewallKey) are one kind of target, of which two are
// checked; a 1,000-host design whose hosts share 20 rules gets some 80 checks, not 40,000.
import { contains, formatIp } from '../model/ip.js';
import { firewallKey, type FwStep } from './firewall.js';
import { roundTrip } from './forward.js';
import type { Endpoint, NetModel, NetNode } from './net-model.js';
import type { ReachClass, TcpCheck } from './reachability.js';
import { routeLookup } from './route-lookup.js';

/** Targets per kind of firewall (nodes with equal rules). */
const TARGETS_PER_KIND = 2;

export function firewallChecks(m: NetModel, classes: ReachClass[]): TcpCheck[] {
  const checks: TcpCheck[] = [];
  const seen = new Set<string>();
  const kinds = new Map<string, number>();
  // The design and the twin list endpoints and nodes in their own orders: choose by name, so
  // that both choose the same targets (compare.ts matches checks by rule, address and port).
  const eps = [...m.endpoints].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const endpointsOf = new Map<string, Endpoint[]>();
  for (const e of eps) endpointsOf.set(e.node, [...(endpointsOf.get(e.node) ?? []), e]);
  for (const n of [...m.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!n.fw) continue;
    const key = firewallKey(n.fw);
    const k = kinds.get(key) ?? 0;
    if (k >= TARGETS_PER_KIND) continue;
    kinds.set(key, k + 1);
    const steps = n.fw.steps.filter((s) => s.match.dports && (s.match.protocol === 'tcp' || s.match.protocol === 'udp') && s.chain !== 'output');
    for (const s of steps) {
      const target = s.chain === 'input' ? own(s, endpointsOf.get(n.name) ?? []) : behind(m, eps, n, s);
      if (!target) continue;
      const protocol = s.match.protocol as 'tcp' | 'udp';
      for (const port of [s.match.dports![0]![0], outside(n.fw.steps, protocol, s)]) {
        if (port === undefined || seen.has(`${target.node} ${target.addr.ip} ${protocol} ${port}`) || taken(m.nodes.get(target.node), protocol, port)) continue;
        seen.add(`${target.node} ${target.addr.ip} ${protocol} ${port}`);
        checks.push(check(m, classes, s, target, protocol, port));
      }
    }
  }
  return checks;
}

/** The node's own endpoint a rule of its input chain protects (on an interface it names). */
function own(s: FwStep, eps: Endpoint[]): Endpoint | undefined {
  return eps.find((e) => (!s.match.iif || s.match.iif.includes(e.dev)) && (!s.match.daddr || s.match.daddr.some((d) => contains(d, e.addr.ip)))) ?? (s.match.iif ? undefined : eps[0]);
}

/** An end host the node routes to out of an interface a forward rule names (and in its destination). */
function behind(m: NetModel, eps: Endpoint[], n: NetNode, s: FwStep): Endpoint | undefined {
  const fits = (e: Endpoint) => {
    if (e.node === n.name || (s.match.daddr && !s.match.daddr.some((d) => contains(d, e.addr.ip)))) return false;
    const r = routeLookup(n, e.addr.ip);
    return !!r && (!s.match.oif || s.match.oif.includes(r.iface.dev));
  };
  return eps.find((e) => !m.nodes.get(e.node)?.forwards && fits(e)) ?? eps.find(fits);
}

/** A port just outside the rule that no rule of this protocol names, if there is one. */
function outside(steps: FwStep[], protocol: 'tcp' | 'udp', s: FwStep): number | undefined {
  const named = (p: number) => steps.some((x) => x.match.protocol === protocol && x.match.dports?.some(([a, b]) => p >= a && p <= b));
  const ranges = s.match.dports!;
  for (const p of [ranges.at(-1)![1] + 1, ranges[0]![0] - 1]) if (p >= 1 && p <= 65535 && !named(p)) return p;
  return undefined;
}

function check(m: NetModel, classes: ReachClass[], s: FwStep, target: Endpoint, protocol: 'tcp' | 'udp', port: number): TcpCheck {
  const fromClass = new Map<number, boolean>();
  const peerFrom = new Map<number, number>();
  for (const c of classes) {
    const e = c.members[0]!;
    const rt = roundTrip(m, e.node, e.addr.ip, target.addr.ip, protocol, port, false);
    const lands = rt.ok && rt.landed!.node === target.node && rt.landed!.port === port;
    fromClass.set(c.id, lands);
    if (lands && rt.request.pkt.src !== e.addr.ip) peerFrom.set(c.id, rt.request.pkt.src);
  }
  const addr = target.addr.ip;
  return { kind: 'port', node: target.node, rule: s.realizes[0] ?? `${target.node}/${formatIp(addr)}`, protocol, addr, port, target: { node: target.node, addr, port }, fromClass, peerFrom };
}

/** A service of the node answers there already (workload-checks.ts checks it): verify cannot listen too. */
function taken(n: NetNode | undefined, protocol: 'tcp' | 'udp', port: number): boolean {
  return !!n && (n.services?.some((s) => s.protocol === protocol && s.port === port) || n.nat.some((r) => r.type === 'lb' && r.protocol === protocol && r.port === port));
}
