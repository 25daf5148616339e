// /etc/netns/<ns>/hosts: `ip netns exec` bind-mounts it over /etc/hosts, so `ping pc2` works.
import type { HostsObj } from '../plan/types.js';

export function renderHosts(o: HostsObj): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const e of o.entries) lines.push(`${e.ip}\t${e.name}`);
  return lines.join('\n') + '\n';
}
