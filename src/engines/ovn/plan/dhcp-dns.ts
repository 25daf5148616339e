// DHCP and DNS of the design (docs/dhcp-dns.md) with OVN's own features (docs/ovn.md):
//  - DHCP: OVN's native DHCP. Each scope that serves a client is a DHCP_Options row (its subnet,
//    server address and MAC, lease time, router, DNS servers, domain); each client's switch port
//    lists "MAC IP" and names that row, and ovn-controller answers the client's DHCP on its own
//    chassis. OVN gives a port one fixed address, so vnetmap chooses it: the reservation for a
//    reserved client, else the address model/leases.ts's assignLeases() gave it (the first free
//    one of the right pool — the scope of the client's broadcast domain, or the remote scope its
//    relay points at), the one expect and trace already assume. The client itself still runs
//    busybox udhcpc in its namespace (plan/dhcp-dns.ts, the kernel engine's) and leases it.
//  - DNS: OVN's DNS table. The service's names (model/dns-names.ts: what its dnsmasq would
//    answer) are one DNS row, on the logical switches of the hosts the design lets reach the
//    server on UDP port 53: ovn-controller answers their queries for those names on their own
//    chassis, and the queries never reach the server. The server node still runs the design's
//    dnsmasq (DNS only: OVN does the DHCP) for what OVN does not answer: its own lookups, which
//    cross no switch, and names OVN does not hold (dnsmasq says they do not exist, as in the
//    design; it would not otherwise know the pool clients, so its hosts file names them too).
//    A DNS service on a router or L3 switch is the DNS rows alone (a logical router runs no
//    program); the plan lists it (Plan.dns) so that hosts' resolv.conf and verify find it.
// What OVN cannot reproduce is refused by name (refuseDhcpDns); what it reproduces differently
// is a deviation, so `plan --explain` says it.
import { formatIp, formatNet } from '../../../model/ip.js';
import { dnsAnswers } from '../../../model/dns-names.js';
import { dhcpView, routerOption, type PlacedScope } from '../../../model/leases.js';
import type { Design, DesignNode } from '../../../model/types.js';
import { isRouted } from '../../../model/types.js';
import { DNSMASQ, dnsmasqListening } from '../../../plan/dhcp-dns.js';
import { ifaceRef, nodeRef } from '../../../plan/refs.js';
import type { DaemonObj, Deviation, Plan } from '../../../plan/types.js';
import { roundTrip } from '../../../semantics/forward.js';
import { designModel } from '../../../semantics/from-design.js';
import { UserError } from '../../../errors.js';
import { lrpName, vifName } from './names.js';
import type { DhcpOptions, DnsRecords, LogicalObject } from './types.js';

export interface DhcpDnsCtx {
  lab: string;
  design: Design;
  /** Logical switch of a design interface ref. */
  switchOf(ref: string): string | undefined;
  /** The plan's logical objects so far (its client ports are changed in place). */
  logical: LogicalObject[];
}

const hasServices = (d: Design): boolean => d.nodes.some((n) => isRouted(n) && (n.dhcp || n.dns || n.interfaces.some((i) => i.dhcp)));

/**
 * What OVN cannot build faithfully, refused before anything is compiled: more than one DNS
 * service (OVN answers a query from every DNS row of the switch, whichever server it was sent
 * to), and DHCP served or relayed by a node with a firewall (OVN answers at the client's port,
 * before any firewall could drop the request).
 */
export function refuseDhcpDns(d: Design): void {
  if (!hasServices(d)) return;
  const dns = d.nodes.filter((n) => isRouted(n) && n.dns);
  if (dns.length > 1)
    throw new UserError(`the OVN engine answers DNS in its logical switches, from every DNS row a switch has, whichever server a query is sent to; the design has ${dns.length} DNS services (${dns.map((n) => n.name).join(', ')}), which OVN cannot keep apart. Keep one "dns:" service, or build it with the kernel engine (leave out --engine ovn).`);
  const view = dhcpView(d);
  const walled = new Set<string>();
  for (const c of view.clients) {
    for (const node of [c.scope?.scope.node, c.relay?.relay.node]) {
      const n = node ? d.nodes.find((x) => x.name === node) : undefined;
      if (n && isRouted(n) && n.firewall) walled.add(n.name);
    }
  }
  if (walled.size)
    throw new UserError(`the OVN engine answers DHCP at each client's switch port (OVN's native DHCP), before any firewall could see the request, and ${[...walled].join(', ')} serve${walled.size > 1 ? '' : 's'} or relay${walled.size > 1 ? '' : 's'} DHCP behind a "firewall:"; the twin could lease where the design does not. Build it with the kernel engine (leave out --engine ovn), or leave out that node's firewall.`);
}

/**
 * Adds the DHCP_Options and DNS rows, points the clients' ports at them, and swaps the kernel
 * engine's dnsmasq daemons in `local` (DHCP servers and relays, DNS) for a DNS server's dnsmasq
 * that answers DNS only (none for a router). Returns the deviations that say so.
 */
export function realizeDhcpDns(c: DhcpDnsCtx, local: Plan): Deviation[] {
  if (!hasServices(c.design)) return [];
  const deviations: Deviation[] = [];
  const dhcp = realizeDhcp(c);
  if (dhcp) deviations.push(dhcp);
  local.objects = local.objects.filter((o) => !(o.kind === 'daemon' && (o.role === 'dhcp-server' || o.role === 'dhcp-dns' || o.role === 'dns')));
  const dnsNode = c.design.nodes.find((n) => isRouted(n) && n.dns);
  if (dnsNode && isRouted(dnsNode)) deviations.push(realizeDns(c, local, dnsNode));
  return deviations;
}

/** Clients the deviation names one by one. */
const SHOWN = 8;

function realizeDhcp(c: DhcpDnsCtx): Deviation | undefined {
  const view = dhcpView(c.design);
  const ports = new Map(c.logical.flatMap((o) => (o.kind === 'lsp' && o.node ? [[`${o.node}/${o.dev}`, o] as const] : [])));
  const rows = new Map<PlacedScope, DhcpOptions>();
  const given: string[] = [];
  for (const cl of view.clients) {
    const ps = cl.scope;
    const lease = cl.iface.lease;
    const addr = cl.iface.addresses[0];
    const port = ports.get(`${cl.node}/${cl.iface.name}`);
    if (!ps?.subnet || !lease || !addr || !port) continue; // no server (validation said so), or no cable: nothing answers it
    let row = rows.get(ps);
    if (!row) {
      row = { kind: 'dhcp', name: `${c.lab}.dhcp.${ps.scope.node}.${ps.scope.dev}`, cidr: formatNet(ps.subnet), options: scopeOptions(c, ps, cl.relay), realizes: [`dhcp:${ps.scope.node}/${ps.scope.dev}`, ...(cl.relay ? [`relay:${cl.relay.relay.node}/${cl.relay.relay.dev}`] : [])] };
      rows.set(ps, row);
      c.logical.push(row);
    }
    const mac = port.addresses[0]!;
    port.addresses = [`${mac} ${formatIp(addr.ip)}`];
    port.dhcp = row.name;
    given.push(`${cl.node} ${cl.iface.name} ${formatIp(addr.ip)} (${lease.reserved !== undefined ? 'reserved' : `pool ${lease.pools}`})`);
  }
  if (!rows.size) return undefined;
  const servers = [...rows.keys()].map((ps) => `${ps.scope.node} ${ps.scope.dev}`);
  const relayed = view.clients.some((cl) => cl.relay && cl.iface.lease);
  // A big lab's clients are many: the first few here, every one on its switch port (`vnetmap plan`).
  const shown = given.length > SHOWN + 1 ? [...given.slice(0, SHOWN), `and ${given.length - SHOWN} more (each on its switch port: vnetmap plan --engine ovn)`] : given;
  return {
    code: 'ovn-dhcp-native',
    message: `ovn: OVN's native DHCP answers each client at its own switch port, instead of the design's DHCP server${servers.length > 1 ? 's' : ''} (${servers.join(', ')}${relayed ? '; requests cross no relay' : ''}), and it gives each port one address, which vnetmap chose: ${shown.join(', ')}. The clients still lease it with a DHCP client; OVN's switch answers ARP for those addresses itself.`,
    realizes: [...new Set([...rows.values()].flatMap((r) => r.realizes))],
  };
}

/** DHCP_Options options of a scope: what the design's dnsmasq would hand out (plan/dhcp-dns.ts scopeLines). */
function scopeOptions(c: DhcpDnsCtx, ps: PlacedScope, relay: ReturnType<typeof dhcpView>['clients'][number]['relay']): Record<string, string> {
  const s = ps.scope;
  const server = c.design.nodes.find((n) => n.name === s.node)!;
  // The address the client sees as its server (the DHCP server identifier): the serving
  // interface's for a local scope; the server's own, which the relay names, for a remote one.
  const serverId = relay ? relay.relay.server : ps.own!.ip;
  // Replies come from the port the client's requests reach first: the relay's, or the server's.
  const macOf = (node: string, dev: string): string | undefined => {
    const lrp = c.logical.find((o) => o.kind === 'lrp' && o.name === lrpName(c.lab, node, dev));
    if (lrp?.kind === 'lrp') return lrp.mac;
    const lsp = c.logical.find((o) => o.kind === 'lsp' && o.name === vifName(c.lab, node, dev));
    return lsp?.kind === 'lsp' ? lsp.addresses[0]?.split(' ')[0] : undefined;
  };
  const mac = relay ? macOf(relay.relay.node, relay.relay.dev) : macOf(s.node, s.dev);
  const out: Record<string, string> = { lease_time: String(s.lease), server_id: formatIp(serverId), server_mac: mac ?? '' };
  const router = routerOption(ps, relay);
  if (router !== undefined) out.router = formatIp(router);
  const dns = s.dns ?? (isRouted(server) && server.dns && ps.own ? [ps.own.ip] : []);
  if (dns.length) out.dns_server = dns.length === 1 ? formatIp(dns[0]!) : `{${dns.map(formatIp).join(', ')}}`;
  if (s.domain) out.domain_name = JSON.stringify(s.domain);
  return out;
}

type DnsNode = Extract<DesignNode, { kind: 'host' | 'server' | 'external' | 'vm' | 'router' | 'l3-switch' }>;

function realizeDns(c: DhcpDnsCtx, local: Plan, n: DnsNode): Deviation {
  const d = c.design;
  // The addresses it answers on: fixed addresses of its interfaces, then its SVIs' (plan/dhcp-dns.ts nodeAddresses).
  const own = [...n.interfaces.filter((i) => !i.dhcp).flatMap((i) => i.addresses), ...(n.kind === 'l3-switch' ? n.svis.flatMap((s) => s.addresses) : [])];
  const addresses = own.map((a) => formatIp(a.ip));
  const domain = n.dns!.domain;
  const answers = dnsAnswers(d, n.name);
  const records: Record<string, string> = {};
  for (const [name, ip] of answers) records[name] = ip;
  // With a domain, dnsmasq answers every simple name with the domain too (expand-hosts).
  if (domain) for (const [name, ip] of answers) if (!name.includes('.') && !records[`${name}.${domain}`]) records[`${name}.${domain}`] = ip;
  // The switches of the hosts whose queries reach the server, as the design routes (and filters)
  // them, to the address their resolv.conf names first (render/hosts.ts: one on their own subnet).
  const model = designModel(d);
  const served = new Map<string, string[]>();
  const cut = new Map<string, string[]>();
  for (const x of d.nodes) {
    if (!isRouted(x) || x.kind === 'router' || x.kind === 'l3-switch' || x.name === n.name) continue;
    const ifs = x.interfaces.filter((i) => i.addresses.length);
    const src = ifs[0]?.addresses[0]?.ip;
    const asked = own.find((a) => ifs.some((i) => i.addresses.some((b) => b.network === a.network && b.prefix === a.prefix))) ?? own[0];
    if (src === undefined || asked === undefined) continue;
    const reach = roundTrip(model, x.name, src, asked.ip, 'udp', 53, false).ok;
    for (const i of ifs) {
      const ls = c.switchOf(ifaceRef(x.name, i.name));
      if (ls) (reach ? served : cut).set(ls, [...((reach ? served : cut).get(ls) ?? []), x.name]);
    }
  }
  const mixed = [...served.keys()].filter((ls) => cut.has(ls));
  if (mixed.length) {
    const ls = mixed[0]!;
    throw new UserError(`the OVN engine answers DNS in the logical switch of a broadcast domain, for every host on it alike; on ${ls}, ${served.get(ls)!.join(', ')} reach${served.get(ls)!.length > 1 ? '' : 'es'} ${n.name}'s DNS service and ${cut.get(ls)!.join(', ')} do${cut.get(ls)!.length > 1 ? '' : 'es'} not (a route or a firewall of the design decides), which OVN cannot tell apart. Build it with the kernel engine (leave out --engine ovn).`);
  }
  const switches = [...served.keys()].sort();
  c.logical.push({ kind: 'dns', name: `${c.lab}.dns.${n.name}`, records, switches, realizes: [`dns:${n.name}`] } satisfies DnsRecords);
  const service = { node: n.name, addresses, ...(domain ? { domain } : {}) };
  const where = `OVN's DNS table, on ${switches.join(', ') || 'no switch'}: the hosts there reach ${n.name} in the design`;
  const ns = local.objects.find((o) => o.kind === 'netns' && o.node === n.name);
  if (!ns || ns.kind !== 'netns') {
    // A logical router runs no program: the service is the DNS rows alone.
    local.dns = [...(local.dns ?? []), service];
    return {
      code: 'ovn-dns-native',
      message: `ovn: OVN's logical switches answer the DNS queries of their hosts for ${n.name}'s ${Object.keys(records).length} names themselves (${where}), whatever address a query is sent to; ${n.name} is a logical router and runs no DNS server, so a query for another name gets "port unreachable" from it where the design's would say the name does not exist.`,
      realizes: [`dns:${n.name}`, nodeRef(n.name)],
    };
  }
  // A server or host keeps the design's dnsmasq (DNS only) for what OVN does not answer.
  const devs = n.interfaces.filter((i) => i.addresses.length).map((i) => i.name);
  const conf = [
    `# vnetmap lab ${d.name}: dnsmasq of ${n.name} (DNS; OVN's logical switches answer the names they hold first); only this file configures it`,
    ...dnsmasqListening(devs),
    ...(domain ? [`domain=${domain}`, `local=/${domain}/`] : []),
    '',
  ].join('\n');
  const hosts = [`# vnetmap lab ${d.name}: the names ${n.name} answers (OVN's DNS table holds the same)`, ...Object.entries(records).map(([name, ip]) => `${ip}\t${name}`)].join('\n') + '\n';
  local.objects.push({ kind: 'daemon', namespace: ns.name, name: `dnsmasq-${n.name}`, argv: DNSMASQ(['--addn-hosts={dir}/hosts']), files: [{ name: 'dnsmasq.conf', content: conf }, { name: 'hosts', content: hosts }], role: 'dns', dns: service, realizes: [nodeRef(n.name), `dns:${n.name}`] } satisfies DaemonObj);
  return {
    code: 'ovn-dns-native',
    message: `ovn: OVN's logical switches answer the DNS queries of their hosts for ${n.name}'s ${Object.keys(records).length} names themselves (${where}), whatever address a query is sent to, so those never reach ${n.name}; its dnsmasq answers the rest (other names, and ${n.name}'s own lookups).`,
    realizes: [`dns:${n.name}`, nodeRef(n.name)],
  };
}
