// Firewalls: zones hold interfaces the node has, rules name zones, interfaces and nodes that
// exist, ports go with TCP or UDP; and the mistakes a firewall author makes while it still
// loads — a rule an earlier one always beats, a rule for a chain that sees nothing, a zone with
// no interface, a port forward the firewall then drops.
import { formatIp } from '../ip.js';
import { error, warning, type Finding, type PathSeg } from '../problems.js';
import { closest } from '../suggest.js';
import type { Design, DesignNode, Routed } from '../types.js';
import { isRouted } from '../types.js';
import type { FirewallRule } from '../types-firewall.js';
import { designAddresses, nodeFirewall, type FwModel } from '../../semantics/firewall.js';
import { routeLookup } from '../../semantics/route-lookup.js';
import type { NetNode } from '../../semantics/net-model.js';
import { decideForAnySource, shadowed } from './firewall-steps.js';
import { holdersOf } from './util.js';

type RoutedNode = Extract<DesignNode, Routed>;

export function checkFirewall(d: Design): Finding[] {
  const f: Finding[] = [];
  const addressesOf = designAddresses(d);
  const owner = new Map<number, RoutedNode>();
  for (const n of d.nodes) if (isRouted(n)) for (const h of holdersOf(n)) for (const c of h.addresses) if (!owner.has(c.ip)) owner.set(c.ip, n);
  for (const n of d.nodes) {
    if (!isRouted(n) || !n.firewall) continue;
    const ok = checkNames(n, addressesOf, f);
    const fw = nodeFirewall(n, addressesOf)!;
    checkNever(n, f);
    for (const [rule, by] of shadowed(fw)) {
      const r = n.firewall.rules.find((x) => Number(x.path.at(-1)) === rule - 1)!;
      const first = fw.steps.find((s) => s.rule === by[0])!;
      f.push(warning('W-FW-SHADOWED', r.path, `${n.name}'s firewall rule ${rule} can never match: ${by.length > 1 ? `rules ${by.join(' and ')} match` : `rule ${by[0]} (${first.label}) matches`} every packet it would, first; move it above rule ${by[0]} or remove it.`));
    }
    if (ok) checkForwards(n, fw, owner, addressesOf, f);
  }
  return f;
}

/** Zones, interfaces and node names; false when a rule names something that does not exist. */
function checkNames(n: RoutedNode, addressesOf: (node: string) => number[] | undefined, f: Finding[]): boolean {
  const fw = n.firewall!;
  const ifaces = holdersOf(n).map((h) => h.dev);
  const zones = fw.zones.map((z) => z.name);
  let ok = true;
  const zoneOf = new Map<string, string>();
  for (const z of fw.zones) {
    if (z.name === 'self') f.push(error('E-FW-ZONE', z.path, `"self" is the node itself in firewall rules, not a zone name; call the zone something else (inside, outside, dmz).`, true));
    if (!z.ifaces.length) f.push(warning('W-FW-ZONE-EMPTY', z.path, `zone ${z.name} of ${n.name}'s firewall has no interface, so rules naming it never match; list its interfaces (${ifaces.join(', ')}) or remove it.`, true));
    z.ifaces.forEach((i, k) => {
      const at = [...z.path, k];
      if (!ifaces.includes(i)) {
        const hint = closest(i, ifaces);
        f.push(error('E-FW-IFACE', at, `zone ${z.name} lists "${i}", which is not an interface of ${n.name}; ${hint ? `did you mean "${hint}"?` : `use one of: ${ifaces.join(', ') || 'none'}.`}`));
      } else if (zoneOf.has(i) && zoneOf.get(i) !== z.name) {
        f.push(error('E-FW-ZONE-OVERLAP', at, `${n.name}'s interface ${i} is already in zone ${zoneOf.get(i)}; an interface belongs to one zone, so remove it from one of them.`));
      } else zoneOf.set(i, z.name);
    });
  }
  const known = ['self', ...zones, ...ifaces];
  for (const r of fw.rules) {
    for (const key of ['from', 'to'] as const) {
      (r[key] ?? []).forEach((x, k) => {
        if (known.includes(x)) return;
        ok = false;
        const hint = closest(x, known);
        f.push(error('E-FW-ZONE', listPath(r, key, k), `firewall "${key}" names "${x}", which is no zone or interface of ${n.name}; ${hint ? `did you mean "${hint}"?` : `use one of: ${known.join(', ')}.`}`));
      });
    }
    for (const key of ['source', 'destination'] as const) {
      (r[key] ?? []).forEach((a, k) => {
        if (a.node === undefined || addressesOf(a.node)?.length) return;
        ok = false;
        f.push(error('E-FW-ADDRESS', listPath(r, key, k), `firewall ${key} "${a.text}" is neither an address, a prefix nor a node of the design with an address; write 192.168.1.10, 10.0.0.0/8, or a node's name.`));
      });
    }
    if (r.ports && r.protocol !== 'tcp' && r.protocol !== 'udp') f.push(error('E-FW-PROTOCOL', [...r.path, 'port'], `a port belongs to TCP or UDP; add "protocol: tcp" or "protocol: udp" to this rule (it has ${r.protocol}).`));
    if (r.icmpTypes && r.protocol !== 'icmp') f.push(error('E-FW-PROTOCOL', [...r.path, 'icmp-type'], `"icmp-type" needs "protocol: icmp" (this rule has ${r.protocol}).`));
  }
  return ok;
}

const listPath = (r: FirewallRule, key: 'from' | 'to' | 'source' | 'destination', k: number): PathSeg[] => {
  const raw = r[key];
  return Array.isArray(raw) && raw.length > 1 ? [...r.path, key, k] : [...r.path, key];
};

/** Rules that apply to no chain that sees packets on this node. */
function checkNever(n: RoutedNode, f: Finding[]): void {
  const lb = (n.services ?? []).some((x) => x.kind === 'load-balancer');
  const forwards = n.kind === 'router' || n.kind === 'l3-switch' || lb;
  const translates = lb || (n.kind === 'router' && n.nat.portForwards.length + n.nat.redirects.length > 0);
  for (const r of n.firewall!.rules) {
    const fromSelf = r.from?.includes('self');
    const toSelf = r.to?.includes('self');
    const toElsewhere = r.to?.some((x) => x !== 'self');
    const fromElsewhere = !r.from || r.from.some((x) => x !== 'self');
    let why: string | undefined;
    if (r.from && r.to && r.from.every((x) => x === 'self') && r.to.every((x) => x === 'self')) why = 'it goes from the node to itself (loopback traffic, which every chain accepts)';
    else if (!forwards && toElsewhere && !toSelf && !fromSelf) why = `${n.name} is a ${n.kind} and does not route, so nothing passes it from one interface to another; write "to: self" for packets to ${n.name}, or "from: self" for packets it sends`;
    else if (r.dnat && !translates) why = `"dnat: true" matches connections a port forward of ${n.name} translated, and it has none`;
    else if (r.dnat && !fromElsewhere) why = '"dnat: true" matches connections that come in, and this rule is for packets the node sends';
    if (why) f.push(warning('W-FW-NEVER', r.path, `${n.name}'s firewall rule ${Number(r.path.at(-1)) + 1} can never match: ${why}.`));
  }
}

/**
 * A port forward or redirect that the firewall then drops for every client: on the router
 * (forward chain for a forward, input for a redirect) or on the target's own firewall.
 */
function checkForwards(n: RoutedNode, fw: FwModel, owner: Map<number, RoutedNode>, addressesOf: (node: string) => number[] | undefined, f: Finding[]): void {
  const zoneOf = (i: string) => n.firewall!.zones.find((z) => z.ifaces.includes(i))?.name ?? i;
  const self = netNode(n);
  // A load balancer is a port forward to each backend: the forward chain sees its connections.
  for (const lb of n.services ?? []) {
    if (lb.kind !== 'load-balancer') continue;
    const iif = holdersOf(n).find((h) => h.addresses.some((c) => c.ip === lb.vip))?.dev;
    for (const b of lb.backends) {
      const out = routeLookup(self, b.addr)?.iface.dev;
      const v = decideForAnySource(fw, 'forward', { dst: b.addr, proto: lb.protocol, dport: b.port, ...(iif ? { iif } : {}), ...(out ? { oif: out } : {}), dnat: true });
      if (v && v.verdict !== 'accept') {
        const by = v.step ? `rule ${v.step.rule} (${v.step.label})` : `its forward policy ${v.verdict}`;
        f.push(warning('W-FW-FORWARD-DROPPED', b.path, `load balancer ${lb.name} sends connections to ${formatIp(b.addr)}:${b.port}, which ${n.name}'s firewall then drops, ${by}; add a rule before it such as { action: allow${iif ? `, from: ${zoneOf(iif)}` : ''}${out ? `, to: ${zoneOf(out)}` : ''}, dnat: true }.`));
        break;
      }
    }
  }
  if (n.kind !== 'router') return;
  for (const p of n.nat.portForwards) {
    const out = routeLookup(self, p.to)?.iface.dev;
    const v = decideForAnySource(fw, 'forward', { dst: p.to, proto: p.protocol, dport: p.toPort, iif: p.in, ...(out ? { oif: out } : {}), dnat: true });
    const what = `port forward ${p.protocol}/${p.port} → ${formatIp(p.to)}:${p.toPort}`;
    if (v && v.verdict !== 'accept') {
      const by = v.step ? `rule ${v.step.rule} (${v.step.label})` : `its forward policy ${v.verdict}`;
      f.push(warning('W-FW-FORWARD-DROPPED', p.path, `${what} comes in on ${p.in} and is then dropped by ${n.name}'s firewall, ${by}; add a rule before it such as { action: allow, from: ${zoneOf(p.in)}${out ? `, to: ${zoneOf(out)}` : ''}, dnat: true }.`));
      continue;
    }
    const target = owner.get(p.to);
    if (target?.firewall && target !== n) {
      const tfw = nodeFirewall(target, addressesOf)!;
      const iif = holdersOf(target).find((h) => h.addresses.some((c) => c.ip === p.to))?.dev;
      const t = decideForAnySource(tfw, 'input', { dst: p.to, proto: p.protocol, dport: p.toPort, ...(iif ? { iif } : {}), dnat: false });
      if (t && t.verdict !== 'accept')
        f.push(warning('W-FW-FORWARD-DROPPED', p.path, `${what} reaches ${target.name}, whose own firewall drops it (${t.step ? `rule ${t.step.rule} (${t.step.label})` : `input policy ${t.verdict}`}); allow ${p.protocol} port ${p.toPort} in ${target.name}'s firewall.`));
    }
  }
  for (const r of n.nat.redirects) {
    const own = n.interfaces.find((i) => i.name === r.in)?.addresses[0]?.ip;
    const v = decideForAnySource(fw, 'input', { dst: own ?? 0, proto: r.protocol, dport: r.toPort, iif: r.in, dnat: true });
    if (v && v.verdict !== 'accept') {
      const by = v.step ? `rule ${v.step.rule} (${v.step.label})` : `its input policy ${v.verdict}`;
      f.push(warning('W-FW-FORWARD-DROPPED', r.path, `redirect ${r.protocol}/${r.port} → :${r.toPort} comes in on ${r.in} and is then dropped by ${n.name}'s firewall, ${by}; add a rule before it such as { action: allow, from: ${zoneOf(r.in)}, to: self, protocol: ${r.protocol}, port: ${r.toPort} }.`));
    }
  }
}

/** The router as the route lookup sees it (its subnets, routes and gateway). */
function netNode(n: RoutedNode): NetNode {
  const routes = n.routes.map((r) => ({ network: r.to.network, prefix: r.to.prefix, ...(r.via !== undefined ? { via: r.via } : {}), ...(r.dev !== undefined ? { dev: r.dev } : {}), realizes: [] }));
  if (n.gateway !== undefined) routes.push({ network: 0, prefix: 0, via: n.gateway, realizes: [] });
  return { name: n.name, forwards: true, ifaces: holdersOf(n).map((h) => ({ node: n.name, dev: h.dev, addrs: h.addresses, realizes: [] })), routes, nat: [], realizes: [] };
}
