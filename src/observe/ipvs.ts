// The IPVS table of one namespace as `ipvsadm -Sn` prints it (src/apply/ipvs-drift.ts compares
// it with the plan's IpvsObj). -S ("save") prints the rules in the form `ipvsadm -R` reads back,
// one command per line; -n keeps addresses and ports numeric (without it ipvsadm prints
// `:http` for port 80 and host names from the resolver). Format of ipvsadm 1.31 (Debian 12),
// from its print_service_entry:
//
//   -A -t 198.51.100.80:80 -s rr                      a TCP virtual service, its scheduler
//   -A -u 198.51.100.80:53 -s wrr -p 300 -M 255.255.255.0 --pe sip -b sh-port ops
//                                                      persistence (-p seconds, -M netmask),
//                                                      persistence engine, scheduler flags,
//                                                      one-packet scheduling (printed "ops")
//   -A -f 5 -s rr   /   -A -f 5 -6 -s rr               a firewall-mark service (IPv4 / IPv6)
//   -A -t [2001:db8::80]:80 -s rr                      IPv6 addresses in brackets
//   -a -t 198.51.100.80:80 -r 10.0.1.11:80 -m -w 1     a real server: -m masquerading (NAT),
//                                                      -g gatewaying (direct routing), -i IPIP
//   -a -t ... -r ... -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum
//
// Services come sorted, each followed by its real servers. Tokens are read by name, not by
// position, and anything unknown is kept (`other`) so that it shows as a difference rather
// than vanishing.

export type IpvsForward = 'masq' | 'route' | 'tunnel';

export interface SeenIpvsServer {
  /** "10.0.1.11:80" (IPv6: "[2001:db8::1]:80"), as ipvsadm prints it. */
  server: string;
  forward: IpvsForward | string;
  weight: number;
  /** Options after the weight (--tun-type gue ..., thresholds), joined by spaces. */
  other?: string;
}

export interface SeenIpvsService {
  /** "tcp 198.51.100.80:80", "udp [2001:db8::1]:53", "fwmark 5", "fwmark 5 ipv6". */
  key: string;
  /** ipvsadm's own words for the service: "-t 198.51.100.80:80", "-f 5 -6". */
  spec: string;
  scheduler: string;
  /** -p: persistence timeout in seconds. */
  persistent?: number;
  /** -M: persistence granularity. */
  netmask?: string;
  /** --pe: persistence engine. */
  pe?: string;
  /** -b: scheduler flags. */
  flags?: string;
  /** One-packet scheduling. */
  ops?: true;
  other?: string;
  servers: SeenIpvsServer[];
}

export const IPVS_SAVE_ARGV = ['ipvsadm', '-Sn'];

const FORWARDS: Record<string, IpvsForward> = { '-m': 'masq', '-g': 'route', '-i': 'tunnel' };

/** "tcp 10.0.0.1:80" for a service of the plan (an IPv6 address in brackets, as ipvsadm prints it). */
export function ipvsKey(protocol: 'tcp' | 'udp', vip: string, port: number): string {
  return `${protocol} ${hostPort(vip, port)}`;
}

export const hostPort = (addr: string, port: number): string => `${addr.includes(':') ? `[${addr}]` : addr}:${port}`;

/** ipvsadm's words for a service key: "tcp 10.0.0.1:80" -> ["-t", "10.0.0.1:80"]. */
export function ipvsSpec(key: string): string[] {
  const [kind, what, v6] = key.split(' ');
  if (kind === 'fwmark') return ['-f', what!, ...(v6 === 'ipv6' ? ['-6'] : [])];
  return [kind === 'udp' ? '-u' : '-t', what!];
}

/** Read the service part of a line: where its options start, its key and spec. */
function service(t: string[]): { key: string; spec: string; next: number } | undefined {
  if (t[1] === '-t' || t[1] === '-u') {
    if (!t[2]) return undefined;
    return { key: `${t[1] === '-t' ? 'tcp' : 'udp'} ${t[2]}`, spec: `${t[1]} ${t[2]}`, next: 3 };
  }
  if (t[1] === '-f' && t[2]) {
    const v6 = t[3] === '-6';
    return { key: `fwmark ${t[2]}${v6 ? ' ipv6' : ''}`, spec: `-f ${t[2]}${v6 ? ' -6' : ''}`, next: v6 ? 4 : 3 };
  }
  return undefined;
}

/** Every virtual service of `ipvsadm -Sn` output, by key. Lines it cannot read are returned in `unread`. */
export function parseIpvsSave(text: string): { services: Map<string, SeenIpvsService>; unread: string[] } {
  const services = new Map<string, SeenIpvsService>();
  const unread: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim().split(/\s+/).filter(Boolean);
    if (!t.length) continue;
    const svc = service(t);
    if (t[0] === '-A' && svc) {
      const s: SeenIpvsService = { key: svc.key, spec: svc.spec, scheduler: '', servers: [] };
      const other: string[] = [];
      for (let i = svc.next; i < t.length; i++) {
        const x = t[i]!;
        if (x === '-s') s.scheduler = t[++i] ?? '';
        else if (x === '-p') s.persistent = Number(t[++i]);
        else if (x === '-M') s.netmask = t[++i]!;
        else if (x === '--pe') s.pe = t[++i]!;
        else if (x === '-b') s.flags = t[++i]!;
        else if (x === 'ops' || x === '-o') s.ops = true;
        else other.push(x);
      }
      if (other.length) s.other = other.join(' ');
      services.set(s.key, s);
    } else if (t[0] === '-a' && svc && services.has(svc.key) && t[svc.next] === '-r' && t[svc.next + 1]) {
      const r: SeenIpvsServer = { server: t[svc.next + 1]!, forward: '', weight: NaN };
      const other: string[] = [];
      for (let i = svc.next + 2; i < t.length; i++) {
        const x = t[i]!;
        if (FORWARDS[x]) r.forward = FORWARDS[x];
        else if (x === '-w') r.weight = Number(t[++i]);
        else other.push(x);
      }
      if (other.length) r.other = other.join(' ');
      services.get(svc.key)!.servers.push(r);
    } else unread.push(line.trim());
  }
  return { services, unread };
}
