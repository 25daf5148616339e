// Addresses as a network engineer would check them on paper: each one is usable by a host,
// each one is unique in its broadcast domain (sites behind NAT may reuse private ones), and one device never has two interfaces in one subnet.
import { broadcastOf, formatIp, formatNet, overlaps, lacksHostBits, specialAddress } from '../ip.js';
import { error, warning, type Finding } from '../problems.js';
import type { Design } from '../types.js';
import { addrAt, allHolders, domainsOf, holdersOf, type AddrHolder } from './util.js';

export function checkAddresses(d: Design): Finding[] {
  const f: Finding[] = [];
  const holders = allHolders(d);
  const { of } = domainsOf(d);
  const seen = new Map<number, { where: string; node: string; dom: number | undefined }>();
  for (const h of holders) {
    h.addresses.forEach((c, k) => {
      const path = addrAt(h, k);
      const special = specialAddress(c.ip);
      if (special) f.push(error('E-ADDR-RESERVED', path, `${formatIp(c.ip)} is ${special}, not an address of a network interface; use a unicast address, e.g. from 10.0.0.0/8 or 192.168.0.0/16.`));
      else if (lacksHostBits(c)) {
        const which = c.ip === c.network ? 'network' : 'broadcast';
        f.push(
          error('E-ADDR-NO-HOST', path, `${c.text} is the ${which} address of ${formatNet(c)}, which no interface can use; pick one from ${formatIp(c.network + 1)} to ${formatIp(broadcastOf(c) - 1)}.`),
        );
      }
      const where = `${h.node} ${h.dev}`;
      const dom = of.get(h.ref);
      const first = seen.get(c.ip);
      if (!first) seen.set(c.ip, { where, node: h.node, dom });
      else if (first.node === h.node || first.dom === undefined || first.dom === dom) {
        f.push(error('E-DUP-ADDRESS', path, `${formatIp(c.ip)} on ${where} is already used by ${first.where}${first.node === h.node || first.dom === undefined ? '' : ' in the same broadcast domain'}; give each interface its own address.`));
      } else {
        // Sites behind their own NAT routers often reuse the same private addresses.
        f.push(
          warning('W-DUP-ADDRESS', path, `${formatIp(c.ip)} on ${where} is also used by ${first.where}, in another broadcast domain; fine for sites behind separate NAT routers, but a router that can reach both reaches only one of them, so give it another address if they should talk.`),
        );
      }
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
