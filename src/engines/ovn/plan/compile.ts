// compileOvn(design, options) -> OvnPlan: pure, deterministic, no I/O.
//
// The design's broadcast domains (semantics/domains.ts) become logical switches — VLANs and
// switch hierarchies are already resolved into domains there, so no frame is ever tagged.
// Routers and L3 switches become logical routers (routers.ts). Every other node with an IP
// stack (host, external, server, VM) is a namespace `vn-<lab>-<node>` on the chassis
// placement gives it, each interface a veth whose other end is a port of that chassis's
// br-int bound to the interface's logical switch port (workloads.ts).
import { isRouted, type Design } from '../../../model/types.js';
import { makeCtx } from '../../../plan/context.js';
import { domainRef, endRef, linkRef } from '../../../plan/refs.js';
import type { Capabilities, Deviation } from '../../../plan/types.js';
import { broadcastDomains } from '../../../semantics/domains.js';
import { chassisNames, place } from '../../../placement/index.js';
import { UserError } from '../../../errors.js';
import { chassisObjects, machineChassis, UNDERLAY_REF } from './chassis.js';
import { withInventoryPins } from '../inventory/load.js';
import { ENCAP_OVERHEAD, type Inventory } from '../inventory/schema.js';
import { ovnDeviations } from './deviations.js';
import { chassisNamespace, lsName, macFor, UNDERLAY_MTU } from './names.js';
import { realizeRouter } from './routers.js';
import { realizeFirewallAcls } from './firewall-acls.js';
import { lbDeviations, unbuiltService } from './lb-services.js';
import { gatewayDevs, placeGateways } from './gateways.js';
import type { LogicalObject, OvnPlan } from './types.js';
import { realizeWorkloads } from './workloads.js';
import { realizeDhcpDns, refuseDhcpDns } from './dhcp-dns.js';
import { ovnModel } from '../semantics/model.js';
import { pairResult } from '../../../semantics/reachability.js';

export interface OvnCompileOptions {
  capabilities: Capabilities;
  /** How many chassis to simulate on this machine (chassis-1 … chassis-N); ignored with an inventory. */
  chassis: number;
  /** Chassis on real machines instead (inventory/): each joins with `vnetmap chassis join`. */
  inventory?: Inventory;
}

/** Chassis count when `--chassis` is not given. */
export const DEFAULT_CHASSIS = 2;
export const MAX_CHASSIS = 64;

export function compileOvn(design: Design, opts: OvnCompileOptions): OvnPlan {
  const inv = opts.inventory;
  if (!inv && (!Number.isInteger(opts.chassis) || opts.chassis < 1 || opts.chassis > MAX_CHASSIS)) throw new UserError(`--chassis ${opts.chassis}: use a whole number from 1 to ${MAX_CHASSIS}.`);
  refuseUnbuilt(design);
  refuseDhcpDns(design);
  // OSPF and BGP run as FRR daemons in the kernel engine's router namespaces; an OVN logical
  // router runs no programs (docs/routing.md, docs/ovn.md).
  const routing = design.nodes.filter((n) => (n.kind === 'router' || n.kind === 'l3-switch') && n.routing && (n.routing.ospf || n.routing.bgp));
  if (routing.length) throw new UserError(`the ovn engine builds routers as OVN logical routers, which run no routing daemons, and ${routing.map((n) => n.name).join(', ')} run${routing.length > 1 ? '' : 's'} OSPF or BGP ("routing:"); build this design with the kernel engine (the default).`);
  const lab = design.name;
  const ctx = makeCtx(design, { capabilities: opts.capabilities });
  const { b } = ctx;
  const names = inv ? inv.machines.map((m) => m.name) : chassisNames(opts.chassis);
  const capacity = inv ? Object.fromEntries(inv.machines.flatMap((m) => (m.capacity !== undefined ? [[m.name, m.capacity] as const] : []))) : undefined;
  const placed = place(inv ? withInventoryPins(design, inv) : design, names, capacity ? { capacity } : {});
  const errors = placed.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UserError(`the design's placement cannot be followed on ${names.join(', ')}: ${errors.map((e) => e.message).join(' ')}`);
  const domains = broadcastDomains(design);
  const datapath = opts.capabilities.ovsDatapath;
  const logical: LogicalObject[] = [];
  const deviations: Deviation[] = [];
  let macs = 0;
  const mac = (): string => macFor(lab, ++macs);

  const chassis = inv ? machineChassis(inv) : chassisObjects(b, lab, names);
  // A logical switch per broadcast domain, realising the domain and the cables that carry it.
  const switchOfDomain = new Map<number, string>();
  for (const dom of domains.domains) {
    const name = lsName(lab, dom.id);
    switchOfDomain.set(dom.id, name);
    // The switch ports its cables plug into are part of it too (the switches themselves are gone).
    const ports = dom.links.flatMap((i) => design.links[i - 1]!.ends.map((e) => endRef({ nodes: ctx.byName }, e.node, e.port)).filter((r) => r.startsWith('port:')));
    logical.push({ kind: 'ls', name, domain: dom.id, realizes: [domainRef(dom.id), ...dom.links.map(linkRef), ...new Set(ports)] });
  }
  const switchOf = (ref: string): string | undefined => {
    const id = domains.of.get(ref);
    return id === undefined ? undefined : switchOfDomain.get(id);
  };
  const where = new Map(placed.assign);
  const gateways = placeGateways(design, domains, where);
  const chassisOf = (node: string): string | undefined => where.get(node);
  const gatewayOf = (node: string, dev: string): string | undefined => gateways.chassis.get(`${node}/${dev}`);
  // A real underlay (inventory) of 1,500 bytes cannot carry a tunnelled 1,500-byte frame.
  const maxMtu = inv && inv.underlayMtu - ENCAP_OVERHEAD < 1500 ? inv.underlayMtu - ENCAP_OVERHEAD : undefined;
  const chassisNs = (c: string): string | null => (inv ? null : chassisNamespace(lab, c));
  const bindings = realizeWorkloads(ctx, { lab, datapath, switchOf, chassisOf, chassisNs, ...(maxMtu ? { maxMtu } : {}), mac, add: (o) => logical.push(o) });
  if (maxMtu)
    deviations.push({ code: 'ovn-underlay-mtu', message: `ovn: the machines' underlay carries ${inv!.underlayMtu} bytes and a Geneve tunnel takes up to ${ENCAP_OVERHEAD} of them: workload interfaces get MTU ${maxMtu} instead of 1500 (raise underlay-mtu in ${inv!.file} to ${1500 + ENCAP_OVERHEAD} to keep it).`, realizes: [UNDERLAY_REF] });
  for (const n of design.nodes)
    if (n.kind === 'router' || n.kind === 'l3-switch') realizeRouter({ lab, switchOf, mac, gatewayOf, add: (o) => logical.push(o), deviate: (d) => deviations.push(d) }, n);
  // Firewalls last: their ACLs follow the routers' ports, routes and load balancers (firewall-acls.ts).
  for (const n of design.nodes)
    if ((n.kind === 'router' || n.kind === 'l3-switch') && n.firewall) realizeFirewallAcls({ design, lab, logical, add: (o) => logical.push(o), deviate: (d) => deviations.push(d), choose: (f, c, why) => b.choose(f, c, why) }, n);
  deviations.push(...ovnDeviations(design, domains, logical));

  b.choose('engine', 'ovn', `the design is realised as OVN logical switches and routers over ${inv ? `the machines of ${inv.file} (each joins with "vnetmap chassis join")` : 'simulated chassis'} (--engine ovn)`);
  if (inv) b.choose('ovn-central', `${inv.central.address}:${inv.central.nbPort},${inv.central.sbPort}`, 'the Northbound and Southbound listen on TCP on the machine that runs "vnetmap up"; each machine\'s part of the plan waits in the Northbound for its "chassis join"');
  else b.choose('ovn-datapath', datapath, datapath === 'netdev' ? 'the kernel has no openvswitch module: every chassis runs the userspace datapath, its tunnel address on an OVS bridge (br-phy) and checksums in software on the workloads\' ends' : 'the kernel datapath tunnels through the chassis\'s own routing');
  b.choose('ovn-encap', 'geneve', inv ? 'OVN\'s default tunnel between chassis, over the machines\' own network' : 'OVN\'s default tunnel between chassis; the simulated underlay is a bridge in its own namespace');
  b.choose('placement', placed.method, `${placed.cut} of ${design.links.length} design links cross chassis`);
  for (const m of gateways.moved) b.choose(`placement ${m.node}`, m.to, `${m.node} is ${m.why}: OVN sends what a chassis routes out of a gateway port through that chassis, and never back through the tunnel it came in by (placement gave ${m.from})`);
  const local = b.finish('faithful', opts.capabilities);
  // DHCP and DNS as OVN's DHCP_Options and DNS rows (dhcp-dns.ts); the clients' udhcpc stays in local.
  deviations.push(...realizeDhcpDns({ lab, design, switchOf, logical }, local));
  const assign: Record<string, string> = {};
  for (const n of design.nodes) {
    // A router is where its gateway ports are (it has no other place: it is flows on every chassis).
    const c = n.kind === 'router' ? (gatewayDevs(n).map((dev) => gatewayOf(n.name, dev)).find((x) => x) ?? where.get(n.name)) : where.get(n.name);
    if (c && n.kind !== 'switch') assign[n.name] = c;
  }
  const plan: OvnPlan = {
    engine: 'ovn',
    lab,
    labId: local.labId,
    capabilities: opts.capabilities,
    encap: 'geneve',
    datapath,
    underlayMtu: inv ? inv.underlayMtu : UNDERLAY_MTU,
    ...(inv ? { inventory: { file: inv.file, central: inv.central } } : {}),
    chassis,
    placement: { method: placed.method, assign, cut: cutOf(design, where), loads: placed.loads, explain: [...placed.explain, ...gateways.moved.map((m) => `moved ${m.node} from ${m.from} to ${m.to}: ${m.why}`)] },
    logical,
    bindings,
    local: { ...local, deviations: [...local.deviations, ...deviations] },
    choices: local.choices,
    deviations: [...local.deviations, ...deviations],
    endpoints: local.endpoints,
  };
  withTwinReach(plan);
  const lb = lbDeviations(design, plan);
  plan.deviations.push(...lb);
  plan.local.deviations.push(...lb);
  return plan;
}

/**
 * What the OVN engine does not build, refused rather than left out (the twin would differ from
 * the design without saying so): services OVN has no counterpart for (lb-services.ts says which
 * and why) and exec commands of routers. Hosts, servers and VMs are namespaces: their exec
 * commands run there after `up` (or `chassis join`) as on the kernel engine. A router's firewall is OVN ACLs (firewall-acls.ts); firewalls of
 * hosts, servers and VMs are their namespaces' nftables tables, as on the kernel engine.
 */
function refuseUnbuilt(design: Design): void {
  for (const n of design.nodes) {
    if (!isRouted(n)) continue;
    const services = (n.services ?? []).flatMap((s) => unbuiltService(n, s) ?? []);
    if (services.length) throw new UserError(`the OVN engine cannot build ${services.join('; ')}; otherwise build this design with the kernel engine (--engine kernel, the default).`);
    // A logical router is flows on every chassis: there is nowhere to run a command.
    if (n.exec?.length && (n.kind === 'router' || n.kind === 'l3-switch'))
      throw new UserError(`${n.kind} ${n.name} has exec commands, but on the OVN engine it is a logical router, which runs no programs; run them on a host, or build this design with the kernel engine (--engine kernel, the default).`);
  }
}

/**
 * The pairs a deviation names change at layer 2 (VMs a real server keeps apart now share a
 * logical switch); whether each now reaches the other is the twin's own answer, from its model.
 */
function withTwinReach(plan: OvnPlan): void {
  const withPairs = plan.deviations.filter((d) => d.affects?.some((a) => a.reach === undefined));
  if (!withPairs.length) return;
  const m = ovnModel(plan);
  const ep = new Map(m.endpoints.map((e) => [e.ref, e]));
  for (const d of withPairs)
    d.affects = d.affects!.flatMap((a) => {
      const from = ep.get(a.from);
      const to = ep.get(a.to);
      if (!from || !to || a.reach !== undefined) return [a];
      const there = pairResult(m, from, to).reach;
      const back = pairResult(m, to, from).reach;
      return there === back ? [{ ...a, reach: there }] : [{ ...a, reach: there }, { from: a.to, to: a.from, l2: a.l2!, reach: back }];
    });
}

/** Design links whose two ends are on different chassis, after the gateway rule moved nodes (place()'s measure). */
function cutOf(d: Design, where: Map<string, string>): number {
  return d.links.filter((l) => where.get(l.ends[0].node) !== where.get(l.ends[1].node)).length;
}
