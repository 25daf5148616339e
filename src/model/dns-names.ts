// The names a DNS service of the design answers, with the address each resolves to: every node
// by its first fixed or reserved address (and, for a pool client, the address it leased from a
// scope of this same server: dnsmasq learns it from the request), then every node's `hosts`
// entries. Pure: verify checks the live twin against it (verify/dns-phase.ts), and the OVN
// engine writes it into OVN's DNS table (engines/ovn/plan/dhcp-dns.ts).
import { formatIp } from './ip.js';
import type { Design } from './types.js';
import { isRouted } from './types.js';

export function dnsAnswers(d: Design, server: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    // Fixed and reserved addresses are in the service's hosts file; pool clients are known to the
    // dnsmasq that leased them (by the name they send, their node's).
    const i = [...n.interfaces.filter((x) => !x.dhcp || x.lease?.reserved !== undefined || x.lease?.server === server), ...(n.kind === 'l3-switch' ? n.svis : [])].find((x) => x.addresses.length);
    if (i) out.set(n.name, formatIp(i.addresses[0]!.ip));
  }
  for (const n of d.nodes) if (isRouted(n)) for (const [name, ip] of Object.entries(n.hosts)) if (!out.has(name)) out.set(name, ip);
  return out;
}
