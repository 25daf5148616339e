// A router's `load-balancer` services as OVN Load_Balancer rows, the way the router's port
// forwards already are (routers.ts): the VIP's interface is a distributed gateway port, the
// balancer a row on the router, and the VIP refused on the router's other ports (OVN would
// balance every connection its gateway chassis routes, whichever port it came in by).
//
// What OVN's load balancer has: NAT mode (the backend sees the client), and a backend chosen by
// a hash of the fields `selection_fields` names — `ip_src` keeps a client on one backend, the
// design's source hash (`sh`). What it has not, and is refused with what to do: round robin,
// weights and least connections (OVN hashes; no backend weights, no connection counts), FULLNAT
// (OVN's `lb_force_snat_ip` acts only on a gateway router, not on a distributed gateway port:
// measured, the backend saw the client), DR and TUN (the kernel engine refuses them too).
// Proxies and processes on a router are refused (a logical router runs no programs); a host's
// services are the kernel engine's, in its namespace on its chassis (plan/services.ts).
import { formatIp } from '../../../model/ip.js';
import type { Design, DesignNode } from '../../../model/types.js';
import type { Deviation } from '../../../plan/types.js';
import { roundTrip } from '../../../semantics/forward.js';
import { designModel } from '../../../semantics/from-design.js';
import type { NetModel } from '../../../semantics/net-model.js';
import { ovnModel } from '../semantics/model.js';
import type { LoadBalancerService, NodeService } from '../../../model/types-services.js';
import { UserError } from '../../../errors.js';
import { serviceRef } from '../../../plan/refs.js';
import { routerLspName } from './names.js';
import type { RouterCtx } from './routers.js';
import type { OvnPlan, RouterPort } from './types.js';

type Router = Extract<DesignNode, { kind: 'router' }>;

export const lbServiceName = (lab: string, node: string, service: string): string => `${lab}.${node}.lb-${service}`;

/** The interface holding a balancer's VIP (a gateway port, gateways.ts). */
export function vipDev(n: Extract<DesignNode, { interfaces: unknown }>, s: LoadBalancerService): string | undefined {
  return n.interfaces.find((i) => i.addresses.some((a) => a.ip === s.vip))?.name;
}

/** The node's balancers that become OVN load balancers (the others are refused: refuseServices). */
export const lbServices = (n: DesignNode): LoadBalancerService[] => (n.kind === 'router' ? (n.services ?? []).filter((s): s is LoadBalancerService => s.kind === 'load-balancer') : []);

/**
 * Why the OVN engine cannot build one of a node's services, or undefined when it can. Called for
 * every node with services before anything is compiled, so a design is refused as a whole.
 */
export function unbuiltService(n: DesignNode, s: NodeService): string | undefined {
  const what = `${n.kind} ${n.name}'s ${s.kind} ${s.name}`;
  const router = n.kind === 'router' || n.kind === 'l3-switch';
  // A workload is a namespace on its chassis, as on the kernel engine: its services are the kernel engine's (plan/services.ts).
  if (!router) return undefined;
  if (s.kind !== 'load-balancer') return `${what}: a logical router runs no programs, so nothing could listen or relay there`;
  if (n.kind !== 'router') return `${what}: the OVN engine builds load balancers on routers only (an OVN load balancer lives on a logical router, through a gateway port)`;
  if (s.mode === 'fullnat') return `${what}: FULLNAT needs the balancer to hide the client behind the router's address, and OVN's lb_force_snat_ip does that only on a gateway router, not on a router with a distributed gateway port as the OVN engine builds them (measured: the backend saw the client); use mode nat`;
  if (s.mode === 'dr' || s.mode === 'tun') return `${what}: mode ${s.mode} needs IPVS, which OVN does not have (and the kernel engine refuses it too); use mode nat`;
  if (s.scheduler !== 'sh') return `${what}: scheduler ${s.scheduler} — an OVN load balancer chooses a backend by a hash, not in turn or by connection count; use scheduler sh (OVN hashes the client's address)`;
  const weights = new Set(s.backends.filter((b) => b.weight > 0).map((b) => b.weight));
  if (weights.size > 1) return `${what}: backends of different weights — an OVN load balancer has no weights; give every backend the same weight (0 takes it out)`;
  return undefined;
}

/** The router's balancers as load balancers on its logical router, through the VIP's gateway port. */
export function realizeLbServices(c: RouterCtx, n: Router, lr: string, ports: Map<string, RouterPort>): void {
  for (const s of lbServices(n)) {
    const ref = serviceRef(n.name, s.index);
    const dev = vipDev(n, s);
    const p = dev === undefined ? undefined : ports.get(dev);
    if (!p || dev === undefined) throw new UserError(`router ${n.name}'s load-balancer ${s.name}: its VIP ${formatIp(s.vip)} is on no interface of the twin's router; give the VIP as an address of one of ${n.name}'s interfaces.`);
    const chassis = c.gatewayOf(n.name, dev);
    if (chassis) p.gatewayChassis = chassis;
    const backends = s.backends.filter((b) => b.weight > 0).map((b) => `${formatIp(b.addr)}:${b.port}`);
    if (!backends.length) continue;
    const vip = `${formatIp(s.vip)}:${s.port}`;
    c.add({ kind: 'lb', name: lbServiceName(c.lab, n.name, s.name), lr, protocol: s.protocol, vips: { [vip]: backends.join(',') }, service: { name: s.name, scheduler: 'sh', mode: 'nat' }, selectionFields: ['ip_src'], realizes: [ref] });
    // Connections to the VIP through the router's other ports are refused, as routers.ts does for port forwards.
    for (const [other, q] of ports) {
      const ls = other === dev ? undefined : c.switchOf(q.realizes[0]!);
      if (ls) c.add({ kind: 'acl', ls, direction: 'to-lport', priority: 1000, match: `outport == "${routerLspName(q.name)}" && ip4.dst == ${formatIp(s.vip)} && ${s.protocol}.dst == ${s.port}`, action: 'reject', realizes: [ref] });
    }
  }
}

/**
 * The one way an OVN balancer differs from the design's: it takes connections only through its
 * gateway port (the VIP's interface), where Linux balances them whichever interface they come
 * in by. For the clients whose connections the design balances and the twin refuses (or the
 * reverse), a deviation names them, with the twin's answer (compare.ts matches a balancer's
 * check by its first backend). None when every client is treated alike.
 */
export function lbDeviations(design: Design, plan: OvnPlan): Deviation[] {
  const routers = design.nodes.filter((n): n is Router => n.kind === 'router' && lbServices(n).length > 0);
  if (!routers.length) return [];
  const dm = designModel(design);
  const tm = ovnModel(plan);
  const out: Deviation[] = [];
  for (const n of routers)
    for (const s of lbServices(n)) {
      const active = s.backends.filter((b) => b.weight > 0);
      if (!active.length) continue;
      const first = dm.byAddr.get(active[0]!.addr)?.[0]?.node ?? formatIp(active[0]!.addr);
      const lands = (m: NetModel, node: string, src: number) =>
        active.every((b, i) => {
          const rt = roundTrip(m, node, src, s.vip, s.protocol, s.port, false, i);
          return rt.ok && rt.landed!.addr === b.addr && rt.landed!.port === b.port;
        });
      const affects: NonNullable<Deviation['affects']> = [];
      for (const e of tm.endpoints) {
        if (!dm.nodes.has(e.node)) continue;
        const twin = lands(tm, e.node, e.addr.ip);
        if (lands(dm, e.node, e.addr.ip) !== twin) affects.push({ from: e.ref, to: first, reach: twin });
      }
      if (affects.length)
        out.push({
          code: 'ovn-lb-gateway-only',
          message: `ovn: router ${n.name}'s load-balancer ${s.name} (${formatIp(s.vip)}:${s.port}) takes connections only through ${vipDev(n, s)}, its gateway port; the router refuses them from its other interfaces, where Linux would balance them too.`,
          realizes: [serviceRef(n.name, s.index)],
          affects,
        });
    }
  return out;
}
