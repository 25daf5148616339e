// /etc/netns/<ns>/hosts: `ip netns exec` bind-mounts it over /etc/hosts, so `ping pc2` works
// inside the twin. Every namespace standing for a node learns every node's primary address
// (first address of its first endpoint); the design's own `hosts` entries come last and win.
import type { Plan } from '../plan/types.js';
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
    const ip = e.addresses[0]?.split('/')[0];
    if (ip && !primary.has(e.node)) primary.set(e.node, ip);
  }
  const extra = new Map<string, { name: string; ip: string }[]>();
  for (const o of plan.objects) if (o.kind === 'hosts') pushTo(extra, o.namespace, ...o.entries);
  const namespaces = plan.objects.flatMap((o) => (o.kind === 'netns' && (o.node || extra.has(o.name)) ? [o.name] : []));
  if (!primary.size && !extra.size) return [];
  // Most namespaces get the same text: build it once (N copies of N lines would be N² memory).
  const lines = [hostsHeader(plan.lab), '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const [name, ip] of [...primary].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`${ip}\t${name}`);
  const common = lines.join('\n') + '\n';
  return namespaces.map((ns) => {
    const own = extra.get(ns);
    return { namespace: ns, content: own ? common + own.map((e) => `${e.ip}\t${e.name}\n`).join('') : common };
  });
}
