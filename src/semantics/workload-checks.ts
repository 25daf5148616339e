// Connections verify makes to the design's services, with what the semantics says of each:
// - balance: to a load balancer's VIP; per class of sources, whether connections land on every
//   backend (one round trip per backend, the balancer made to choose it) and the source address
//   each backend sees (the client's own under nat, the balancer's under fullnat);
// - proxy: to a proxy's listening port; it lands when the client reaches the proxy and the
//   proxy reaches its target, which sees the proxy's address;
// - process: to a workload's declared port, which must answer from every class the design lets in.
import { formatIp } from '../model/ip.js';
import { roundTrip, routeLookup } from './forward.js';
import type { Endpoint, NetModel, NetNode } from './net-model.js';
import type { ReachClass, TcpCheck } from './reachability.js';

export function workloadChecks(m: NetModel, classes: ReachClass[]): TcpCheck[] {
  const out: TcpCheck[] = [];
  const firstAddr = (n: NetNode) => m.endpoints.find((e: Endpoint) => e.node === n.name)?.addr.ip ?? n.ifaces.find((i) => i.addrs[0])?.addrs[0]?.ip;
  for (const n of [...m.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const r of n.nat) if (r.type === 'lb') {
      const active = r.backends.filter((b) => b.weight > 0);
      if (!active.length) continue;
      const backends = active.map((b, i) => {
        const fromClass = new Map<number, boolean>();
        const peerFrom = new Map<number, number>();
        const node = m.byAddr.get(b.to)?.[0]?.node ?? formatIp(b.to);
        for (const c of classes) {
          const e = c.members[0]!;
          const rt = roundTrip(m, e.node, e.addr.ip, r.daddr, r.protocol, r.port, false, i);
          const lands = rt.ok && rt.landed!.node === node && rt.landed!.port === b.toPort;
          fromClass.set(c.id, lands);
          if (lands && rt.request.pkt.src !== e.addr.ip) peerFrom.set(c.id, rt.request.pkt.src);
        }
        return { node, addr: b.to, port: b.toPort, fromClass, peerFrom };
      });
      const fromClass = new Map(classes.map((c) => [c.id, backends.every((b) => b.fromClass.get(c.id))]));
      const first = backends[0]!;
      out.push({ kind: 'balance', node: n.name, rule: r.realizes[0] ?? `${n.name}/${r.name}`, protocol: r.protocol, addr: r.daddr, port: r.port, target: { node: first.node, addr: first.addr, port: first.port }, fromClass, peerFrom: first.peerFrom, backends, scheduler: r.scheduler, weights: active.reduce((x, b) => x + b.weight, 0) });
    }
    for (const s of n.services ?? []) {
      const addr = s.addr ?? firstAddr(n);
      if (addr === undefined) continue;
      const rule = s.realizes[0] ?? `${n.name}/${s.name}`;
      if (s.target) {
        // The proxy's own connection: from the address its route to the target leaves by.
        const src = routeLookup(n, s.target.addr)?.iface.addrs[0]?.ip;
        const leg = src === undefined ? undefined : roundTrip(m, n.name, src, s.target.addr, s.protocol, s.target.port, false);
        const target = leg?.ok ? { node: leg.landed!.node, addr: leg.landed!.addr, port: leg.landed!.port } : { node: m.byAddr.get(s.target.addr)?.[0]?.node ?? formatIp(s.target.addr), addr: s.target.addr, port: s.target.port };
        const fromClass = new Map<number, boolean>();
        const peerFrom = new Map<number, number>();
        for (const c of classes) {
          const e = c.members[0]!;
          const rt = roundTrip(m, e.node, e.addr.ip, addr, s.protocol, s.port, false);
          const lands = !!leg?.ok && rt.ok && rt.landed!.node === n.name && rt.landed!.port === s.port;
          fromClass.set(c.id, lands);
          if (lands) peerFrom.set(c.id, leg.request.pkt.src);
        }
        out.push({ kind: 'proxy', node: n.name, rule, protocol: s.protocol, addr, port: s.port, target, fromClass, peerFrom });
      } else {
        const fromClass = new Map<number, boolean>();
        for (const c of classes) {
          const e = c.members[0]!;
          const rt = roundTrip(m, e.node, e.addr.ip, addr, s.protocol, s.port, false);
          fromClass.set(c.id, rt.ok && rt.landed!.node === n.name && rt.landed!.port === s.port);
        }
        out.push({ kind: 'process', node: n.name, rule, protocol: s.protocol, addr, port: s.port, target: { node: n.name, addr, port: s.port }, fromClass, peerFrom: new Map() });
      }
    }
  }
  return out;
}
