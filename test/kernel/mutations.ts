// The mutation suite's catalog: ways to break a live twin one object at a time, behind
// vnetmap's back, each with the same change made to a copy of the plan so that the semantics
// engine can say offline which checks must then fail (predictLive). verify-mutations.test.ts
// runs them and requires verify to fail on exactly those checks and to explain them.
import { renderNft } from '../../src/render/nft.js';
import { execIn, ipIn } from '../../src/render/steps.js';
import { formatIp, parseIp } from '../../src/model/ip.js';
import type { Design } from '../../src/model/types.js';
import type { EndpointLocation, NatRule, NftObj, Plan, PlanObject, VethObj } from '../../src/plan/types.js';
import { compare } from '../../src/semantics/compare.js';
import { arpAnswerers, roundTrip } from '../../src/semantics/forward.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetIface, NetModel } from '../../src/semantics/net-model.js';
import { wireOf, type PlanIface } from '../../src/semantics/plan-l2.js';
import type { Check } from '../../src/verify/checks.js';
import { checkTo } from '../../src/verify/tcp-phase.js';

export interface Mutation {
  /** Kind of break, e.g. "iface-down"; the score is per kind and strategy. */
  kind: string;
  /** What exactly was broken, in words. */
  what: string;
  /** Commands that break the live twin (run in order). */
  live: { argv: string[]; input?: string }[];
  /** The same change to a copy of the plan. */
  offline(p: Plan): void;
  /** The broken object, as `vnetmap status` names its place: "ns/dev" or "ns". */
  object: string;
  /** Design nodes whose own probes may become impossible (their checks fail with an error). */
  nodes: string[];
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const hostEndpoints = (p: Plan) => p.endpoints.filter((e) => p.objects.some((o) => o.kind === 'netns' && o.name === e.namespace && (o.role === 'host' || o.role === 'vm')));
const nodeOfNs = (p: Plan, ns: string | null) => (ns && (p.objects.find((o) => o.kind === 'netns' && o.name === ns) as { node?: string } | undefined)?.node) ?? ns ?? 'host';
/** The object that makes an endpoint's device: a veth end or a macvlan child. */
const makerOf = (p: Plan, ns: string, dev: string) =>
  p.objects.find((o) => (o.kind === 'veth' && [o.a, o.b].some((e) => e.namespace === ns && e.name === dev)) || (o.kind === 'macvlan' && o.namespace === ns && o.name === dev));
const remove = (p: Plan, o: PlanObject | undefined) => void (p.objects = p.objects.filter((x) => !o || JSON.stringify(x) !== JSON.stringify(o)));

/** Every mutation that applies to `plan`, each on its first suitable object. */
export function mutations(plan: Plan): Mutation[] {
  const out: Mutation[] = [];
  const hosts = hostEndpoints(plan);
  const h = hosts[0];
  if (h) {
    const maker = makerOf(plan, h.namespace, h.dev);
    out.push({ kind: 'iface-down', what: `${h.node}'s ${h.dev} down`, live: [{ argv: ipIn(h.namespace, 'link', 'set', 'dev', h.dev, 'down') }], offline: (p) => remove(p, makerOf(p, h.namespace, h.dev)), object: `${h.namespace}/${h.dev}`, nodes: [h.node] });
    if (maker?.kind === 'veth') out.push({ kind: 'veth-deleted', what: `${h.node}'s cable (veth) deleted`, live: [{ argv: ipIn(h.namespace, 'link', 'del', 'dev', h.dev) }], offline: (p) => remove(p, makerOf(p, h.namespace, h.dev)), object: `${h.namespace}/${h.dev}`, nodes: [h.node] });
    const cidr = h.addresses[0]!;
    out.push({
      kind: 'address-removed',
      what: `${cidr} removed from ${h.node}`,
      live: [{ argv: ipIn(h.namespace, 'addr', 'del', cidr, 'dev', h.dev) }],
      offline: (p) => {
        p.objects = p.objects.filter((o) => !(o.kind === 'address' && o.namespace === h.namespace && o.dev === h.dev && o.cidr === cidr));
        for (const e of p.endpoints) if (e.ref === h.ref) e.addresses = e.addresses.filter((a) => a !== cidr);
      },
      object: `${h.namespace}/${h.dev}`,
      nodes: [h.node],
    });
  }
  // A route: a host's default route, else any.
  const route = plan.objects.find((o) => o.kind === 'route' && o.to === 'default' && hosts.some((e) => e.namespace === o.namespace)) ?? plan.objects.find((o) => o.kind === 'route');
  if (route?.kind === 'route' && route.namespace)
    out.push({ kind: 'route-removed', what: `route ${route.to} removed in ${nodeOfNs(plan, route.namespace)}`, live: [{ argv: ipIn(route.namespace, 'route', 'del', route.to) }], offline: (p) => remove(p, p.objects.find((o) => JSON.stringify(o) === JSON.stringify(route))), object: route.namespace, nodes: [] });
  // A bridge port: a switch's port towards a host, detached from its bridge.
  const port = plan.objects.flatMap((o) => (o.kind === 'veth' ? [o.a, o.b].filter((e) => e.master && e.namespace).map((e) => ({ o, e })) : [])).find(({ o }) => hosts.some((x) => [o.a, o.b].some((e) => e.namespace === x.namespace)));
  if (port)
    out.push({
      kind: 'bridge-port-detached',
      what: `${port.e.name} detached from ${port.e.master} in ${nodeOfNs(plan, port.e.namespace)}`,
      live: [{ argv: ipIn(port.e.namespace, 'link', 'set', 'dev', port.e.name, 'nomaster') }],
      offline: (p) => {
        const v = p.objects.find((x) => JSON.stringify(x) === JSON.stringify(port.o)) as VethObj;
        delete (v.a.name === port.e.name && v.a.namespace === port.e.namespace ? v.a : v.b).master;
      },
      object: `${port.e.namespace}/${port.e.name}`,
      nodes: [],
    });
  // Open vSwitch: a host's port deleted, another re-tagged.
  const ovsPorts = plan.objects.flatMap((o) => (o.kind === 'ovs-port' ? [o] : []));
  const tags = [...new Set(ovsPorts.flatMap((o) => (o.tag !== undefined ? [o.tag] : [])))];
  const tagged = ovsPorts.filter((o) => o.tag !== undefined);
  if (ovsPorts[0]) {
    const op = ovsPorts[0];
    out.push({
      kind: 'ovs-port-deleted',
      what: `OVS port ${op.name} deleted from ${op.bridge}`,
      live: [{ argv: ['ovs-vsctl', '--timeout=5', 'del-port', op.bridge, op.name] }],
      offline: (p) => {
        p.objects = p.objects.filter((o) => !(o.kind === 'ovs-port' && o.name === op.name));
        for (const o of p.objects) if (o.kind === 'veth') for (const e of [o.a, o.b]) if (e.namespace === null && e.name === op.name) delete e.ovsBridge;
      },
      object: `host/${op.name}`,
      nodes: [],
    });
  }
  if (tagged.length && tags.length > 1) {
    const op = tagged[tagged.length - 1]!;
    const to = tags.find((t) => t !== op.tag)!;
    out.push({ kind: 'ovs-retag', what: `OVS port ${op.name} re-tagged from VLAN ${op.tag} to ${to}`, live: [{ argv: ['ovs-vsctl', '--timeout=5', 'set', 'port', op.name, `tag=${to}`] }], offline: (p) => void p.objects.forEach((o) => o.kind === 'ovs-port' && o.name === op.name && (o.tag = to)), object: `host/${op.name}`, nodes: [] });
  }
  // NAT: a rule deleted (a port forward, else a masquerade), a masquerade added on an inside interface.
  const nft = plan.objects.find((o): o is NftObj => o.kind === 'nft' && !!o.namespace && o.rules.some((r) => r.type === 'dnat' || r.type === 'masquerade'));
  if (nft?.namespace) {
    const ns = nft.namespace;
    const reload = (rules: NatRule[]) => [{ argv: execIn(ns, ['nft', '-f', '-']), input: renderNft({ ...nft, rules }) }];
    const victim = nft.rules.find((r) => r.type === 'dnat') ?? nft.rules.find((r) => r.type === 'masquerade')!;
    const without = nft.rules.filter((r) => r !== victim);
    out.push({ kind: 'nat-rule-deleted', what: `${victim.type} rule ${victim.realizes.join(' ')} deleted in ${nodeOfNs(plan, ns)}`, live: reload(without), offline: (p) => void ((p.objects.find((o) => o.kind === 'nft' && o.namespace === ns) as NftObj).rules = clone(without)), object: ns, nodes: [] });
    const outs = new Set(nft.rules.flatMap((r) => (r.type === 'masquerade' || r.type === 'snat' ? [r.out] : [])));
    const inside = plan.endpoints.find((e) => e.namespace === ns && !outs.has(e.dev));
    if (inside) {
      const added: NatRule[] = [...nft.rules, { type: 'masquerade', out: inside.dev, realizes: ['mutation'] }];
      out.push({ kind: 'nat-rule-added', what: `masquerade out ${inside.dev} added in ${nodeOfNs(plan, ns)}`, live: reload(added), offline: (p) => void ((p.objects.find((o) => o.kind === 'nft' && o.namespace === ns) as NftObj).rules = clone(added)), object: ns, nodes: [] });
    }
  }
  // A firewall rule deleted: the first that lets something through (a router's, else any).
  const fws = plan.objects.filter((o): o is NftObj => o.kind === 'nft' && !!o.namespace && !!o.filter?.rules.some((r) => r.verdict === 'accept'));
  const fw = fws.find((o) => o.filter!.rules.some((r) => r.chain === 'forward' && r.verdict === 'accept')) ?? fws[0];
  if (fw?.namespace && fw.filter) {
    const ns = fw.namespace;
    const victim = fw.filter.rules.find((r) => r.chain === 'forward' && r.verdict === 'accept') ?? fw.filter.rules.find((r) => r.verdict === 'accept')!;
    const filter = { ...fw.filter, rules: fw.filter.rules.filter((r) => r !== victim) };
    out.push({ kind: 'firewall-rule-deleted', what: `firewall rule ${victim.rule} (${victim.label}) deleted in ${nodeOfNs(plan, ns)}`, live: [{ argv: execIn(ns, ['nft', '-f', '-']), input: renderNft({ ...fw, filter }) }], offline: (p) => void ((p.objects.find((o) => o.kind === 'nft' && o.namespace === ns && o.table === fw.table) as NftObj).filter = clone(filter)), object: ns, nodes: [] });
  }
  const fwd = plan.objects.find((o) => o.kind === 'sysctl' && o.key === 'net.ipv4.ip_forward' && o.value === '1' && o.namespace);
  if (fwd?.kind === 'sysctl' && fwd.namespace)
    out.push({ kind: 'ip-forward-off', what: `ip_forward off in ${nodeOfNs(plan, fwd.namespace)}`, live: [{ argv: execIn(fwd.namespace, ['sysctl', '-qw', 'net.ipv4.ip_forward=0']) }], offline: (p) => void p.objects.forEach((o) => o.kind === 'sysctl' && o.namespace === fwd.namespace && o.key === fwd.key && (o.value = '0')), object: fwd.namespace, nodes: [] });
  const hp = plan.objects.find((o) => o.kind === 'bridge-port' && o.hairpin && o.namespace);
  if (hp?.kind === 'bridge-port' && hp.namespace)
    out.push({ kind: 'hairpin-off', what: `hairpin off on ${hp.dev} in ${nodeOfNs(plan, hp.namespace)}`, live: [{ argv: ipIn(hp.namespace, 'link', 'set', 'dev', hp.dev, 'type', 'bridge_slave', 'hairpin', 'off') }], offline: (p) => void p.objects.forEach((o) => o.kind === 'bridge-port' && o.namespace === hp.namespace && o.dev === hp.dev && (o.hairpin = false)), object: `${hp.namespace}/${hp.dev}`, nodes: [] });
  const mv = plan.objects.find((o) => o.kind === 'macvlan' && o.namespace && o.mode !== 'passthru');
  if (mv?.kind === 'macvlan' && mv.namespace) {
    const mode = mv.mode === 'private' ? 'bridge' : 'private';
    out.push({ kind: 'macvlan-mode', what: `${nodeOfNs(plan, mv.namespace)}'s macvlan ${mv.name} from ${mv.mode} to ${mode}`, live: [{ argv: ipIn(mv.namespace, 'link', 'set', 'dev', mv.name, 'type', 'macvlan', 'mode', mode) }], offline: (p) => void p.objects.forEach((o) => o.kind === 'macvlan' && o.namespace === mv.namespace && o.name === mv.name && (o.mode = mode)), object: `${mv.namespace}/${mv.name}`, nodes: [] });
  }
  const rogue = rogueCable(plan);
  if (rogue) out.push(rogue);
  // A duplicate: a second host of the first host's broadcast domain takes its address too.
  const m = planModel(plan) as NetModel;
  const twin = h && hosts.find((x) => x.node !== h.node && m.l2.adjacent(iface(plan, x), iface(plan, h)));
  if (h && twin) {
    const cidr = `${h.addresses[0]!.split('/')[0]}/${twin.addresses[0]!.split('/')[1]}`;
    out.push({ kind: 'duplicate-address', what: `${twin.node} takes ${h.node}'s address ${cidr} too`, live: [{ argv: ipIn(twin.namespace, 'addr', 'add', cidr, 'dev', twin.dev) }], offline: (p) => void p.objects.push({ kind: 'address', namespace: twin.namespace, dev: twin.dev, cidr, realizes: ['mutation'] }), object: `${twin.namespace}/${twin.dev}`, nodes: [] });
  }
  return out;
}

/** A veth between two Linux bridges whose endpoints are in different broadcast domains. */
function rogueCable(plan: Plan): Mutation | undefined {
  const m = planModel(plan) as NetModel;
  // Switches' bridges only (a router's own bridge under compact is its interface, not a switch).
  const switching = new Set(plan.objects.flatMap((o) => (o.kind === 'netns' && (o.role === 'switch' || o.role === 'fabric') ? [o.name] : [])));
  const bridges = plan.objects.flatMap((o) => (o.kind === 'bridge' && o.namespace && switching.has(o.namespace) ? [o] : []));
  const reach = (ns: string, br: string) => plan.endpoints.filter((e) => m.l2.adjacent(fake(ns, br), iface(plan, e))).map((e) => e.ref);
  for (const x of bridges)
    for (const y of bridges) {
      if (x === y) continue;
      const [rx, ry] = [reach(x.namespace!, x.name), reach(y.namespace!, y.name)];
      if (!rx.length || !ry.length || rx.some((r) => ry.includes(r))) continue;
      const [a, b] = ['vnmut0', 'vnmut1'];
      return {
        kind: 'rogue-cable',
        what: `a cable between ${nodeOfNs(plan, x.namespace)} and ${nodeOfNs(plan, y.namespace)} (two broadcast domains)`,
        live: [
          { argv: ['ip', 'link', 'add', a, 'netns', x.namespace!, 'type', 'veth', 'peer', 'name', b, 'netns', y.namespace!] },
          { argv: ipIn(x.namespace, 'link', 'set', 'dev', a, 'master', x.name, 'up') },
          { argv: ipIn(y.namespace, 'link', 'set', 'dev', b, 'master', y.name, 'up') },
        ],
        offline: (p) => void p.objects.push({ kind: 'veth', a: { namespace: x.namespace, name: a, master: x.name }, b: { namespace: y.namespace, name: b, master: y.name }, realizes: ['mutation'] }),
        object: `${x.namespace}/${a}`,
        nodes: [],
      };
    }
  return undefined;
}

const fake = (ns: string, dev: string): PlanIface => ({ node: ns, dev, addrs: [], realizes: [], wire: wireOf(ns, dev) });
const iface = (p: Plan, e: EndpointLocation): PlanIface => ({ ...fake(e.namespace, e.dev), node: nodeOfNs(p, e.namespace) });

export interface Prediction {
  /** What each check must observe on the mutated twin; undefined: it depends on timing (not judged). */
  observed: boolean | undefined;
  /** The check must fail (observed differs, or the target sees another source address or peer). */
  fails: boolean | undefined;
}

/**
 * What the semantics engine says each check of a verify run shows on the (mutated) plan, probe by
 * probe as the prober sends them: by address from the source's address (as it was), landing on
 * the target's node; ARP from the source's device for the target's address, answered by the
 * target's device and no other node. `original` gives where each endpoint was before.
 */
export function predictLive(mutated: Plan, original: Plan, design: Design, checks: Check[]): Map<Check, Prediction> {
  const m = planModel(mutated) as NetModel;
  const cmp = compare(design, original);
  const at = new Map(cmp.design.endpoints.map((e) => [e.name, { e, loc: original.endpoints.find((l) => l.ref === e.ref)! }]));
  const out = new Map<Check, Prediction>();
  const ifaceIn = (loc: EndpointLocation): NetIface => {
    const node = nodeOfNs(mutated, loc.namespace);
    return m.nodes.get(node)?.ifaces.find((i) => i.dev === loc.dev) ?? { ...fake(loc.namespace, loc.dev), node };
  };
  for (const c of checks) {
    const a = at.get(c.from);
    if (!a) continue;
    const node = nodeOfNs(mutated, a.loc.namespace);
    if (c.kind === 'tcp' || c.kind === 'udp') {
      const tc = cmp.design.tcp.find((x) => x.protocol === c.kind && checkTo(x) === c.to)!;
      const t = [c.to, formatIp(tc.addr), String(tc.port), tc.target.node, String(tc.target.port)];
      const rt = roundTrip(m, node, a.e.addr.ip, tc.addr, tc.protocol, tc.port);
      // Through a duplicate address the connection lands on whichever owner answered ARP first.
      if (rt.unstable) {
        out.set(c, { observed: undefined, fails: undefined });
        continue;
      }
      const lands = rt.ok && rt.landed!.node === t[3] && rt.landed!.port === Number(t[4]);
      const peer = tc.peerFrom.get(cmp.design.classOf.get(a.e.ref)!) ?? a.e.addr.ip;
      out.set(c, { observed: lands, fails: lands !== c.expected || (lands && c.expected && rt.request.pkt.src !== peer) });
      continue;
    }
    const b = at.get(c.to)!;
    if (c.kind === 'arp') {
      const ia = ifaceIn(a.loc);
      const ib = ifaceIn(b.loc);
      const bOwns = (m.byAddr.get(b.e.addr.ip) ?? []).some((i) => i.node === nodeOfNs(mutated, b.loc.namespace) && i.dev === b.loc.dev);
      const who = arpAnswerers(m, ia, b.e.addr.ip);
      const l2 = bOwns && m.l2.adjacent(ia, ib) && who.every((n) => n === nodeOfNs(mutated, b.loc.namespace));
      out.set(c, { observed: l2, fails: l2 !== c.expected });
      continue;
    }
    const want = cmp.expected(a.e.ref, b.e.ref);
    const rt = roundTrip(m, node, a.e.addr.ip, b.e.addr.ip, 'icmp', 0);
    if (rt.unstable) {
      out.set(c, { observed: undefined, fails: undefined });
      continue;
    }
    const reach = node === nodeOfNs(mutated, b.loc.namespace) ? true : rt.ok && rt.landed!.node === nodeOfNs(mutated, b.loc.namespace);
    const seen = rt.request.pkt.src;
    const from = want.seenFrom !== undefined ? parseIp(want.seenFrom)! : a.e.addr.ip;
    out.set(c, { observed: reach, fails: reach !== c.expected || (reach && c.expected && node !== nodeOfNs(mutated, b.loc.namespace) && seen !== from) });
  }
  return out;
}
