// DHCP and DNS services as a network engineer would check them on paper: a scope sits on an
// interface with an address, its pools lie in the subnet it serves and do not overlap, each
// reservation is in that subnet and unique, every `address: dhcp` has a server (or a relay to
// one) in its broadcast domain, and a relay's server can be reached (docs/dhcp-dns.md).
import { roundTrip } from '../../semantics/forward.js';
import { designModel } from '../../semantics/from-design.js';
import { broadcastOf, contains, formatIp, formatNet } from '../ip.js';
import { dhcpView, type PlacedScope } from '../leases.js';
import { error, warning, type Finding } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';
import { addrAt, allHolders, domainsOf, nodesByName, type AddrHolder } from './util.js';

const CLIENT_KINDS = new Set(['host', 'vm']);

export function checkDhcp(d: Design): Finding[] {
  const f: Finding[] = [];
  let any = false;
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    if (n.dhcp || n.dns) any = true;
    for (const i of n.interfaces) {
      if (!i.dhcp) continue;
      any = true;
      if (!CLIENT_KINDS.has(n.kind)) f.push(error('E-DHCP-CLIENT-KIND', [...i.path, 'address'], `${n.kind} ${n.name} cannot take its address from DHCP in the twin; give ${i.name} a fixed address (only hosts and VMs are DHCP clients).`));
    }
  }
  if (!any) return f;
  const view = dhcpView(d);
  const { of } = domainsOf(d);
  for (const ps of view.scopes) checkScope(ps, f);
  // A fixed address inside a pool: the server (no-ping, as the design says who has what) would hand it out again.
  const inDomain = new Map<number, AddrHolder[]>();
  for (const h of allHolders(d)) {
    const dom = of.get(h.ref);
    if (dom !== undefined) (inDomain.get(dom) ?? inDomain.set(dom, []).get(dom)!).push(h);
  }
  for (const ps of view.scopes) {
    if (ps.remote || !ps.holder) continue;
    for (const h of inDomain.get(of.get(ps.holder.ref) ?? -1) ?? []) {
      h.addresses.forEach((a, k) => {
        const p = ps.scope.pools.find((x) => x.first <= a.ip && a.ip <= x.last);
        if (p && a.ip !== ps.own?.ip) f.push(error('E-DHCP-POOL-TAKEN', addrAt(h, k), `${formatIp(a.ip)} of ${h.node} ${h.dev} is inside pool ${p.text} of ${ps.scope.node} ${ps.scope.dev}, which would hand it to a client too; give ${h.node} an address outside the pool, or shrink the pool.`));
      });
    }
  }
  // Overlapping pools: within a node, or between scopes in one broadcast domain.
  for (let a = 0; a < view.scopes.length; a++) {
    for (let b = a + 1; b < view.scopes.length; b++) {
      const x = view.scopes[a]!;
      const y = view.scopes[b]!;
      const together = x.scope.node === y.scope.node || (x.holder && y.holder && !x.remote && !y.remote && of.get(x.holder.ref) === of.get(y.holder.ref));
      if (!together) continue;
      for (const p of y.scope.pools) {
        const q = x.scope.pools.find((o) => o.first <= p.last && p.first <= o.last);
        if (q) f.push(error('E-DHCP-POOL-OVERLAP', p.path, `pool ${p.text} of ${y.scope.node} ${y.scope.dev} overlaps pool ${q.text} of ${x.scope.node} ${x.scope.dev}; two servers would hand out the same addresses: make the ranges disjoint.`));
      }
    }
  }
  // Reservations: one MAC, one address, once per node.
  for (const n of d.nodes) {
    if (!isRouted(n) || !n.dhcp) continue;
    const macs = new Map<string, string>();
    const ips = new Map<number, string>();
    for (const s of n.dhcp.scopes) {
      for (const r of s.reservations) {
        const who = r.mac ?? (r.client ? `${r.client.node}:${r.client.iface}` : '');
        const m = macs.get(who);
        if (m) f.push(error('E-DHCP-DUP-RESERVATION', r.path, `${who} already has a reservation (${m}); a client gets one address: remove one of them.`));
        else macs.set(who, `${formatIp(r.ip)} on ${s.dev}`);
        const i = ips.get(r.ip);
        if (i) f.push(error('E-DHCP-DUP-RESERVATION', [...r.path, 'address'], `${formatIp(r.ip)} is already reserved for ${i}; give each reservation its own address.`));
        else ips.set(r.ip, who);
      }
    }
  }
  const byName = nodesByName(d);
  for (const c of view.clients) {
    if (!CLIENT_KINDS.has(byName.get(c.node)?.kind ?? '')) continue; // E-DHCP-CLIENT-KIND said so
    if (!c.scope) {
      f.push(error('E-DHCP-NO-SERVER', [...c.iface.path, 'address'], `${c.node} ${c.iface.name} asks for an address by DHCP, but no DHCP server or relay is in its broadcast domain; add "dhcp:" with a pool to the router or L3 switch of its subnet, or "relay:" on its SVI.`));
      continue;
    }
    if (c.others) f.push(warning('W-DHCP-SERVERS', [...c.iface.path, 'address'], `${c.others + 1} DHCP servers answer ${c.node} ${c.iface.name} in its broadcast domain; the first answer wins in a real network, the twin assumes ${c.scope.scope.node} ${c.scope.scope.dev}: keep one server per domain.`));
    for (const r of c.scope.scope.reservations) if (r.client && !byName.has(r.client.node)) f.push(error('E-DHCP-RESERVATION', [...r.path, 'client'], `no node "${r.client.node}" in the design; write the client as "node:interface".`));
  }
  // Relays: the server address belongs to a node with a scope for the relay's subnet, reachable.
  let model: ReturnType<typeof designModel> | undefined;
  for (const r of view.relays) {
    const where = `${r.relay.node} ${r.relay.dev}`;
    if (!r.holder) {
      f.push(error('E-DHCP-SCOPE-DEV', r.relay.path, `${r.relay.node} has no interface or SVI "${r.relay.dev}" to relay DHCP from; use one of its interface names, or "vlan10" for an SVI.`, true));
      continue;
    }
    if (!r.giaddr) {
      f.push(error('E-DHCP-SCOPE-DEV', r.relay.path, `${where} has no address, so it cannot relay DHCP (the server picks the pool by the relay's address); give it one.`, true));
      continue;
    }
    const target = view.scopes.find((s) => s.subnet && contains(s.subnet, r.giaddr!.ip) && s.nodeHolders.some((h) => h.addresses.some((a) => a.ip === r.relay.server)));
    const server = formatIp(r.relay.server);
    if (!target) {
      f.push(error('E-DHCP-RELAY-TARGET', [...r.relay.path, 'relay'], `no DHCP server at ${server} serves ${formatNet(r.giaddr)}, the subnet ${where} relays for; add a scope with "subnet: ${formatNet(r.giaddr)}" and a pool to the node that has ${server}, or relay to that node.`));
      continue;
    }
    model ??= designModel(d);
    const rt = roundTrip(model, r.relay.node, r.giaddr.ip, r.relay.server, 'udp', 67, false);
    if (!rt.ok || rt.landed?.node !== target.scope.node)
      f.push(error('E-DHCP-RELAY-TARGET', [...r.relay.path, 'relay'], `${where} cannot reach the DHCP server ${server} in the design (${rt.why ?? `it lands on ${rt.landed?.node}`}); add a route to it on ${r.relay.node}, or relay to a server it reaches.`));
  }
  return f;
}

function checkScope(ps: PlacedScope, f: Finding[]): void {
  const s = ps.scope;
  const where = `${s.node} ${s.dev}`;
  if (!ps.holder) {
    f.push(error('E-DHCP-SCOPE-DEV', s.path, `${s.node} has no interface or SVI "${s.dev}" to serve DHCP on; key "dhcp:" by one of its interface names, or "vlan10" for an SVI.`, true));
    return;
  }
  if (!ps.own) {
    f.push(error('E-DHCP-SCOPE-DEV', s.path, `${where} has no address, so it cannot serve DHCP; give it a fixed address in the subnet it serves.`, true));
    return;
  }
  const net = ps.subnet!;
  const what = ps.remote ? `the subnet ${formatNet(net)} it serves` : `${where}'s subnet ${formatNet(net)}`;
  const fix = ps.remote ? `pick addresses of ${formatNet(net)}` : `pick addresses of ${formatNet(net)}, or add "subnet:" for a remote subnet served through a relay`;
  for (const p of s.pools) {
    if (!contains(net, p.first) || !contains(net, p.last)) f.push(error('E-DHCP-POOL-SUBNET', p.path, `pool ${p.text} is not inside ${what}; ${fix}.`));
    else if (p.first === net.network || p.last === broadcastOf(net)) f.push(error('E-DHCP-POOL-SUBNET', p.path, `pool ${p.text} includes the ${p.first === net.network ? 'network' : 'broadcast'} address of ${formatNet(net)}, which no client can use; start and end it inside.`));
    else if (!ps.remote && p.first <= ps.own.ip && ps.own.ip <= p.last) f.push(error('E-DHCP-POOL-SUBNET', p.path, `pool ${p.text} includes ${where}'s own address ${formatIp(ps.own.ip)}; leave it out of the range.`));
  }
  for (const [k, p] of s.pools.entries()) {
    const q = s.pools.slice(0, k).find((o) => o.first <= p.last && p.first <= o.last);
    if (q) f.push(error('E-DHCP-POOL-OVERLAP', p.path, `pool ${p.text} overlaps pool ${q.text} of the same scope; make the ranges disjoint.`));
  }
  for (const r of s.reservations) if (!contains(net, r.ip)) f.push(error('E-DHCP-RESERVATION-OUTSIDE', [...r.path, 'address'], `reserved address ${formatIp(r.ip)} is outside ${what}, so no client of this scope can use it; reserve an address of ${formatNet(net)}.`));
}
