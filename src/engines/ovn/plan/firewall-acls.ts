// A router's (or L3 switch's) firewall as OVN ACLs. OVN has no filter on a logical router, and
// its switches do not track connections of packets from or to a router port (ovn-northd(8):
// "skip the connection tracking of packets which enter from logical router datapath"), nor may
// an ACL name such a port (ovn-nb(5)). So the filter sits where the router's neighbours send to
// it: a from-lport ACL on each switch the router has an interface on, matching the router
// port's MAC as destination (`eth.dst == <mac>`: every packet that enters the router through
// that interface, and nothing else). There the sender's own port tracks the connection, so an
// `allow-related` lets its replies back (OVN accepts a committed connection's reply direction
// before any ACL, as Linux's `ct state established,related accept`).
//
// What a Linux chain knows and a switch does not is made explicit in the match:
//  - iif: the switch the ACL is on;
//  - input vs forward: the destination is one of the router's addresses (input) or not;
//  - oif: the destination prefixes the router's own routes send out of those interfaces
//    (longest prefix first, computed from the twin's routes);
//  - a port forward or load balancer translates the destination after the switch: a packet to
//    its VIP and port is what the forward chain sees as the backend's address and port, marked
//    as translated (`dnat: true`), so each rule is decided for it here, at compile time.
// Three bands of priorities keep each chain's rules in order (translated, input, forward), each
// closed by its policy. What cannot be reproduced is refused with what to do.
import { contains, formatIp, formatNet, parseCidr } from '../../../model/ip.js';
import type { DesignNode } from '../../../model/types.js';
import { UserError } from '../../../errors.js';
import type { Deviation, FwTable } from '../../../plan/types.js';
import { firewallTable } from '../../../plan/firewall.js';
import { designAddresses, nodeFirewall, type FwMatch, type FwModel, type FwStep, type Net } from '../../../semantics/firewall.js';
import type { Design } from '../../../model/types.js';
import { lrName } from './names.js';
import type { LogicalObject, LogicalRouter, RouterPort, SwitchAcl } from './types.js';

type RouterNode = Extract<DesignNode, { kind: 'router' | 'l3-switch' }>;

export interface FirewallCtx {
  design: Design;
  lab: string;
  /** Every logical object so far (all routers realised). */
  logical: LogicalObject[];
  add(o: LogicalObject): void;
  deviate(d: Deviation): void;
  choose(feature: string, chosen: string, why: string): void;
}

/** Priority bands (ACL priorities are 0–32,767): the first step of each, its policy at the bottom. */
const BAND = { vip: 30_000, input: 20_000, forward: 10_000 } as const;
const MAX_STEPS = 900;
const ACTION = { accept: 'allow-related', drop: 'drop', reject: 'reject' } as const;

interface Route {
  net: Net;
  dev: string;
}

/** A destination the router translates after the switch: a port forward's or a load balancer's VIP on one interface. */
interface Vip {
  dev: string;
  addr: number;
  protocol: 'tcp' | 'udp';
  port: number;
  backends: { to: number; toPort: number }[];
}

export function realizeFirewallAcls(c: FirewallCtx, n: RouterNode): void {
  const fw = nodeFirewall(n, designAddresses(c.design));
  if (!fw) return;
  const where = `${n.kind} ${n.name}'s firewall`;
  if (!fw.stateful) throw new UserError(`${where} is stateless ("stateful: false"): OVN ACLs on the switches around a logical router can only be stateful (a reply is let back by the sender's connection tracking); leave out "stateful: false", or build this design with the kernel engine (--engine kernel, the default).`);
  const lr = lrName(c.lab, n.name);
  const router = c.logical.find((o): o is LogicalRouter => o.kind === 'lr' && o.name === lr)!;
  const ports = c.logical.filter((o): o is RouterPort => o.kind === 'lrp' && o.lr === lr);
  const switchOf = new Map<string, string>();
  for (const o of c.logical) if (o.kind === 'lsp' && o.routerPort) switchOf.set(o.routerPort, o.ls);
  const steps = fw.steps.filter((s) => s.chain !== 'output');
  if (steps.length > MAX_STEPS) throw new UserError(`${where} has ${steps.length} rules for its input and forward chains; the OVN engine keeps rule order in ACL priorities and takes at most ${MAX_STEPS}: merge rules, or build this design with the kernel engine.`);
  const own = ports.flatMap((p) => p.networks.map((x) => parseCidr(x)!.ip));
  const routes = routeTable(c.logical, lr, ports);
  const vips = vipsOf(c.logical, lr, ports);
  const acls: SwitchAcl[] = [];
  for (const p of ports) {
    const ls = switchOf.get(p.name);
    if (!ls) continue;
    const mine = (s: FwStep) => !s.match.iif || s.match.iif.includes(p.dev);
    const into = `eth.dst == ${p.mac} && ip4`;
    const out: SwitchAcl[] = [];
    // Called in falling priority: an ACL whose match an earlier one has already is shadowed by it (a rule after a VIP's decision, say).
    const seen = new Set<string>();
    const acl = (priority: number, match: string, verdict: 'accept' | 'drop' | 'reject', realizes: string[]) => {
      if (seen.has(match)) return;
      seen.add(match);
      out.push({ kind: 'acl', ls, direction: 'from-lport', priority, match, action: ACTION[verdict], realizes });
    };
    // Translated connections: each rule decided on the backend's address and port.
    for (const v of vips.filter((x) => x.dev === p.dev)) {
      const head = `${into} && ip4.dst == ${formatIp(v.addr)} && ${v.protocol}.dst == ${v.port}`;
      steps.forEach((s, k) => {
        if (s.chain !== 'forward' || !mine(s)) return;
        const fits = v.backends.map((b) => staticFit(s.match, { dst: b.to, dport: b.toPort, protocol: v.protocol, oif: lookup(routes, b.to) }));
        if (fits.some((f) => f !== fits[0])) throw new UserError(`${where}: rule ${s.rule} (${s.label}) decides differently for the backends of ${formatIp(v.addr)}:${v.port}, and OVN chooses the backend after the ACLs that stand for the rule; name every backend alike in the rule, or build this design with the kernel engine.`);
        if (fits[0]) acl(BAND.vip - k, [head, ...srcMatch(s.match)].join(' && '), s.verdict, s.realizes);
      });
      acl(BAND.vip - MAX_STEPS - 1, head, fw.policy.forward, fw.realizes);
    }
    // To the router itself (input chain); translated VIPs were decided above.
    const toSelf = `${into} && ip4.dst == ${set(own.map(formatIp))}`;
    steps.forEach((s, k) => {
      if (s.chain !== 'input' || !mine(s) || s.match.dnat) return; // dnat in input: a redirect, which the twin leaves out
      acl(BAND.input - k, [toSelf, ...dstMatch(s.match), ...protoMatch(s.match), ...srcMatch(s.match)].join(' && '), s.verdict, s.realizes);
    });
    acl(BAND.input - MAX_STEPS - 1, toSelf, fw.policy.input, fw.realizes);
    // Routed through it (forward chain): the out interface is where the router's routes send the destination.
    steps.forEach((s, k) => {
      if (s.chain !== 'forward' || !mine(s) || s.match.dnat) return;
      const oif = s.match.oif ? outMatch(routes, s.match.oif) : [];
      if (!oif) return; // nothing is routed out of those interfaces
      acl(BAND.forward - k, [into, ...oif, ...dstMatch(s.match), ...protoMatch(s.match), ...srcMatch(s.match)].join(' && '), s.verdict, s.realizes);
    });
    acl(BAND.forward - MAX_STEPS - 1, into, fw.policy.forward, fw.realizes);
    // Everything that enters through this interface is accepted: no ACL needed (nor tracking, nor a neighbour's refusal below).
    if (out.every((a) => a.action === 'allow-related')) continue;
    // The switch must track connections for the replies to pass: OVN does that once one of its ACLs is allow-related.
    if (!out.some((a) => a.action === 'allow-related')) out.push({ kind: 'acl', ls, direction: 'from-lport', priority: 1, match: `ip4 && eth.dst != ${p.mac}`, action: 'allow-related', realizes: fw.realizes });
    acls.push(...out);
  }
  // Another router's port on such a switch sends untracked packets: the rules could not be stateful for them.
  const filtered = new Set(acls.map((a) => a.ls));
  for (const o of c.logical)
    if (o.kind === 'lsp' && o.routerPort && filtered.has(o.ls) && !ports.some((p) => p.name === o.routerPort)) {
      const lrp = c.logical.find((x): x is RouterPort => x.kind === 'lrp' && x.name === o.routerPort);
      const other = c.logical.find((x): x is LogicalRouter => x.kind === 'lr' && x.name === lrp?.lr);
      throw new UserError(`${where} would be ACLs on logical switch ${o.ls}, which ${other ? `${other.node}'s interface ${lrp!.dev}` : `router port ${o.routerPort}`} is on too: OVN does not track connections of packets from a router port, so replies through it could not be let back as the firewall's established state does; put the firewall on a router whose interfaces share no broadcast domain with another router, or build this design with the kernel engine (--engine kernel, the default).`);
    }
  for (const a of acls) c.add(a);
  c.choose(`firewall ${n.name}`, `${acls.length} OVN ACLs`, `OVN filters on switches, not routers, and tracks connections only at the ports of workloads: each rule is from-lport ACLs on ${[...filtered].join(', ')} for packets addressed to ${n.name}'s port MAC there, in the rules' order (priorities), its policies last`);
  router.firewall = realised(fw, steps);
  const output = fw.steps.filter((s) => s.chain === 'output');
  if (output.length || fw.policy.output !== 'accept')
    c.deviate({ code: 'ovn-firewall-no-output', message: `ovn: ${where} has an output chain (${output.length ? `rule${output.length > 1 ? 's' : ''} ${output.map((s) => s.rule).join(', ')}` : `policy ${fw.policy.output}`}): a logical router opens no connections of its own, and its answers are replies the firewall's state accepts, so the output chain is left out.`, realizes: [...new Set([...output.flatMap((s) => s.realizes), ...fw.realizes])] });
}

/** The table the ACLs realise: the input and forward steps, output accepting (nothing is sent from the router). */
function realised(fw: FwModel, steps: FwStep[]): FwTable {
  const t = firewallTable({ ...fw, steps });
  return { ...t, policy: { ...t.policy, output: 'accept' } };
}

/** The twin's routes of the router: connected networks of its ports, then static routes by the port their next hop is on. */
function routeTable(logical: LogicalObject[], lr: string, ports: RouterPort[]): Route[] {
  const out: Route[] = [];
  for (const p of ports)
    for (const x of p.networks) {
      const c = parseCidr(x)!;
      out.push({ net: { network: c.network, prefix: c.prefix }, dev: p.dev });
    }
  for (const o of logical) {
    if (o.kind !== 'lr-route' || o.lr !== lr) continue;
    const to = parseCidr(o.prefix)!;
    const via = parseCidr(`${o.nexthop}/32`)!.ip;
    const dev = out.find((r) => r.net.prefix > 0 && contains(r.net, via) && ports.some((p) => p.dev === r.dev))?.dev;
    if (dev) out.push({ net: { network: to.network, prefix: to.prefix }, dev });
  }
  return out;
}

/** The interface the router's longest matching route sends an address out of. */
function lookup(routes: Route[], ip: number): string | undefined {
  let best: Route | undefined;
  for (const r of routes) if (contains(r.net, ip) && (!best || r.net.prefix > best.net.prefix)) best = r;
  return best?.dev;
}

/** The destinations routed out of any of `devs`: each such route's prefix less the more specific routes out of others. */
function outNets(routes: Route[], devs: string[]): Net[] {
  const out: Net[] = [];
  for (const r of routes) {
    if (!devs.includes(r.dev)) continue;
    const other = routes.filter((x) => !devs.includes(x.dev) && x.net.prefix > r.net.prefix && contains(r.net, x.net.network)).map((x) => x.net);
    out.push(...minus(r.net, other));
  }
  // Drop prefixes inside others of the list.
  return out.filter((a, i) => !out.some((b, j) => j !== i && b.prefix < a.prefix && contains(b, a.network)) && out.findIndex((b) => b.network === a.network && b.prefix === a.prefix) === i);
}

/**
 * The destinations routed out of `devs` as a match: those prefixes, or — when a default route
 * goes out of one of them — every destination but those routed out of the others (shorter).
 * Undefined: none.
 */
function outMatch(routes: Route[], devs: string[]): string[] | undefined {
  const others = [...new Set(routes.map((r) => r.dev))].filter((d) => !devs.includes(d));
  if (routes.some((r) => r.net.prefix === 0 && devs.includes(r.dev))) {
    const not = outNets(routes, others);
    return not.length ? [`ip4.dst != ${set(not.map(show))}`] : [];
  }
  const outs = outNets(routes, devs);
  return outs.length ? [`ip4.dst == ${set(outs.map(show))}`] : undefined;
}

/** A prefix less some prefixes inside it, as prefixes. */
function minus(net: Net, holes: Net[]): Net[] {
  const inside = holes.filter((h) => (h.prefix >= net.prefix ? contains(net, h.network) : contains(h, net.network)));
  if (!inside.length) return [net];
  if (inside.some((h) => h.prefix <= net.prefix)) return [];
  const half = net.prefix + 1;
  const hi = (net.network | (1 << (32 - half))) >>> 0;
  return [...minus({ network: net.network, prefix: half }, inside), ...minus({ network: hi, prefix: half }, inside)];
}

/** The router's translated destinations, from its load balancers (port forwards and services) through their gateway ports. */
function vipsOf(logical: LogicalObject[], lr: string, ports: RouterPort[]): Vip[] {
  const out: Vip[] = [];
  for (const o of logical) {
    if (o.kind !== 'lb' || o.lr !== lr) continue;
    for (const [vip, backends] of Object.entries(o.vips)) {
      const [addr, port] = vip.split(':');
      const dev = ports.find((p) => p.gatewayChassis !== undefined && p.networks.some((x) => x.split('/')[0] === addr))?.dev;
      if (!dev) continue;
      out.push({
        dev,
        addr: parseCidr(`${addr}/32`)!.ip,
        protocol: o.protocol,
        port: Number(port),
        backends: backends.split(',').map((b) => {
          const [to, toPort] = b.split(':');
          return { to: parseCidr(`${to}/32`)!.ip, toPort: Number(toPort) };
        }),
      });
    }
  }
  return out;
}

/** Whether a rule's match, but for its source, holds for a translated connection (its source is left to the ACL). */
function staticFit(m: FwMatch, p: { dst: number; dport: number; protocol: 'tcp' | 'udp'; oif: string | undefined }): boolean {
  if (m.oif && (p.oif === undefined || !m.oif.includes(p.oif))) return false;
  if (m.protocol && m.protocol !== p.protocol) return false;
  if (m.dports && !m.dports.some(([a, b]) => p.dport >= a && p.dport <= b)) return false;
  if (m.icmpTypes) return false;
  if (m.daddr && !m.daddr.some((d) => contains(d, p.dst))) return false;
  return true;
}

const show = (n: Net): string => (n.prefix === 32 ? formatIp(n.network) : formatNet(n));
const set = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `{${xs.join(', ')}}`);
const srcMatch = (m: FwMatch): string[] => (m.saddr ? [`ip4.src == ${set(m.saddr.map(show))}`] : []);
const dstMatch = (m: FwMatch): string[] => (m.daddr ? [`ip4.dst == ${set(m.daddr.map(show))}`] : []);

function protoMatch(m: FwMatch): string[] {
  if (!m.protocol) return [];
  if (m.protocol === 'icmp') return ['icmp4', ...(m.icmpTypes ? [`icmp4.type == ${set(m.icmpTypes.map(String))}`] : [])];
  if (!m.dports) return [m.protocol];
  const f = `${m.protocol}.dst`;
  const singles = m.dports.filter(([a, b]) => a === b).map(([a]) => String(a));
  const ranges = m.dports.filter(([a, b]) => a !== b).map(([a, b]) => `(${f} >= ${a} && ${f} <= ${b})`);
  const parts = [...(singles.length ? [`${f} == ${set(singles)}`] : []), ...ranges];
  return [parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`];
}
