// Dynamic routing in the twin: one FRR instance per routing node, in the node's namespace — a
// routing object (what it is configured with, for the semantics engine) and FRR's daemons as
// daemon objects: zebra (the kernel's routing table), then ospfd and/or bgpd, which reach
// zebra through its socket. Every file an instance uses is under the lab's run directory:
// zebra's directory holds its socket and every daemon's vty socket, so `vtysh --vty_socket DIR`
// talks to the whole instance (src/verify/routes-phase.ts does), and instances never meet.
// The daemons run as root with the group frrvty (FRR refuses a user outside its vty group),
// in the foreground, logging to stdout (their log under the run directory).
import type { DesignNode } from '../model/types.js';
import { routingOf } from '../model/types.js';
import { bgpdConf, ospfdConf, zebraConf } from '../render/frr-conf.js';
import { routingSpec } from '../semantics/routing-spec.js';
import type { Ctx } from './context.js';
import type { Where } from './routing.js';
import type { DaemonObj, RoutingSpec } from './types.js';

/** Where Debian's frr package puts the daemons. */
export const FRR_DIR = '/usr/lib/frr';

export const frrDaemonName = (node: string, daemon: 'zebra' | 'ospfd' | 'bgpd'): string => `${node}.${daemon}`;

/** The argv every FRR daemon of one instance shares: its config, pid file, zebra's socket, the instance's vty directory. */
function frrArgv(node: string, daemon: 'zebra' | 'ospfd' | 'bgpd'): string[] {
  const zdir = `{dir:${frrDaemonName(node, 'zebra')}}`;
  return [`${FRR_DIR}/${daemon}`, '-u', 'root', '-g', 'frrvty', '-f', `{dir}/${daemon}.conf`, '-i', `{dir}/${daemon}.pid`, '-z', `${zdir}/zserv.api`, '--vty_socket', zdir, '-P', '0', '--log', 'stdout'];
}

/** The routing object and FRR daemons of node n, whose interfaces the twin places per `where`. */
export function realizeFrr(ctx: Ctx, n: DesignNode, ns: string, where: Where): void {
  const r = routingOf(n);
  if (!r || (!r.ospf && !r.bgp)) return;
  const devOf = (_: string, dev: string): string | undefined => {
    const svi = /^vlan(\d+)$/.exec(dev);
    const p = where.iface(dev) ?? (svi ? where.svi?.(Number(svi[1])) : undefined);
    return p?.namespace === ns ? p.dev : undefined;
  };
  const spec = routingSpec(ctx.design, n, devOf);
  const realizes = [...new Set([...(spec.ospf?.realizes ?? []), ...(spec.bgp?.realizes ?? [])])];
  ctx.b.add({ kind: 'routing', namespace: ns, spec, realizes });
  ctx.b.choose('dynamic-routing', 'FRR (zebra, ospfd, bgpd) per routing node', 'OSPF and BGP run as FRR daemons in each routing node\'s namespace, configured from the design; the twin\'s timers are short so that it converges in seconds (docs/routing.md).');
  for (const d of frrDaemons(spec, ns)) ctx.b.add(d);
}

export function frrDaemons(spec: RoutingSpec, ns: string): DaemonObj[] {
  const node = spec.node;
  const zebra = frrDaemonName(node, 'zebra');
  const base = [...new Set([...(spec.ospf?.realizes ?? []), ...(spec.bgp?.realizes ?? [])])];
  const out: DaemonObj[] = [
    // zebra is ready once its socket exists: ospfd and bgpd connect at start and retry only after 10 s.
    { kind: 'daemon', namespace: ns, name: zebra, argv: frrArgv(node, 'zebra'), files: [{ name: 'zebra.conf', content: zebraConf(spec) }], ready: '{dir}/zserv.api', realizes: base },
  ];
  if (spec.ospf) out.push({ kind: 'daemon', namespace: ns, name: frrDaemonName(node, 'ospfd'), argv: frrArgv(node, 'ospfd'), files: [{ name: 'ospfd.conf', content: ospfdConf(spec) }], after: [zebra], realizes: spec.ospf.realizes });
  if (spec.bgp) out.push({ kind: 'daemon', namespace: ns, name: frrDaemonName(node, 'bgpd'), argv: frrArgv(node, 'bgpd'), files: [{ name: 'bgpd.conf', content: bgpdConf(spec) }], after: [zebra], realizes: spec.bgp.realizes });
  return out;
}

/** The node and FRR daemon a plan daemon runs, or undefined when it runs something else. */
export function frrDaemonOf(d: DaemonObj): { node: string; daemon: 'zebra' | 'ospfd' | 'bgpd' } | undefined {
  const m = /^(.+)\.(zebra|ospfd|bgpd)$/.exec(d.name);
  return m && d.argv[0] === `${FRR_DIR}/${m[2]}` ? { node: m[1]!, daemon: m[2] as 'zebra' | 'ospfd' | 'bgpd' } : undefined;
}

/** The vty directory of a node's FRR instance, for vtysh --vty_socket (after {dir:...} is resolved by render/daemons.ts). */
export const frrVtyDaemon = (node: string): string => frrDaemonName(node, 'zebra');
