// Extra /etc/hosts entries ("hosts:" on a node). Their names and addresses are written into a
// file of every namespace of the node, and into the bash script vnetmap exports; only host
// names and IPv4 addresses may go there, so a hosts file can never carry anything else.
import { parseIp } from '../ip.js';
import { error, type Finding } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
export const HOSTNAME_MAX = 253;
export const HOSTNAME_LABEL_MAX = 63;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

export const isHostname = (s: string): boolean =>
  s.length <= HOSTNAME_MAX && s.split('.').every((l) => l.length <= HOSTNAME_LABEL_MAX && LABEL_RE.test(l));

export function checkHosts(d: Design): Finding[] {
  const f: Finding[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    for (const [name, ip] of Object.entries(n.hosts)) {
      const path = [...n.path, 'hosts', name];
      if (!isHostname(name)) {
        f.push(
          error('E-HOSTNAME', path, `"${name}" is not a host name: use labels of letters, digits and hyphens (not first or last), each at most ${HOSTNAME_LABEL_MAX} characters, joined by dots, at most ${HOSTNAME_MAX} in all (RFC 1123), e.g. "web-1.lab".`, true),
        );
      }
      if (parseIp(ip) === undefined) f.push(error('E-BAD-IP', path, `"${ip}" is not an IPv4 address for host name entry ${name}; write it like 192.168.1.10.`));
    }
  }
  return f;
}
