// Route lookup as the Linux main table does it: longest prefix over the connected routes of
// every address and the node's static routes (default gateway included); connected routes win
// ties, and a route whose gateway is not on a connected subnet is ignored (the kernel refuses it).
import { contains, formatIp, mask } from '../model/ip.js';
import type { NetIface, NetNode, NetRoute, Ref } from './net-model.js';

export interface Lookup {
  iface: NetIface;
  nexthop: number;
  realizes: Ref[];
  /** An ECMP route: every equal-cost next hop (the first is iface/nexthop), for walks that try each. */
  alts?: { iface: NetIface; nexthop: number }[];
  /** The route as `ip route` would print it (built only when a trace asks). */
  describe(): string;
}

const cache = new WeakMap<NetNode, Map<number, Lookup | undefined>>();

/** Forget what was looked up in `n`: its routes changed (dynamic.ts installs converged ones). */
export function forgetLookups(n: NetNode): void {
  cache.delete(n);
}

/** Longest-prefix match over connected routes and the node's static routes (Linux main table). */
export function routeLookup(n: NetNode, dst: number): Lookup | undefined {
  // Matrices ask the same node about the same few destinations thousands of times.
  let c = cache.get(n);
  if (!c) cache.set(n, (c = new Map()));
  if (c.has(dst)) return c.get(dst);
  const r = lookup(n, dst);
  c.set(dst, r);
  return r;
}

function lookup(n: NetNode, dst: number): Lookup | undefined {
  // Hot path of every matrix: remember the winner's position, build nothing until the end.
  let bestPrefix = -1;
  let bestIface: NetIface | undefined;
  let bestAddr = 0;
  let bestRoute: NetRoute | undefined;
  for (const i of n.ifaces)
    for (let k = 0; k < i.addrs.length; k++) {
      const a = i.addrs[k]!;
      if (a.prefix > bestPrefix && contains(a, dst)) {
        bestPrefix = a.prefix;
        bestIface = i;
        bestAddr = k;
      }
    }
  let routeIface: NetIface | undefined;
  for (const r of n.routes) {
    if (r.prefix <= bestPrefix || ((dst & mask(r.prefix)) >>> 0) !== r.network) continue;
    const iface = resolveRouteIface(n, r);
    if (!iface) continue; // the kernel refuses a route whose gateway is not on a connected subnet
    bestPrefix = r.prefix;
    bestRoute = r;
    routeIface = iface;
  }
  if (bestRoute && routeIface) {
    const r = bestRoute;
    const iface = routeIface;
    const to = r.prefix === 0 ? 'default' : `${formatIp(r.network)}/${r.prefix}`;
    const alts = r.nexthops && r.nexthops.length > 1 ? r.nexthops.flatMap((h) => { const i = n.ifaces.find((x) => x.dev === h.dev); return i ? [{ iface: i, nexthop: h.via }] : []; }) : undefined;
    const ecmp = r.nexthops && r.nexthops.length > 1 ? ` (ECMP: ${r.nexthops.map((h) => `via ${formatIp(h.via)} dev ${h.dev}`).join(', ')}; the kernel hashes each flow onto one)` : '';
    return { iface, nexthop: r.via ?? dst, realizes: r.realizes, ...(alts && alts.length > 1 ? { alts } : {}), describe: () => `${to}${r.via !== undefined ? ' via ' + formatIp(r.via) : ''} dev ${iface.dev}${ecmp}` };
  }
  if (!bestIface) return undefined;
  const i = bestIface;
  const a = i.addrs[bestAddr]!;
  return { iface: i, nexthop: dst, realizes: i.realizes, describe: () => `${formatIp(a.network)}/${a.prefix} dev ${i.dev} (connected)` };
}

function resolveRouteIface(n: NetNode, r: NetRoute): NetIface | undefined {
  if (r.dev !== undefined) {
    const i = n.ifaces.find((x) => x.dev === r.dev);
    if (!i) return undefined;
    return r.via === undefined || i.addrs.some((a) => contains(a, r.via!)) ? i : undefined;
  }
  if (r.via === undefined) return undefined;
  return n.ifaces.find((i) => i.addrs.some((a) => contains(a, r.via!)));
}

