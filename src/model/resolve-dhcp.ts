// Raw `dhcp:` and `dns:` of a node -> resolved scopes, relays and the DNS service. Text that
// does not parse (a pool that is not "first-last", an address that is not one) is reported here
// and left out, like everything resolve.ts reads; network sense is checked in checks/dhcp.ts.
import { parseCidr, parseIp } from './ip.js';
import { error, type Finding, type PathSeg } from './problems.js';
import type { DhcpPool, DhcpRelay, DhcpReservation, DhcpScope, DnsService } from './types.js';
import type { z } from 'zod';
import type { Dhcp, Dns } from './schema.js';

/** Default lease (seconds), and the shortest dnsmasq hands out. */
export const DEFAULT_LEASE = 3600;
export const MIN_LEASE = 120;

export function resolveDhcp(node: string, raw: z.infer<typeof Dhcp>, path: PathSeg[], f: Finding[]): { scopes: DhcpScope[]; relays: DhcpRelay[] } {
  const scopes: DhcpScope[] = [];
  const relays: DhcpRelay[] = [];
  for (const [dev, s] of Object.entries(raw)) {
    const p = [...path, dev];
    if (s.relay !== undefined) {
      const extra = (['pools', 'subnet', 'reservations', 'lease', 'router', 'dns', 'domain'] as const).find((k) => s[k] !== undefined);
      if (extra) f.push(error('E-DHCP-RELAY', [...p, extra], `${node} ${dev} relays DHCP to ${s.relay}, so it serves no "${extra}" of its own; remove "${extra}", or remove "relay" to serve here.`, true));
      const server = parseIp(s.relay);
      if (server === undefined) f.push(error('E-BAD-IP', [...p, 'relay'], `"${s.relay}" is not an IPv4 address; write the DHCP server's address like 10.0.0.2.`));
      else relays.push({ node, dev, server, path: p });
      continue;
    }
    const pools = (s.pools ?? []).flatMap((t, i) => {
      const pool = parsePool(t, [...p, 'pools', i], f);
      return pool ? [pool] : [];
    });
    if (!s.pools?.length && !s.reservations?.length) f.push(error('E-DHCP-EMPTY', p, `the DHCP scope on ${node} ${dev} hands out nothing; add "pools: [192.168.1.100-192.168.1.199]" or "reservations", or "relay: <server address>" to relay instead.`, true));
    const reservations: DhcpReservation[] = [];
    (s.reservations ?? []).forEach((r, i) => {
      const rp = [...p, 'reservations', i];
      const ip = parseIp(r.address);
      if (ip === undefined) {
        f.push(error('E-BAD-IP', [...rp, 'address'], `"${r.address}" is not an IPv4 address; write it like 192.168.1.10.`));
        return;
      }
      const out: DhcpReservation = { ip, path: rp };
      if ((r.mac === undefined) === (r.client === undefined)) {
        f.push(error('E-DHCP-RESERVATION', rp, `a reservation names its client by "mac" (52:54:00:12:34:56) or by "client" (node:interface), exactly one of them.`, true));
        return;
      }
      if (r.mac !== undefined) out.mac = r.mac.toLowerCase();
      if (r.client !== undefined) {
        const k = r.client.indexOf(':');
        out.client = k > 0 ? { node: r.client.slice(0, k), iface: r.client.slice(k + 1) } : { node: r.client, iface: '' };
      }
      reservations.push(out);
    });
    const scope: DhcpScope = { node, dev, pools, reservations, lease: s.lease ?? DEFAULT_LEASE, path: p };
    if (s.lease !== undefined && s.lease < MIN_LEASE) f.push(error('E-DHCP-LEASE', [...p, 'lease'], `a lease of ${s.lease} s is shorter than dnsmasq hands out; use at least ${MIN_LEASE}.`, true));
    if (s.subnet !== undefined) {
      const c = parseCidr(s.subnet);
      if (!c) f.push(error('E-BAD-CIDR', [...p, 'subnet'], `"${s.subnet}" is not an IPv4 prefix; write it like 192.168.20.0/24.`));
      else scope.subnet = c;
    }
    if (s.router !== undefined) {
      const r = parseIp(s.router);
      if (r === undefined) f.push(error('E-BAD-IP', [...p, 'router'], `"${s.router}" is not an IPv4 address; write it like 192.168.1.1.`));
      else scope.router = r;
    }
    if (s.dns !== undefined) {
      scope.dns = s.dns.flatMap((t, i) => {
        const v = parseIp(t);
        if (v === undefined) f.push(error('E-BAD-IP', [...p, 'dns', i], `"${t}" is not an IPv4 address; write it like 192.168.1.1.`));
        return v === undefined ? [] : [v];
      });
    }
    if (s.domain !== undefined) scope.domain = s.domain;
    scopes.push(scope);
  }
  return { scopes, relays };
}

function parsePool(t: string, path: PathSeg[], f: Finding[]): DhcpPool | undefined {
  const [a, b, ...rest] = t.split('-').map((x) => x.trim());
  const first = a === undefined ? undefined : parseIp(a);
  const last = b === undefined ? undefined : parseIp(b);
  if (rest.length || first === undefined || last === undefined) {
    f.push(error('E-DHCP-POOL', path, `"${t}" is not a pool; write its first and last address, like 192.168.1.100-192.168.1.199.`));
    return undefined;
  }
  if (last < first) {
    f.push(error('E-DHCP-POOL', path, `pool ${t} ends before it starts; write the lower address first: ${b}-${a}.`));
    return undefined;
  }
  return { first, last, text: `${a}-${b}`, path };
}

export function resolveDns(node: string, raw: z.infer<typeof Dns>, path: PathSeg[]): DnsService | undefined {
  if (raw === false) return undefined;
  const out: DnsService = { node, path };
  if (typeof raw === 'object' && raw.domain !== undefined) out.domain = raw.domain;
  return out;
}
