// A node's services in the semantics: load balancers become NAT steps (nat-rules.ts: the VIP and
// port are translated to a backend in prerouting, fullnat also hides the client on the way out);
// proxies and processes are what listens on the node, so a trace that delivers a connection
// there names the service, and the checks (workload-checks.ts) know where a relay goes on to.
import { formatIp } from '../model/ip.js';
import type { DesignNode, Routed } from '../model/types.js';
import { serviceRef } from '../plan/refs.js';
import type { NatStep } from './nat-rules.js';
import type { NetNode, Ref } from './net-model.js';

export interface NetService {
  kind: 'tcp-proxy' | 'udp-proxy' | 'process';
  name: string;
  protocol: 'tcp' | 'udp';
  /** The address it listens on; absent: every address of the node. */
  addr?: number;
  port: number;
  /** Where a proxy carries connections on to. */
  target?: { addr: number; port: number };
  realizes: Ref[];
}

type RoutedNode = Extract<DesignNode, Routed>;

/** The load balancers of a design node as NAT steps, in the order of its list. */
export function lbSteps(n: RoutedNode): NatStep[] {
  return (n.services ?? []).flatMap((s): NatStep[] =>
    s.kind === 'load-balancer'
      ? [{ type: 'lb', name: s.name, daddr: s.vip, protocol: s.protocol, port: s.port, scheduler: s.scheduler, mode: s.mode, backends: s.backends.map((b) => ({ to: b.addr, toPort: b.port, weight: b.weight })), realizes: [serviceRef(n.name, s.index)] }]
      : [],
  );
}

/** What listens on a design node: its proxies, and its processes that declare a port. */
export function netServices(n: RoutedNode): NetService[] {
  return (n.services ?? []).flatMap((s): NetService[] => {
    const realizes = [serviceRef(n.name, s.index)];
    if (s.kind === 'tcp-proxy' || s.kind === 'udp-proxy')
      return [{ kind: s.kind, name: s.name, protocol: s.kind === 'tcp-proxy' ? 'tcp' : 'udp', ...(s.listenAddr !== undefined ? { addr: s.listenAddr } : {}), port: s.listenPort, target: { addr: s.targetAddr, port: s.targetPort }, realizes }];
    if (s.kind === 'process' && s.port) return [{ kind: 'process', name: s.name, protocol: s.port.protocol, port: s.port.port, realizes }];
    return [];
  });
}

/** Does a load balancer of this design node make it forward (an LVS director routes)? */
export const balances = (n: RoutedNode): boolean => (n.services ?? []).some((s) => s.kind === 'load-balancer');

/** The service of a node that a connection to addr:port (protocol) is delivered to, in words. */
export function listening(n: NetNode, protocol: string, addr: number, port: number): { what: string; realizes: Ref[] } | undefined {
  const s = n.services?.find((x) => x.protocol === protocol && x.port === port && (x.addr === undefined || x.addr === addr));
  if (!s) return undefined;
  if (s.target) return { what: `${s.kind} ${s.name} listens on :${port} and relays to ${formatIp(s.target.addr)}:${s.target.port} (a new connection from ${n.name})`, realizes: s.realizes };
  return { what: `process ${s.name} serves ${protocol}/${port}`, realizes: s.realizes };
}
