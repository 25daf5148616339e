// Who serves whom by DHCP, from the design alone: a client interface (`address: dhcp`) is served
// by a scope on an interface or SVI of its broadcast domain, or, through a relay of its domain,
// by the remote scope whose subnet holds the relay's address (as dnsmasq picks a range by the
// relay's giaddr). Pure. checks/dhcp.ts reports what does not fit; assignLeases() then gives
// every client the address the offline stages (plan, expect, trace, draw) assume: its
// reservation exactly, or the next free address of its pool. The live twin's lease may be
// another address of that pool: verify reads it (verify/dhcp-phase.ts).
import { contains, formatIp, formatNet, networkOf, type Cidr } from './ip.js';
import { domainsOf, holdersOf, nodesByName, type AddrHolder } from './checks/util.js';
import type { Design, DhcpRelay, DhcpScope, Iface, Lease, Routed } from './types.js';
import { isRouted } from './types.js';
import { ifaceRef } from '../semantics/domains.js';

/** A scope with where it sits: its holder (interface or SVI) and the subnet it serves. */
export interface PlacedScope {
  scope: DhcpScope;
  holder?: AddrHolder;
  /** The address of the holder in the served subnet (local scopes), or its primary address. */
  own?: Cidr;
  subnet?: Cidr;
  /** Served through a relay (the scope names a subnet that is not the interface's). */
  remote: boolean;
  /** Every address holder of the serving node (the relay may name an address of another interface). */
  nodeHolders: AddrHolder[];
}

export interface PlacedRelay {
  relay: DhcpRelay;
  holder?: AddrHolder;
  /** The relay's address on that interface: the giaddr that picks the server's scope. */
  giaddr?: Cidr;
}

export interface ClientServe {
  node: string;
  iface: Iface;
  ref: string;
  scope?: PlacedScope;
  relay?: PlacedRelay;
  /** More than one server answers in its domain (the first one is used). */
  others: number;
}

export interface DhcpView {
  scopes: PlacedScope[];
  relays: PlacedRelay[];
  clients: ClientServe[];
}

const viewCache = new WeakMap<Design, DhcpView>();

export function dhcpView(d: Design): DhcpView {
  const cached = viewCache.get(d);
  if (cached) return cached;
  const scopes: PlacedScope[] = [];
  const relays: PlacedRelay[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n) || !n.dhcp) continue;
    const hs = holdersOf(n);
    for (const s of n.dhcp.scopes) {
      const holder = hs.find((h) => h.dev === s.dev);
      const probe = s.pools[0]?.first ?? s.reservations[0]?.ip;
      const own = holder?.addresses.find((a) => probe !== undefined && contains(a, probe)) ?? holder?.addresses[0];
      const remote = s.subnet !== undefined && !(own && own.network === s.subnet.network && own.prefix === s.subnet.prefix);
      const subnet = s.subnet ?? (own ? { ...own, ip: own.network, text: formatNet(own) } : undefined);
      scopes.push({ scope: s, ...(holder ? { holder } : {}), ...(own ? { own } : {}), ...(subnet ? { subnet } : {}), remote, nodeHolders: hs });
    }
    for (const r of n.dhcp.relays) {
      const holder = hs.find((h) => h.dev === r.dev);
      const giaddr = holder?.addresses[0];
      relays.push({ relay: r, ...(holder ? { holder } : {}), ...(giaddr ? { giaddr } : {}) });
    }
  }
  const { of } = domainsOf(d);
  const clients: ClientServe[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    for (const i of n.interfaces) {
      if (!i.dhcp) continue;
      const ref = ifaceRef(n.name, i.name);
      const dom = of.get(ref);
      const found: { scope: PlacedScope; relay?: PlacedRelay }[] = [];
      if (dom !== undefined) {
        for (const s of scopes) if (!s.remote && s.holder && of.get(s.holder.ref) === dom) found.push({ scope: s });
        for (const r of relays) {
          if (!r.holder || !r.giaddr || of.get(r.holder.ref) !== dom) continue;
          const target = relayTarget(scopes, r);
          if (target) found.push({ scope: target, relay: r });
        }
      }
      const first = found[0];
      clients.push({ node: n.name, iface: i, ref, ...(first ? { scope: first.scope } : {}), ...(first?.relay ? { relay: first.relay } : {}), others: Math.max(0, found.length - 1) });
    }
  }
  const view = { scopes, relays, clients };
  viewCache.set(d, view);
  return view;
}

/** The scope a relay's requests land in: on the node owning the relay's server address, for the subnet of the relay's address. */
export function relayTarget(scopes: PlacedScope[], r: PlacedRelay): PlacedScope | undefined {
  if (!r.giaddr) return undefined;
  const gi = r.giaddr.ip;
  return scopes.find((s) => s.subnet && contains(s.subnet, gi) && ownsAddress(s, r.relay.server));
}

const ownsAddress = (s: PlacedScope, ip: number): boolean => s.nodeHolders.some((h) => h.addresses.some((a) => a.ip === ip));

/** The MAC the twin gives a DHCP client interface the design gives none: stable, locally administered (52:54:00, as QEMU's). */
export function dhcpMac(node: string, iface: string): string {
  let h = 0x811c9dc5;
  for (const c of `${node}/${iface}`) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ['52', '54', '00', (h >>> 16) & 255, (h >>> 8) & 255, h & 255].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');
}

/**
 * Give every DHCP client its MAC (when the design names none), the lease it gets and the address
 * the offline stages assume; its default gateway is the scope's router option when the design
 * gives none. Mutates the design; run once, after the checks passed.
 */
export function assignLeases(d: Design): void {
  if (!d.nodes.some((n) => isRouted(n) && (n.dhcp || n.interfaces.some((i) => i.dhcp)))) return;
  for (const n of d.nodes) if (isRouted(n)) for (const i of n.interfaces) if (i.dhcp && !i.mac) i.mac = dhcpMac(n.name, i.name);
  const view = dhcpView(d);
  const taken = new Set<number>();
  for (const n of d.nodes) if (isRouted(n)) for (const h of holdersOf(n)) for (const a of h.addresses) taken.add(a.ip);
  for (const s of view.scopes) for (const r of s.scope.reservations) taken.add(r.ip);
  const byName = nodesByName(d);
  for (const c of view.clients) {
    const ps = c.scope;
    if (!ps?.subnet) continue;
    const s = ps.scope;
    const res = s.reservations.find((r) => (r.client && r.client.node === c.node && (r.client.iface === c.iface.name || r.client.iface === '')) || (r.mac && r.mac === c.iface.mac?.toLowerCase()));
    let ip = res?.ip;
    if (ip === undefined) {
      for (const p of s.pools) {
        for (let a = p.first; a <= p.last && ip === undefined; a++) if (!taken.has(a)) ip = a;
        if (ip !== undefined) break;
      }
    }
    if (ip === undefined) continue; // pool exhausted: checks/dhcp.ts said so
    taken.add(ip);
    const prefix = ps.subnet.prefix;
    const text = `${formatIp(ip)}/${prefix}`;
    c.iface.addresses = [{ ip, prefix, network: networkOf(ip, prefix), text }];
    const lease: Lease = { server: s.node, dev: s.dev, subnet: ps.subnet, pools: s.pools.map((p) => p.text).join(', ') || 'reservations only' };
    if (res) lease.reserved = res.ip;
    if (c.relay) lease.relay = { node: c.relay.relay.node, dev: c.relay.relay.dev };
    c.iface.lease = lease;
    const node = byName.get(c.node) as Routed | undefined;
    const router = routerOption(ps, c.relay);
    if (node && node.gateway === undefined && router !== undefined) {
      node.gateway = router;
      node.gatewayFromDhcp = true;
    }
  }
}

/** The router option a scope gives: its own, else the serving (or relaying) interface's address. */
export function routerOption(ps: PlacedScope, relay?: PlacedRelay): number | undefined {
  return ps.scope.router ?? (relay ? relay.giaddr?.ip : ps.own?.ip);
}
