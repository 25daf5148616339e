// Link-layer settings the kernel would refuse or that break a segment: MAC addresses that are
// malformed, multicast or reused, and MTUs outside what Linux devices accept.
import { error, type Finding, type PathSeg } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';

/** Smallest MTU an IPv4 interface may have (RFC 791) and the largest a veth/bridge takes. */
export const MTU_MIN = 68;
export const MTU_MAX = 65535;

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function checkInterfaces(d: Design): Finding[] {
  const f: Finding[] = [];
  const macs = new Map<string, string>();
  const mac = (m: string, where: string, path: PathSeg[]) => {
    if (!MAC_RE.test(m)) {
      f.push(error('E-BAD-MAC', path, `"${m}" is not a MAC address; write six hex pairs like 52:54:00:12:34:56.`));
      return;
    }
    // The low bit of the first octet marks group addresses; no interface may own one.
    if (parseInt(m.slice(0, 2), 16) & 1) {
      f.push(error('E-BAD-MAC', path, `${m} is a multicast MAC address, which Linux refuses for an interface; use a unicast one, e.g. 52:54:00${m.slice(8)}.`));
      return;
    }
    const key = m.toLowerCase();
    const first = macs.get(key);
    if (first) f.push(error('E-DUP-MAC', path, `MAC ${m} of ${where} is already used by ${first}; two interfaces with one MAC confuse every switch between them, change one.`));
    else macs.set(key, where);
  };
  const mtu = (v: number, path: PathSeg[]) => {
    if (v < MTU_MIN || v > MTU_MAX) f.push(error('E-MTU-RANGE', path, `MTU ${v} is outside ${MTU_MIN}-${MTU_MAX}, the range Linux accepts for IPv4 interfaces; use e.g. 1500 (or 9000 for jumbo frames).`));
  };
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    for (const i of n.interfaces) {
      if (i.mac !== undefined) mac(i.mac, `${n.name} ${i.name}`, [...i.path, 'mac']);
      if (i.mtu !== undefined) mtu(i.mtu, [...i.path, 'mtu']);
    }
    if (n.kind === 'l3-switch') for (const s of n.svis) if (s.mac !== undefined) mac(s.mac, `${n.name} vlan${s.vlan}`, [...s.path, 'mac']);
  }
  for (const l of d.links) if (l.mtu !== undefined) mtu(l.mtu, [...l.path, 'mtu']);
  return f;
}
