// Which chassis handles each gateway port (the interfaces a router's NAT goes through), and
// the one placement rule OVN itself imposes on top of place(): the workloads on a gateway
// port's logical switch (the "outside" of a NAT router — network A's internet) run on that
// port's gateway chassis.
//
// Why (measured, OVN 23.03): traffic a chassis A routes out through a gateway port is sent to
// the gateway chassis G, which switches it on the outside switch; to a workload on A it would
// have to go back through the tunnel it came in by, and ovs-vswitchd never outputs a packet to
// its input port: the ARP request for the next hop, and every packet after it, is dropped.
// So G is where the outside workloads already are (no move at all when they are on one
// chassis, as an external network of one node always is); only when they are spread over
// several do they join the router's own chassis, and the plan says so.
import type { Design } from '../../../model/types.js';
import { ifaceRef } from '../../../plan/refs.js';
import type { DomainResult } from '../../../semantics/domains.js';
import { lbServices, vipDev } from './lb-services.js';
import { isWorkload } from './workloads.js';

export interface Gateways {
  /** "router/dev" -> chassis of that gateway port. */
  chassis: Map<string, string>;
  /** Nodes moved from the chassis place() gave them, and why. */
  moved: { node: string; from: string; to: string; why: string }[];
}

/** The router interfaces that are gateway ports: every `out` of its SNAT, `in` of its port forwards, and the interface of each load balancer's VIP. */
export function gatewayDevs(n: Design['nodes'][number]): string[] {
  if (n.kind !== 'router') return [];
  const vips = lbServices(n).flatMap((s) => vipDev(n, s) ?? []);
  return [...new Set([...n.nat.snat.map((s) => s.out), ...n.nat.masquerade.map((s) => s.out), ...n.nat.portForwards.map((f) => f.in), ...vips])];
}

export function placeGateways(d: Design, domains: DomainResult, assign: Map<string, string>): Gateways {
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const out: Gateways = { chassis: new Map(), moved: [] };
  // A VM runs where its server does: moving one moves the server and all its VMs.
  const group = (node: string): string[] => {
    const n = byName.get(node);
    const server = n?.kind === 'vm' ? n.server : node;
    return [server, ...d.nodes.filter((x) => x.kind === 'vm' && x.server === server).map((x) => x.name)];
  };
  for (const n of d.nodes) {
    for (const dev of gatewayDevs(n)) {
      const id = domains.of.get(ifaceRef(n.name, dev));
      const members = id === undefined ? [] : domains.domains[id - 1]!.members.map((m) => m.node).filter((x) => isWorkload(byName.get(x)!));
      const where = new Set(members.map((m) => assign.get(m)!));
      const g = where.size === 1 ? [...where][0]! : assign.get(n.name)!;
      out.chassis.set(`${n.name}/${dev}`, g);
      for (const m of members)
        for (const x of group(m)) {
          const from = assign.get(x);
          if (from === undefined || from === g) continue;
          assign.set(x, g);
          out.moved.push({ node: x, from, to: g, why: `on the outside of ${n.name}'s gateway port ${dev}, which is on ${g}` });
        }
    }
  }
  return out;
}
