// Who reaches whom: ICMP round trips between every ordered pair of endpoints, same-L2-segment
// adjacency, and TCP through every port forward and redirect.
//
// 10,000 hosts would make 10^8 pairs, so endpoints are first grouped into classes whose members
// are interchangeable: a plain host (one interface, no forwarding, no NAT) behaves like any
// other with the same L2 segment, subnet, routes and membership in every prefix that any route
// or NAT rule mentions, unless some rule names its address. One representative pair per pair
// of classes is simulated; individual pairs are answered from the class cells on demand.
import { contains, formatIp } from '../model/ip.js';
import { arpAnswerers, roundTrip, walk } from './forward.js';
import { firewallKey, firewallNets } from './firewall.js';
import { firewallChecks } from './service-checks.js';
import { workloadChecks } from './workload-checks.js';
import type { Endpoint, NetIface, NetModel, NetNat, NetNode } from './net-model.js';

export interface PairResult {
  /** An ICMP echo from the source endpoint's address gets its reply. */
  reach: boolean;
  /** An ARP request from the source interface is answered by the target interface. */
  l2: boolean;
  /** Why not, when not reachable. */
  why?: string;
  /**
   * The source address the target sees when it is not the sender's own (NAT on the way): what a
   * live probe must find in the target's namespace. Absent: the sender's own address.
   */
  seenFrom?: string;
  /** Set when the live answer depends on earlier traffic; probes skip the ping. */
  unstable?: string;
}

export interface ReachClass {
  id: number;
  members: Endpoint[];
}

export interface TcpCheck {
  /**
   * forward, redirect: through the NAT rule; port: to a port a firewall rule decides on
   * (service-checks.ts); balance, proxy, process: to a service (workload-checks.ts).
   */
  kind: 'forward' | 'redirect' | 'port' | 'balance' | 'proxy' | 'process';
  /** Router doing the translation and the rule's design ref. */
  node: string;
  rule: string;
  protocol: 'tcp' | 'udp';
  /** Where clients connect: the router's address on the rule's interface, and the port. */
  addr: number;
  port: number;
  /** Where the connection must land. */
  target: { node: string; addr: number; port: number };
  /** Per class id: does a connection from a member land on the target and complete? */
  fromClass: Map<number, boolean>;
  /**
   * Per class id whose connections land: the peer address the target sees, when it is not the
   * client's own (hairpin NAT, a masquerade on the way). Absent: the client's own address.
   */
  peerFrom: Map<number, number>;
  /** balance: every backend that takes connections, each with its own outcome per class. */
  backends?: { node: string; addr: number; port: number; fromClass: Map<number, boolean>; peerFrom: Map<number, number> }[];
  /** balance: its scheduler (sh keeps a client on one backend). */
  scheduler?: 'rr' | 'wrr' | 'lc' | 'sh';
  /** balance: the backends' weights together (a wrr round). */
  weights?: number;
}

export interface Reachability {
  endpoints: Endpoint[];
  classes: ReachClass[];
  classOf: Map<string, number>;
  /** cells[i][j]: class i+1 -> class j+1; undefined for a one-member class to itself. */
  cells: (PairResult | undefined)[][];
  tcp: TcpCheck[];
}

export function ifaceOf(m: NetModel, e: Endpoint): NetIface {
  const i = m.nodes.get(e.node)?.ifaces.find((x) => x.dev === e.dev);
  if (!i) throw new Error(`endpoint ${e.ref} has no interface in the model`);
  return i;
}

/**
 * `key` replaces the class signature (compare.ts joins the design's and the plan's so that one
 * class is uniform in both the design and the twin).
 */
export function reachability(m: NetModel, key?: (e: Endpoint) => string): Reachability {
  const sigs = key ? undefined : signatures(m);
  const sig = key ?? ((e: Endpoint) => sigs!.get(e.ref)!);
  const groups = new Map<string, Endpoint[]>();
  for (const e of m.endpoints) {
    const key = sig(e);
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  const classes: ReachClass[] = [...groups.values()].map((members, k) => ({ id: k + 1, members }));
  const classOf = new Map<string, number>();
  for (const c of classes) for (const e of c.members) classOf.set(e.ref, c.id);
  const cells = classes.map((ci) =>
    classes.map((cj) => {
      const a = ci.members[0]!;
      const b = ci === cj ? ci.members[1] : cj.members[0]!;
      return b ? pairResult(m, a, b) : undefined;
    }),
  );
  return { endpoints: m.endpoints, classes, classOf, cells, tcp: [...tcpChecks(m, classes), ...firewallChecks(m, classes), ...workloadChecks(m, classes)] };
}

/**
 * A pair is about endpoints, not addresses: `b` is reached only when the echo request lands on
 * b's node (any of its addresses: Linux answers for all of them on any interface) and the reply
 * comes back. Behind NAT, sites reuse private ranges, so the address may well answer from
 * another node; then `a` does not reach `b`. Likewise `l2` needs b's interface to answer a's ARP
 * request for b's address, and no other node to answer it too.
 */
export function pairResult(m: NetModel, a: Endpoint, b: Endpoint): PairResult {
  const ia = ifaceOf(m, a);
  const who = arpAnswerers(m, ia, b.addr.ip);
  const l2 = m.l2.adjacent(ia, ifaceOf(m, b)) && who.every((n) => n === b.node);
  if (a.node === b.node) return { reach: true, l2 };
  const rt = roundTrip(m, a.node, a.addr.ip, b.addr.ip, 'icmp', 0, false);
  const elsewhere = rt.ok && rt.landed!.node !== b.node;
  const res: PairResult = rt.ok && !elsewhere ? { reach: true, l2 } : { reach: false, l2, why: elsewhere ? `delivered to ${rt.landed!.node}, which owns ${formatIp(b.addr.ip)} too, not to ${b.node}` : rt.why! };
  const from = rt.request.pkt.src;
  if (res.reach && from !== a.addr.ip) res.seenFrom = formatIp(from);
  if (rt.unstable) res.unstable = rt.unstable;
  return res;
}

/** Each endpoint's class signature: equal signatures behave identically. */
export function signatures(m: NetModel): Map<string, string> {
  const { special, prefixes } = mentioned(m);
  return new Map(m.endpoints.map((e) => [e.ref, signature(m, e, special, prefixes)]));
}

/** One pair, answered from its classes' cell. */
export function pair(r: Reachability, from: string, to: string): PairResult {
  if (from === to) return { reach: true, l2: true };
  const i = r.classOf.get(from);
  const j = r.classOf.get(to);
  if (i === undefined || j === undefined) throw new Error(`unknown endpoint ${i === undefined ? from : to}`);
  return r.cells[i - 1]![j - 1]!;
}

function signature(m: NetModel, e: Endpoint, special: Set<number>, prefixes: { network: number; prefix: number }[]): string {
  const n = m.nodes.get(e.node)!;
  if (n.forwards || n.nat.length || n.ifaces.length !== 1 || special.has(e.addr.ip) || e.addr.prefix >= 31) return `u:${e.ref}`;
  const i = n.ifaces[0]!;
  const routes = n.routes.map((r) => `${r.network}/${r.prefix}>${r.via ?? ''}@${r.dev ?? ''}`).join(',');
  const bits = prefixes.map((p) => (contains(p, e.addr.ip) ? '1' : '0')).join('');
  // Hosts with the same packet filter behave alike; one that differs is a class of its own kind.
  const fw = n.fw ? `:${firewallKey(n.fw)}` : '';
  return `h:${m.l2.classKey(i)}:${i.addrs.map((a) => `${a.network}/${a.prefix}`).join(',')}:${routes}:${bits}${fw}`;
}

/** Addresses and prefixes that routing or NAT rules name: they can set a host apart. */
function mentioned(m: NetModel): { special: Set<number>; prefixes: { network: number; prefix: number }[] } {
  const special = new Set<number>();
  const seen = new Set<string>();
  const prefixes: { network: number; prefix: number }[] = [];
  const addPrefix = (network: number, prefix: number) => {
    const k = `${network}/${prefix}`;
    if (prefix > 0 && !seen.has(k)) {
      seen.add(k);
      prefixes.push({ network, prefix });
    }
  };
  // An address two interfaces own (a duplicate) sets both apart: which one answers is theirs alone.
  for (const [ip, owners] of m.byAddr) if (owners.length > 1) special.add(ip);
  for (const n of m.nodes.values()) {
    for (const r of n.routes) {
      if (r.via !== undefined) special.add(r.via);
      addPrefix(r.network, r.prefix);
    }
    for (const r of n.nat) {
      if (r.type === 'dnat') special.add(r.to);
      if (r.type === 'dnat' && r.daddr !== undefined) special.add(r.daddr);
      if (r.type === 'snat' && r.to !== undefined) special.add(r.to);
      if (r.type === 'snat' && r.from) addPrefix(r.from.network, r.from.prefix);
      if (r.type === 'lb') for (const a of [r.daddr, ...r.backends.map((b) => b.to)]) special.add(a);
    }
    for (const s of n.services ?? []) {
      if (s.addr !== undefined) special.add(s.addr);
      if (s.target) special.add(s.target.addr);
    }
    if (n.fw) for (const x of firewallNets(n.fw)) addPrefix(x.network, x.prefix);
  }
  return { special, prefixes };
}

/**
 * Where a forward's connections end up: the device the router itself reaches at the target
 * address, so that sites reusing private addresses each get their own host, and a forward to
 * another router that forwards again (double NAT) ends at the inside machine.
 */
function forwardTarget(m: NetModel, n: NetNode, to: number, port: number, protocol: 'tcp' | 'udp'): TcpCheck['target'] {
  const src = n.ifaces.find((i) => i.addrs[0])?.addrs[0]?.ip;
  const w = src === undefined ? undefined : walk(m, n.name, { src, dst: to, proto: protocol, sport: 40000, dport: port }, new Map(), 'orig', false);
  if (w?.delivered) return { node: w.node, addr: w.pkt.dst, port: w.pkt.dport };
  return { node: m.byAddr.get(to)?.[0]?.node ?? formatIp(to), addr: to, port };
}

function tcpChecks(m: NetModel, classes: ReachClass[]): TcpCheck[] {
  const checks: TcpCheck[] = [];
  const seen = new Set<string>();
  for (const n of m.nodes.values())
    for (const r of n.nat as NetNat[]) {
      if (r.type !== 'dnat' && r.type !== 'redirect') continue;
      // Clients connect to the address the rule matches, else to the capturing interface's.
      const addr = (r.type === 'dnat' ? r.daddr : undefined) ?? n.ifaces.find((i) => i.dev === r.in)?.addrs[0]?.ip;
      if (addr === undefined) continue;
      const rule = r.realizes[0] ?? `${n.name}/${r.in}/${r.port}`;
      // One check per rule and address: a forward on every address of its interface.
      if (seen.has(`${rule} ${addr}`)) continue;
      seen.add(`${rule} ${addr}`);
      const target = r.type === 'dnat' ? forwardTarget(m, n, r.to, r.toPort, r.protocol) : { node: n.name, addr, port: r.toPort };
      const fromClass = new Map<number, boolean>();
      const peerFrom = new Map<number, number>();
      for (const c of classes) {
        const e = c.members[0]!;
        const rt = roundTrip(m, e.node, e.addr.ip, addr, r.protocol, r.port, false);
        const lands = rt.ok && rt.landed!.node === target.node && rt.landed!.port === target.port;
        fromClass.set(c.id, lands);
        if (lands && rt.request.pkt.src !== e.addr.ip) peerFrom.set(c.id, rt.request.pkt.src);
      }
      checks.push({ kind: r.type === 'dnat' ? 'forward' : 'redirect', node: n.name, rule, protocol: r.protocol, addr, port: r.port, target, fromClass, peerFrom });
    }
  return checks;
}
