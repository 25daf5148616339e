// The leases of a running twin's DHCP clients, as their hook wrote them (plan/dhcp-dns.ts):
// `up` waits for them, `status` lists them, `verify` probes from the addresses they hold.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeTerms, inPools } from '../model/pools.js';
import { daemonDir } from '../paths.js';
import type { DaemonObj, Plan } from '../plan/types.js';

export interface LeaseStatus {
  daemon: string;
  node: string;
  iface: string;
  namespace: string | null;
  /** What the design says it gets. */
  terms: string;
  server: string;
  /** What it holds now (absent: no lease yet). */
  ip?: string;
  prefix?: number;
  router?: string;
  seconds?: number;
  /** The lease is one the design allows (its reservation, or an address of its pool). */
  fits?: boolean;
}

export const clientDaemons = (plan: Plan): DaemonObj[] => plan.objects.filter((o): o is DaemonObj => o.kind === 'daemon' && o.role === 'dhcp-client' && !!o.client);

/** The lease file a client's hook wrote, as key=value pairs; undefined while it has none. */
export function readLease(lab: string, daemon: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(daemonDir(lab, daemon), 'lease'), 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const k = line.indexOf('=');
    if (k > 0) out[line.slice(0, k)] = line.slice(k + 1);
  }
  return out.ip ? out : undefined;
}

export function leaseStatus(plan: Plan): LeaseStatus[] {
  return clientDaemons(plan).map((d) => {
    const c = d.client!;
    const terms = { pools: c.pools, ...(c.reserved !== undefined ? { reserved: c.reserved } : {}) };
    const l = readLease(plan.lab, d.name);
    const s: LeaseStatus = { daemon: d.name, node: c.node, iface: c.iface, namespace: d.namespace, terms: describeTerms(terms), server: c.server };
    if (l?.ip) {
      s.ip = l.ip;
      if (l.mask) s.prefix = Number(l.mask);
      if (l.router) s.router = l.router.split(' ')[0]!;
      if (l.lease) s.seconds = Number(l.lease);
      s.fits = inPools(terms, l.ip);
    }
    return s;
  });
}

/** "lease: pc1 eth0: 192.168.10.147/24 router 192.168.10.1, 3600 s (from core vlan10, pool …)", as `status` shows it. */
export function formatLease(l: LeaseStatus): string {
  const got = l.ip ? `${l.ip}/${l.prefix ?? '?'}${l.router ? ` router ${l.router}` : ''}${l.seconds ? `, ${l.seconds} s` : ''}${l.fits ? '' : ` - NOT ${l.terms}`}` : 'no lease';
  return `lease: ${l.node} ${l.iface}: ${got} (from ${l.server}, ${l.terms})`;
}

/** Wait until every DHCP client of the plan holds a lease, at most `timeoutMs`: how long it took, and who has none. */
export async function waitForLeases(plan: Plan, timeoutMs: number): Promise<{ clients: number; ms: number; missing: string[] }> {
  const t0 = Date.now();
  const names = clientDaemons(plan).map((d) => d.name);
  let missing = names;
  for (;;) {
    missing = missing.filter((n) => !readLease(plan.lab, n));
    if (!missing.length || Date.now() - t0 >= timeoutMs) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { clients: names.length, ms: Date.now() - t0, missing };
}
