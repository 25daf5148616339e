// OvnPlan -> NetModel: the OVN twin as the forwarding engine (semantics/forward.ts) sees it, so
// `expect --engine ovn`, `plan --explain` and verify compare it with the design like a kernel
// twin. Workloads are what the kernel side builds (their namespaces' addresses and routes,
// read by planModel from the plan's kernel part); routers come from the logical routers: their
// ports, static routes, SNAT rows and load-balancer VIPs (as DNAT through the gateway port,
// the only way in: routers.ts refuses the VIP elsewhere). Layer 2 is the logical switches:
// two interfaces hear each other exactly when their ports are on one logical switch.
import { parseCidr, parseIp, type Cidr } from '../../../model/ip.js';
import { planModel } from '../../../semantics/from-plan.js';
import { firewallRef, fwFromTable } from '../../../semantics/firewall.js';
import { indexAddresses, type L2View, type NetIface, type NetModel, type NetNat, type NetNode, type NetRoute } from '../../../semantics/net-model.js';
import type { LogicalSwitch, OvnPlan, RouterPort } from '../plan/types.js';

export interface OvnModel extends NetModel {
  /** Logical switch of each interface (by "node/dev"). */
  switchOf: Map<string, string>;
}

const key = (node: string, dev: string) => `${node}/${dev}`;

export function ovnModel(plan: OvnPlan): OvnModel {
  const base = planModel(plan.local);
  const nodes = new Map<string, NetNode>();
  // Workload nodes (the chassis and underlay namespaces have no address: they are not nodes of the network).
  for (const [name, n] of base.nodes) if (n.ifaces.length) nodes.set(name, n);
  const switchOf = new Map<string, string>();
  const switches = new Map<string, LogicalSwitch>();
  const lrps = new Map<string, RouterPort>();
  for (const o of plan.logical) {
    if (o.kind === 'ls') switches.set(o.name, o);
    if (o.kind === 'lrp') lrps.set(o.name, o);
  }
  for (const o of plan.logical) {
    if (o.kind !== 'lsp') continue;
    if (o.node && o.dev) switchOf.set(key(o.node, o.dev), o.ls);
    const p = o.routerPort ? lrps.get(o.routerPort) : undefined;
    if (p) switchOf.set(key(nodeOfRouter(plan, p.lr), p.dev), o.ls);
  }
  for (const o of plan.logical) {
    if (o.kind !== 'lr') continue;
    // An OVN router answers ARP only for the addresses of the port that hears it (no proxy ARP).
    nodes.set(o.node, { name: o.node, forwards: true, ifaces: [], routes: [], nat: [], realizes: o.realizes, arpOwnOnly: true, ...(o.firewall ? { fw: fwFromTable(o.firewall, [firewallRef(o.node)]) } : {}) });
  }
  const devOf = new Map<string, string>(); // router port name -> dev
  for (const o of plan.logical) {
    if (o.kind === 'lrp') {
      const n = nodes.get(nodeOfRouter(plan, o.lr))!;
      n.ifaces.push({ node: n.name, dev: o.dev, addrs: o.networks.map((x) => parseCidr(x)).filter((c): c is Cidr => !!c), realizes: o.realizes });
      devOf.set(o.name, o.dev);
    } else if (o.kind === 'lr-route') {
      const n = nodes.get(nodeOfRouter(plan, o.lr))!;
      const to = parseCidr(o.prefix);
      const via = parseIp(o.nexthop);
      if (to && via !== undefined) n.routes.push({ network: to.network, prefix: to.prefix, via, realizes: o.realizes } satisfies NetRoute);
    }
  }
  for (const o of plan.logical) {
    const n = o.kind === 'nat' || o.kind === 'lb' ? nodes.get(nodeOfRouter(plan, o.lr)) : undefined;
    if (!n) continue;
    if (o.kind === 'nat') {
      const from = o.logicalIp === '0.0.0.0/0' ? undefined : parseCidr(o.logicalIp);
      const to = parseIp(o.externalIp);
      n.nat.push({ type: 'snat', out: devOf.get(o.port) ?? o.port, ...(from ? { from } : {}), ...(to !== undefined ? { to } : {}), realizes: o.realizes });
    } else if (o.kind === 'lb' && o.service) {
      // A load-balancer service: balanced only through its gateway port (lb-services.ts refuses it elsewhere).
      const gw = [...lrps.values()].find((p) => p.lr === o.lr && p.gatewayChassis !== undefined && Object.keys(o.vips).some((v) => p.networks.some((x) => x.split('/')[0] === v.split(':')[0])));
      for (const [vip, backends] of Object.entries(o.vips)) {
        const [daddr, port] = vip.split(':');
        const d = parseIp(daddr!);
        if (d === undefined) continue;
        const targets = backends.split(',').map((b) => b.split(':')).map(([to, toPort]) => ({ to: parseIp(to!)!, toPort: Number(toPort), weight: 1 }));
        n.nat.unshift({ type: 'lb', name: o.service.name, daddr: d, protocol: o.protocol, port: Number(port), scheduler: o.service.scheduler, mode: o.service.mode, backends: targets, realizes: o.realizes, ...(gw ? { in: gw.dev } : {}) });
      }
    } else if (o.kind === 'lb') {
      const gw = [...lrps.values()].find((p) => p.lr === o.lr && p.gatewayChassis !== undefined && Object.keys(o.vips).some((v) => p.networks.some((x) => x.split('/')[0] === v.split(':')[0])));
      for (const [vip, backend] of Object.entries(o.vips)) {
        const [daddr, port] = vip.split(':');
        const [to, toPort] = backend.split(':');
        const d = parseIp(daddr!);
        const t = parseIp(to!);
        if (d === undefined || t === undefined) continue;
        const rule: NetNat = { type: 'dnat', ...(gw ? { in: gw.dev } : {}), daddr: d, protocol: o.protocol, port: Number(port), to: t, toPort: Number(toPort), realizes: o.realizes };
        n.nat.unshift(rule); // prerouting before postrouting, as nat-rules.ts orders them
      }
    }
  }
  const l2 = logicalL2(switchOf, switches, plan);
  return { nodes, l2, endpoints: base.endpoints, byAddr: indexAddresses(nodes.values()), switchOf };
}

function nodeOfRouter(plan: OvnPlan, lr: string): string {
  const r = plan.logical.find((o) => o.kind === 'lr' && o.name === lr);
  return r && r.kind === 'lr' ? r.node : lr;
}

function logicalL2(switchOf: Map<string, string>, switches: Map<string, LogicalSwitch>, plan: OvnPlan): L2View {
  const at = (i: NetIface) => switchOf.get(key(i.node, i.dev));
  const bound = new Set(plan.bindings.map((b) => b.node));
  const where = (node: string) => (bound.has(node) ? plan.placement.assign[node] : undefined);
  return {
    adjacent: (a, b) => a !== b && at(a) !== undefined && at(a) === at(b),
    classKey: (a) => at(a) ?? `none:${a.node}/${a.dev}`,
    path: (a, b) => {
      const ls = at(a)!;
      const ca = where(a.node);
      const cb = where(b.node);
      const how = ca && cb ? (ca === cb ? ` on ${ca}` : ` from ${ca} through a Geneve tunnel to ${cb}`) : '';
      return [{ what: `logical switch ${ls}${how}: ${a.node}/${a.dev} -> ${b.node}/${b.dev}`, realizes: switches.get(ls)?.realizes ?? [] }];
    },
    segmentName: (a) => (at(a) ? `logical switch ${at(a)}` : 'not connected'),
  };
}
