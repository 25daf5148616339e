// Services: a load balancer's VIP and a proxy's listening address belong to the node, names
// and listening ports are unique in it, weights go with wrr, and every backend and proxy target
// can be reached from the node in the design itself (a backend the design cannot reach would
// make the twin's load balancer fail a share of connections; better said at once).
import { formatIp } from '../ip.js';
import { error, warning, type Finding } from '../problems.js';
import type { Design, DesignNode, Routed } from '../types.js';
import { isRouted } from '../types.js';
import type { NodeService } from '../types-services.js';
import { designModel } from '../../semantics/from-design.js';
import { roundTrip, routeLookup } from '../../semantics/forward.js';
import type { NetModel } from '../../semantics/net-model.js';
import { holdersOf } from './util.js';

type RoutedNode = Extract<DesignNode, Routed>;

export function checkServices(d: Design): Finding[] {
  const f: Finding[] = [];
  let model: NetModel | undefined;
  const m = (): NetModel => (model ??= designModel(d));
  for (const n of d.nodes) {
    if (!isRouted(n) || !n.services?.length) continue;
    const own = new Set(holdersOf(n).flatMap((h) => h.addresses.map((c) => c.ip)));
    const ownList = [...own].map(formatIp).join(', ') || 'none';
    const names = new Map<string, NodeService>();
    const ports = new Map<string, NodeService>();
    for (const s of n.services) {
      const other = names.get(s.name);
      if (other) f.push(error('E-SVC-NAME', s.path, `${n.name} already has a service called ${s.name} (services[${other.index}]); give this one another "name".`));
      names.set(s.name, s);
      const listen = listenOf(s);
      if (listen) {
        const key = `${listen.protocol}/${listen.port}`;
        const clash = ports.get(key);
        if (clash && (clash === s || sameAddr(listenOf(clash)!.addr, listen.addr))) f.push(error('E-SVC-PORT', s.path, `${s.kind} ${s.name} listens on ${key}, which ${clash.kind} ${clash.name} of ${n.name} already takes; use another port.`));
        else ports.set(key, s);
      }
      if (s.kind === 'load-balancer') {
        if (!own.has(s.vip)) f.push(error('E-SVC-VIP', [...s.path, 'vip'], `vip ${formatIp(s.vip)} is not an address of ${n.name} (it has ${ownList}); add it to one of its interfaces, or use one of those.`));
        if (s.scheduler !== 'wrr' && s.backends.some((b) => b.weight !== 1)) f.push(warning('W-SVC-WEIGHT', [...s.path, 'scheduler'], `load balancer ${s.name} gives backends weights, but scheduler ${s.scheduler} ${s.scheduler === 'sh' || s.scheduler === 'lc' ? 'uses them only as IPVS does, not in the nftables twin' : 'ignores them'}; use scheduler wrr, or drop the weights.`));
        for (const b of s.backends) unreachable(m(), n, b.addr, b.port, s.protocol, `backend ${formatIp(b.addr)}:${b.port} of load balancer ${s.name}`, b.path, f);
      } else if (s.kind === 'tcp-proxy' || s.kind === 'udp-proxy') {
        if (s.listenAddr !== undefined && !own.has(s.listenAddr)) f.push(error('E-SVC-LISTEN', [...s.path, 'listen'], `${s.kind} ${s.name} listens on ${formatIp(s.listenAddr)}, which is not an address of ${n.name} (it has ${ownList}); use one of those, or give the port alone.`));
        unreachable(m(), n, s.targetAddr, s.targetPort, s.kind === 'tcp-proxy' ? 'tcp' : 'udp', `target ${formatIp(s.targetAddr)}:${s.targetPort} of ${s.kind} ${s.name}`, [...s.path, 'target'], f);
      }
    }
  }
  return f;
}

const sameAddr = (a: number | undefined, b: number | undefined): boolean => a === undefined || b === undefined || a === b;

function listenOf(s: NodeService): { protocol: string; port: number; addr?: number } | undefined {
  if (s.kind === 'load-balancer') return { protocol: s.protocol, port: s.port, addr: s.vip };
  if (s.kind === 'tcp-proxy' || s.kind === 'udp-proxy') return { protocol: s.kind === 'tcp-proxy' ? 'tcp' : 'udp', port: s.listenPort, ...(s.listenAddr !== undefined ? { addr: s.listenAddr } : {}) };
  return s.kind === 'process' && s.port ? { protocol: s.port.protocol, port: s.port.port } : undefined;
}

/** Warn when a connection from the node to addr:port does not come back in the design. */
function unreachable(m: NetModel, n: RoutedNode, addr: number, port: number, protocol: 'tcp' | 'udp', what: string, path: Finding['path'], f: Finding[]): void {
  const node = m.nodes.get(n.name);
  const src = node && routeLookup(node, addr)?.iface.addrs[0]?.ip;
  const rt = src === undefined ? undefined : roundTrip(m, n.name, src, addr, protocol, port, true);
  if (rt?.ok) return;
  const why = rt?.why ?? `${n.name} has no route to ${formatIp(addr)}`;
  f.push(warning('W-SVC-UNREACHABLE', path, `${what} cannot be reached from ${n.name} in the design (${why}); fix the address, or the routes and firewalls on the way.`));
}
