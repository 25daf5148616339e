// Whether an address is one a DHCP scope may hand a client: its reservation exactly, or an
// address of one of its pools ("first-last, first-last" as the plan's endpoints and daemons
// carry them). Pure: verify and status judge live leases with it.
import { parseIp } from './ip.js';

export interface LeaseTerms {
  pools: string;
  reserved?: string;
}

export function inPools(terms: LeaseTerms, ip: string): boolean {
  if (terms.reserved !== undefined) return ip === terms.reserved;
  const v = parseIp(ip);
  if (v === undefined) return false;
  return terms.pools.split(',').some((p) => {
    const [a, b] = p.trim().split('-').map((x) => parseIp(x.trim()));
    return a !== undefined && b !== undefined && a <= v && v <= b;
  });
}

/** "pool 192.168.1.100-192.168.1.199" or "reservation 192.168.1.50", for messages. */
export const describeTerms = (t: LeaseTerms): string => (t.reserved !== undefined ? `its reservation ${t.reserved}` : `pool ${t.pools}`);
