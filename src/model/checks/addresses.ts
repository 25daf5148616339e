// Addresses as a network engineer would check them on paper: each one is usable by a host,
// each one is unique in the network, and one device never has two interfaces in one subnet.
import { broadcastOf, formatIp, formatNet, overlaps, lacksHostBits } from '../ip.js';
import { error, type Finding, type PathSeg } from '../problems.js';
import type { Design } from '../types.js';
import { addrAt, allHolders, holdersOf, type AddrHolder } from './util.js';

export function checkAddresses(d: Design): Finding[] {
  const f: Finding[] = [];
  const holders = allHolders(d);
  const seen = new Map<number, { where: string; path: PathSeg[] }>();
  for (const h of holders) {
    h.addresses.forEach((c, k) => {
      const path = addrAt(h, k);
      if (lacksHostBits(c)) {
        const which = c.ip === c.network ? 'network' : 'broadcast';
        f.push(
          error('E-ADDR-NO-HOST', path, `${c.text} is the ${which} address of ${formatNet(c)}, which no interface can use; pick one from ${formatIp(c.network + 1)} to ${formatIp(broadcastOf(c) - 1)}.`),
        );
      }
      const where = `${h.node} ${h.dev}`;
      const first = seen.get(c.ip);
      if (first) {
        f.push(error('E-DUP-ADDRESS', path, `${formatIp(c.ip)} on ${where} is already used by ${first.where}; every interface in the network needs its own address.`));
      } else seen.set(c.ip, { where, path });
    });
  }
  for (const n of d.nodes) checkOverlaps(holdersOf(n), f);
  return f;
}

/**
 * Two interfaces of one device in overlapping subnets leave the kernel two routes for the same
 * destinations: replies may leave by the wrong port. (Several addresses on one interface are fine.)
 */
function checkOverlaps(hs: AddrHolder[], f: Finding[]): void {
  for (let i = 0; i < hs.length; i++) {
    for (let j = i + 1; j < hs.length; j++) {
      const a = hs[i]!;
      const b = hs[j]!;
      b.addresses.forEach((cb, k) => {
        const ca = a.addresses.find((x) => overlaps(x, cb));
        if (!ca) return;
        f.push(
          error('E-SUBNET-OVERLAP', addrAt(b, k), `${b.node}'s ${b.dev} (${formatNet(cb)}) overlaps ${a.dev} (${formatNet(ca)}) on the same device; give each interface its own subnet.`),
        );
      });
    }
  }
}
