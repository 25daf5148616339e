// Link-layer settings the kernel would refuse or that break a segment: MAC addresses that are
// malformed, multicast, all-zero or reused, and MTUs outside what Linux devices accept.
import { error, type Finding, type PathSeg } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';
import { ifaceRef, sviRef } from '../../semantics/domains.js';
import { domainsOf } from './util.js';

/** Smallest MTU an IPv4 interface may have (RFC 791) and the largest a veth/bridge takes. */
export const MTU_MIN = 68;
export const MTU_MAX = 65535;
/** The SR-IOV capability counts virtual functions in 16 bits. */
export const SRIOV_MAX = 65535;
/** What a Linux interface starts with when the design gives no MTU. */
export const MTU_DEFAULT = 1500;

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function checkInterfaces(d: Design): Finding[] {
  const f: Finding[] = [];
  const { of } = domainsOf(d);
  const macs = new Map<string, { where: string; node: string; dom: number | undefined }[]>();
  const mac = (m: string, node: string, dev: string, ref: string, path: PathSeg[]) => {
    if (!MAC_RE.test(m)) {
      f.push(error('E-BAD-MAC', path, `"${m}" is not a MAC address; write six hex pairs like 52:54:00:12:34:56.`));
      return;
    }
    // The low bit of the first octet marks group addresses; no interface may own one.
    if (parseInt(m.slice(0, 2), 16) & 1) {
      f.push(error('E-BAD-MAC', path, `${m} is a multicast MAC address, which Linux refuses for an interface; use a unicast one, e.g. 52:54:00${m.slice(8)}.`));
      return;
    }
    if (/^0{2}(:0{2}){5}$/.test(m)) {
      f.push(error('E-BAD-MAC', path, `${m} is the all-zero MAC address, which Linux refuses for an interface; use another, e.g. 52:54:00:00:00:01.`));
      return;
    }
    const where = `${node} ${dev}`;
    const dom = of.get(ref);
    const seen = macs.get(m.toLowerCase()) ?? [];
    // One device may use one MAC in several broadcast domains (an L3 switch's SVIs usually do):
    // no switch ever sees it twice. Two devices, or one device twice in one domain, may not.
    const clash = seen.find((s) => s.node !== node || s.dom === undefined || s.dom === dom);
    if (clash) {
      const why = clash.node === node ? 'both are in one broadcast domain, where a switch cannot tell them apart' : 'two interfaces with one MAC confuse every switch between them';
      f.push(error('E-DUP-MAC', path, `MAC ${m} of ${where} is already used by ${clash.where}; ${why}, change one.`));
    }
    seen.push({ where, node, dom });
    macs.set(m.toLowerCase(), seen);
  };
  const mtu = (v: number, path: PathSeg[]) => {
    if (v < MTU_MIN || v > MTU_MAX) f.push(error('E-MTU-RANGE', path, `MTU ${v} is outside ${MTU_MIN}-${MTU_MAX}, the range Linux accepts for IPv4 interfaces; use e.g. 1500 (or 9000 for jumbo frames).`));
  };
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    for (const i of n.interfaces) {
      if (i.mac !== undefined) mac(i.mac, n.name, i.name, ifaceRef(n.name, i.name), [...i.path, 'mac']);
      if (i.mtu !== undefined) mtu(i.mtu, [...i.path, 'mtu']);
      if (i.sriovVfs !== undefined && (i.sriovVfs < 0 || i.sriovVfs > SRIOV_MAX)) {
        f.push(error('E-SRIOV-RANGE', [...i.path, 'sriov-vfs'], `sriov-vfs ${i.sriovVfs} is outside 0-${SRIOV_MAX}, the number of virtual functions a PCI device can offer; use what the NIC offers, e.g. 8 (0 for none).`));
      }
    }
    if (n.kind === 'l3-switch') for (const s of n.svis) if (s.mac !== undefined) mac(s.mac, n.name, `vlan${s.vlan}`, sviRef(n.name, s.vlan), [...s.path, 'mac']);
  }
  for (const l of d.links) if (l.mtu !== undefined) mtu(l.mtu, [...l.path, 'mtu']);
  return f;
}
