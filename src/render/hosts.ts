// /etc/netns/<ns>/hosts: `ip netns exec` bind-mounts it over /etc/hosts, so `ping pc2` works
// inside the twin. Every namespace standing for a node learns every node's primary address
// (first address of its first endpoint); the design's own `hosts` entries come last and win.
// Where the design has a DNS service, /etc/netns/<ns>/resolv.conf points there too (same
// header, same ownership rules: apply/names-dir.ts).
import { contains, parseCidr, parseIp } from '../model/ip.js';
import type { DaemonObj, Plan } from '../plan/types.js';
import { labMarker } from '../plan/names.js';
import { pushTo } from '../collections.js';

/**
 * The first line of every hosts file vnetmap writes: `up` overwrites and `down` removes only a
 * file that starts with it (a file a person put there is theirs, even under a lab's namespace name).
 */
export const hostsHeader = (lab: string): string => `# ${labMarker(lab)}: written by vnetmap for this lab; vnetmap rewrites and removes this file`;

export function hostsFiles(plan: Plan): { namespace: string; content: string }[] {
  const primary = new Map<string, string>();
  for (const e of plan.endpoints) {
    // A DHCP pool client's address is known only at run time: DNS names it (plan/dhcp-dns.ts).
    if (e.dhcp && e.dhcp.reserved === undefined) continue;
    const ip = e.addresses[0]?.split('/')[0];
    if (ip && !primary.has(e.node)) primary.set(e.node, ip);
  }
  const extra = new Map<string, { name: string; ip: string }[]>();
  for (const o of plan.objects) if (o.kind === 'hosts') pushTo(extra, o.namespace, ...o.entries);
  const namespaces = plan.objects.flatMap((o) => (o.kind === 'netns' && (o.node || extra.has(o.name)) ? [o.name] : []));
  // No name to write (every host leases from a pool): still a file where a DNS service names them, for resolv.conf beside it.
  if (!primary.size && !extra.size && !dnsServices(plan).length) return [];
  // Most namespaces get the same text: build it once (N copies of N lines would be N² memory).
  const lines = [hostsHeader(plan.lab), '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const [name, ip] of [...primary].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`${ip}\t${name}`);
  const common = lines.join('\n') + '\n';
  return namespaces.map((ns) => {
    const own = extra.get(ns);
    return { namespace: ns, content: own ? common + own.map((e) => `${e.ip}\t${e.name}\n`).join('') : common };
  });
}

/** The files vnetmap writes under /etc/netns/<ns>/. */
export type NamesFile = 'hosts' | 'resolv.conf';

/** resolv.conf holds at most three name servers (glibc's MAXNS). */
const MAXNS = 3;

/** The plan's DNS services: its daemons' (dnsmasq), and those it answers without one (Plan.dns). */
export const dnsServices = (plan: Plan): NonNullable<DaemonObj['dns']>[] => [...plan.objects.flatMap((o) => (o.kind === 'daemon' && o.dns ? [o.dns] : [])), ...(plan.dns ?? [])];

/**
 * /etc/netns/<ns>/resolv.conf of every namespace that gets a hosts file, when the plan has DNS
 * services: their addresses, those on one of the namespace's own subnets first, and their domains
 * to search.
 */
export function resolvFiles(plan: Plan): { namespace: string; content: string }[] {
  const services = dnsServices(plan);
  if (!services.length) return [];
  const nets = new Map<string, { network: number; prefix: number }[]>();
  for (const e of plan.endpoints) for (const a of e.addresses) {
    const c = parseCidr(a);
    if (c) (nets.get(e.namespace) ?? nets.set(e.namespace, []).get(e.namespace)!).push(c);
  }
  const search = [...new Set(services.flatMap((s) => (s.domain ? [s.domain] : [])))];
  return hostsFiles(plan).map(({ namespace }) => {
    const own = nets.get(namespace) ?? [];
    const near = (ip: string) => own.some((c) => contains(c, parseIp(ip) ?? -1));
    const servers: string[] = [];
    for (const s of services) {
      const here = s.addresses.find(near);
      if (here) servers.push(here);
    }
    for (const s of services) if (!s.addresses.some(near) && s.addresses[0]) servers.push(s.addresses[0]);
    const lines = [hostsHeader(plan.lab), ...[...new Set(servers)].slice(0, MAXNS).map((ip) => `nameserver ${ip}`), ...(search.length ? [`search ${search.join(' ')}`] : []), 'options timeout:1 attempts:2'];
    return { namespace, content: lines.join('\n') + '\n' };
  });
}

/** Every file vnetmap writes under /etc/netns: hosts files, then resolv.conf files. */
export function namesFiles(plan: Plan): { namespace: string; file: NamesFile; content: string }[] {
  return [...hostsFiles(plan).map((h) => ({ ...h, file: 'hosts' as const })), ...resolvFiles(plan).map((r) => ({ ...r, file: 'resolv.conf' as const }))];
}
