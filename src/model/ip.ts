// IPv4 arithmetic on 32-bit unsigned numbers. Small on purpose: the design language needs
// parsing, prefix math and containment, nothing more.

export interface Cidr {
  /** The address as written, e.g. "192.168.1.10/24". */
  text: string;
  ip: number;
  prefix: number;
  /** Network address (ip with host bits cleared). */
  network: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  return { text: s, ip, prefix, network: networkOf(ip, prefix) };
}

export const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
export const networkOf = (ip: number, prefix: number): number => (ip & mask(prefix)) >>> 0;
export const broadcastOf = (c: Cidr): number => (c.network | (~mask(c.prefix) >>> 0)) >>> 0;

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export const formatNet = (c: { network: number; prefix: number }): string => `${formatIp(c.network)}/${c.prefix}`;

export function contains(net: { network: number; prefix: number }, ip: number): boolean {
  return networkOf(ip, net.prefix) === net.network;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return networkOf(a.ip, p) === networkOf(b.ip, p);
}

/** True when the address is the network or broadcast address of a subnet that has hosts. */
export function lacksHostBits(c: Cidr): boolean {
  if (c.prefix >= 31) return false;
  return c.ip === c.network || c.ip === broadcastOf(c);
}

const PRIVATE: Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((s) => parseCidr(s)!);
export const isPrivate = (ip: number): boolean => PRIVATE.some((n) => contains(n, ip));

/**
 * Why no interface can have this address, or undefined for an ordinary one. Linux accepts
 * most of these on an interface, but none makes a host of the real network, and it refuses
 * the multicast, 0.x and broadcast ones as a gateway ("Nexthop has invalid gateway").
 */
export function specialAddress(ip: number): string | undefined {
  const first = ip >>> 24;
  if (first === 0) return 'in 0.0.0.0/8, which means "this network" and is no host\'s';
  if (first === 127) return 'a loopback address (127.0.0.0/8), which only lo has';
  if (first >= 224 && first <= 239) return 'a multicast address (224.0.0.0/4)';
  if (ip === 0xffffffff) return 'the broadcast address of every network';
  return undefined;
}
