// DHCP and DNS of the twin (docs/dhcp-dns.md): one dnsmasq per serving node and namespace,
// configured only by the file vnetmap writes into its own directory (never /etc/dnsmasq.conf,
// never the system's instance), its leases beside it; and one DHCP client (busybox udhcpc) per
// `address: dhcp` interface, whose hook sets the leased address and default route in its
// namespace and writes what it got into its directory. All are plan DaemonObjs: started by
// `up`, watched by `status`, stopped by `down`.
import { formatIp, formatNet, mask } from '../model/ip.js';
import { dhcpView, routerOption, type PlacedScope } from '../model/leases.js';
import type { Design, DesignNode, Routed } from '../model/types.js';
import { isRouted } from '../model/types.js';
import type { Ctx } from './context.js';
import { gatewayRef, ifaceRef, nodeRef } from './refs.js';
import type { Place, Where } from './routing.js';
import type { DaemonObj } from './types.js';

type RoutedNode = Extract<DesignNode, Routed>;

/** dnsmasq: in the foreground, reading only our file; {dir} is the daemon's own directory. */
export const DNSMASQ = (extra: string[]): string[] => ['dnsmasq', '--keep-in-foreground', '--conf-file={dir}/dnsmasq.conf', ...extra];

/**
 * The lines every dnsmasq of the twin starts with: no system files, in the foreground as root,
 * logging to its log, answering only on these interfaces of its namespace (as they come and go).
 */
export const dnsmasqListening = (devs: string[]): string[] => ['no-resolv', 'no-hosts', 'no-poll', 'bind-dynamic', 'user=root', 'pid-file=', 'log-facility=-', ...devs.map((d) => `interface=${d}`)];

export function realizeDhcpDns(ctx: Ctx, n: RoutedNode, where: Where): void {
  const view = dhcpView(ctx.design);
  dnsmasqOf(ctx, n, where, view.scopes.filter((s) => s.scope.node === n.name), view);
  for (const i of n.interfaces) {
    if (!i.dhcp || !i.lease) continue;
    const p = where.iface(i.name);
    if (!p) continue;
    ctx.b.add(clientDaemon(n, i.name, p, i.lease, n.gatewayFromDhcp ? n.gateway : undefined));
  }
}

/** `router`: the default gateway its lease gives, when the design takes it from DHCP. */
function clientDaemon(n: RoutedNode, iface: string, p: Place, lease: NonNullable<Routed['interfaces'][number]['lease']>, router: number | undefined): DaemonObj {
  const route = router !== undefined;
  // -f: stay and renew; -t/-T/-A: three discovers a second apart, then two seconds' rest, again.
  const argv = ['busybox', 'udhcpc', '-f', '-i', p.dev, '-s', '{dir}/hook', '-x', `hostname:${n.name}`, '-t', '3', '-T', '1', '-A', '2'];
  const client: NonNullable<DaemonObj['client']> = { dev: p.dev, node: n.name, iface, subnet: formatNet(lease.subnet), pools: lease.pools, server: `${lease.server} ${lease.dev}` };
  if (lease.reserved !== undefined) client.reserved = formatIp(lease.reserved);
  if (router !== undefined) client.router = formatIp(router);
  // The terms in the hook's text: when the server's scope changes, the client is restarted (drift 'different daemon') and leases anew.
  const hook = clientHook(route).replace('dir=${0%/*}', `# lease terms: ${lease.reserved !== undefined ? `reserved ${formatIp(lease.reserved)}` : `pool ${lease.pools}`} of ${formatNet(lease.subnet)} from ${lease.server} ${lease.dev}\ndir=\${0%/*}`);
  return { kind: 'daemon', namespace: p.namespace, name: `dhcp-${n.name}-${iface}`, argv, files: [{ name: 'hook', content: hook, executable: true }], clears: ['lease'], role: 'dhcp-client', client, realizes: [ifaceRef(n.name, iface), ...(route ? [gatewayRef(n.name)] : [])] };
}

/**
 * The udhcpc hook (busybox passes the lease in its environment). It touches only its interface
 * in its own namespace, and the files beside it; the default route only when the design takes
 * the gateway from DHCP.
 */
export function clientHook(route: boolean): string {
  // Few processes: a hundred clients start at once on machines with two CPUs, and every program
  // started costs milliseconds there. Shell builtins read the old lease; the address this hook
  // set is remembered in `addr` (not cleared when the client is started again, unlike the
  // lease), so a first start flushes nothing and runs no program; one `ip -batch` sets address
  // and route; `mv` makes the lease file whole.
  return [
    '#!/bin/sh',
    '# vnetmap: DHCP client hook (busybox udhcpc -s). Sets the leased address on $interface in',
    '# this namespace, and writes the lease beside this file for vnetmap up, status and verify.',
    'dir=${0%/*}',
    'old=',
    'if [ -e "$dir/lease" ]; then while IFS== read -r k v; do [ "$k" = ip ] && old=$v; done < "$dir/lease"; fi',
    'case "$1" in',
    'deconfig)',
    "  # At start and after a lost lease: the interface holds no address but the lease's.",
    '  if [ -e "$dir/addr" ] || [ -e "$dir/lease" ]; then',
    '    ip -4 addr flush dev "$interface"',
    '    rm -f "$dir/lease" "$dir/addr"',
    '  fi',
    '  ;;',
    'bound|renew)',
    '  {',
    '    if [ -n "$old" ] && [ "$old" != "$ip" ]; then echo "addr flush dev $interface"; fi',
    '    echo "addr replace $ip/${mask:-24} dev $interface"',
    ...(route ? ['    if [ -n "$router" ]; then echo "route replace default via ${router%% *} dev $interface"; fi'] : []),
    '  } | ip -batch -',
    '  echo "$ip" > "$dir/addr"',
    '  printf "ip=%s\\nmask=%s\\nrouter=%s\\ndns=%s\\ndomain=%s\\nlease=%s\\nserverid=%s\\n" "$ip" "$mask" "$router" "$dns" "$domain" "$lease" "$serverid" > "$dir/lease.new"',
    '  mv "$dir/lease.new" "$dir/lease"',
    '  ;;',
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

function dnsmasqOf(ctx: Ctx, n: RoutedNode, where: Where, scopes: PlacedScope[], view: ReturnType<typeof dhcpView>): void {
  const relays = view.relays.filter((r) => r.relay.node === n.name);
  if (!scopes.length && !relays.length && !n.dns) return;
  const place = (dev: string): Place | undefined => (dev.startsWith('vlan') && n.kind === 'l3-switch' ? where.svi?.(Number(dev.slice(4))) : where.iface(dev));
  // One dnsmasq per namespace the node's serving interfaces live in (compact folds a router's LAN onto its bridge's namespace).
  const byNs = new Map<string, string[]>();
  const add = (ns: string, line: string) => (byNs.get(ns) ?? byNs.set(ns, []).get(ns)!).push(line);
  const home = ctx.ns(n.name);
  const devs = new Map<string, Set<string>>();
  const listen = (p: Place) => (devs.get(p.namespace) ?? devs.set(p.namespace, new Set()).get(p.namespace)!).add(p.dev);
  scopes.forEach((ps, k) => {
    const p = place(ps.scope.dev);
    if (!p || !ps.subnet) return;
    listen(p);
    for (const line of scopeLines(ctx.design, n, ps, `s${k}`, view)) add(p.namespace, line);
  });
  for (const r of relays) {
    const p = place(r.relay.dev);
    if (!p || !r.giaddr) continue;
    listen(p);
    add(p.namespace, `dhcp-relay=${formatIp(r.giaddr.ip)},${formatIp(r.relay.server)}`);
  }
  if (n.dns) {
    // DNS answers on every interface of the node that has an address.
    for (const i of n.interfaces) if (i.addresses.length && !i.dhcp) { const p = where.iface(i.name); if (p) listen(p); }
    if (n.kind === 'l3-switch') for (const s of n.svis) { const p = where.svi?.(s.vlan); if (p && s.addresses.length) listen(p); }
    if (!devs.size) devs.set(home, new Set());
  }
  const names = n.dns ? dnsNames(ctx.design, n.dns.domain) : '';
  let k = 0;
  for (const [ns, set] of devs) {
    const dns = !!n.dns && (ns === home || devs.size === 1);
    const dhcp = (byNs.get(ns) ?? []).length > 0;
    const conf = [
      `# vnetmap lab ${ctx.design.name}: dnsmasq of ${n.name} (${[dhcp ? 'DHCP' : '', dns ? 'DNS' : ''].filter(Boolean).join(' and ')}); only this file configures it`,
      ...dnsmasqListening([...set].sort()),
      ...(dns ? [...(n.dns!.domain ? [`domain=${n.dns!.domain}`, `local=/${n.dns!.domain}/`, 'expand-hosts'] : [])] : ['port=0']),
      ...(dhcp ? ['dhcp-authoritative', 'no-ping', ...byNs.get(ns)!] : []),
      '',
    ].join('\n');
    // dnsmasq reads its file as given: {dir} only works on the command line.
    const extra = [...(dhcp ? ['--dhcp-leasefile={dir}/leases'] : []), ...(dns ? ['--addn-hosts={dir}/hosts'] : [])];
    const files = [{ name: 'dnsmasq.conf', content: conf }, ...(dns ? [{ name: 'hosts', content: names }] : [])];
    const role: DaemonObj['role'] = dhcp && dns ? 'dhcp-dns' : dhcp ? 'dhcp-server' : 'dns';
    const answers = dns ? nodeAddresses(n).map(formatIp) : [];
    ctx.b.add({ kind: 'daemon', namespace: ns, name: `dnsmasq-${n.name}${k++ ? `-${k}` : ''}`, argv: DNSMASQ(extra), files, role, ...(dns ? { dns: { node: n.name, addresses: answers, ...(n.dns!.domain ? { domain: n.dns!.domain } : {}) } } : {}), realizes: [nodeRef(n.name), ...scopes.map((s) => `dhcp:${n.name}/${s.scope.dev}`), ...relays.map((r) => `relay:${n.name}/${r.relay.dev}`), ...(dns ? [`dns:${n.name}`] : [])] });
  }
}

function scopeLines(d: Design, n: RoutedNode, ps: PlacedScope, tag: string, view: ReturnType<typeof dhcpView>): string[] {
  const s = ps.scope;
  const net = ps.subnet!;
  const m = formatIp(mask(net.prefix));
  const lines = s.pools.map((p) => `dhcp-range=set:${tag},${formatIp(p.first)},${formatIp(p.last)},${m},${s.lease}`);
  if (!s.pools.length) lines.push(`dhcp-range=set:${tag},${formatIp(net.network)},static,${m},${s.lease}`);
  for (const r of s.reservations) {
    const mac = r.mac ?? clientMac(d, r.client);
    if (mac) lines.push(`dhcp-host=${mac},${formatIp(r.ip)},${s.lease}`);
  }
  const relay = ps.remote ? view.relays.find((r) => r.giaddr && net.network === (r.giaddr.network >>> 0) && net.prefix === r.giaddr.prefix) : undefined;
  const router = routerOption(ps, relay);
  if (router !== undefined) lines.push(`dhcp-option=tag:${tag},option:router,${formatIp(router)}`);
  const dns = s.dns ?? (n.dns && ps.own ? [ps.own.ip] : []);
  if (dns.length) lines.push(`dhcp-option=tag:${tag},option:dns-server,${dns.map(formatIp).join(',')}`);
  if (s.domain) lines.push(`dhcp-option=tag:${tag},option:domain-name,${s.domain}`);
  return lines;
}

/** A node's fixed addresses, interfaces first, then SVIs. */
const nodeAddresses = (n: RoutedNode): number[] => [...n.interfaces.filter((i) => !i.dhcp).flatMap((i) => i.addresses), ...(n.kind === 'l3-switch' ? n.svis.flatMap((s) => s.addresses) : [])].map((a) => a.ip);

/** The MAC of a reservation's `client:` interface (assignLeases gave DHCP clients one). */
function clientMac(d: Design, c: { node: string; iface: string } | undefined): string | undefined {
  const n = c && d.nodes.find((x) => x.name === c.node);
  if (!n || !isRouted(n)) return undefined;
  const i = n.interfaces.find((x) => (c!.iface ? x.name === c!.iface : x.dhcp));
  return i?.mac?.toLowerCase();
}

/**
 * The names a DNS service answers: every node with an address known before it runs (fixed, or
 * reserved by DHCP) by its first address, then every node's `hosts` entries. Pool clients are
 * named by their DHCP requests to this same dnsmasq, when it serves them.
 */
export function dnsNames(d: Design, domain?: string): string {
  const lines = [`# vnetmap lab ${d.name}: the design's names`];
  const seen = new Set<string>();
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    const first = [...n.interfaces.filter((i) => !i.dhcp || i.lease?.reserved !== undefined), ...(n.kind === 'l3-switch' ? n.svis : [])].find((i) => i.addresses.length)?.addresses[0];
    if (first) lines.push(`${formatIp(first.ip)}\t${n.name}${domain ? `\t${n.name}.${domain}` : ''}`);
    for (const [name, ip] of Object.entries(n.hosts)) if (!seen.has(`${name} ${ip}`)) (seen.add(`${name} ${ip}`), lines.push(`${ip}\t${name}`));
  }
  return lines.join('\n') + '\n';
}
