// Tunnel links (tunnel: on a link, docs/routing.md): the options their kind has, VNIs that are
// set, in range and not shared at one node, ends that have an underlay address to send from,
// an underlay that carries the tunnel, and inner MTUs the underlay fits.
import { formatIp } from '../ip.js';
import { error, warning, type Finding } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';
import { L2_TUNNELS } from '../limits.js';
import { designModel } from '../../semantics/from-design.js';
import { OVERHEAD, tunnelPorts, uncarriedLinks, underlayOf } from '../../semantics/tunnels.js';

export const VNI_MAX = 16_777_215;
const UNDERLAY_MTU = 1500;

export function checkTunnels(d: Design): Finding[] {
  const f: Finding[] = [];
  const tunnels = d.links.filter((l) => l.tunnel);
  if (!tunnels.length) return f;
  const ports = tunnelPorts(d);
  const vnis = new Map<string, number>(); // node|vni -> link index
  let ok = true;
  for (const l of tunnels) {
    const t = l.tunnel!;
    if (t.kind === 'vxlan') {
      if (t.vni === undefined) (f.push(error('E-TUNNEL-VNI', t.path, `link ${l.index} is a VXLAN tunnel without a VNI; add e.g. "vni: ${100 + l.index}" (1-${VNI_MAX}), one per stretched network.`)), (ok = false));
      else if (t.vni < 1 || t.vni > VNI_MAX) (f.push(error('E-TUNNEL-VNI', [...t.path, 'vni'], `VNI ${t.vni} is outside 1-${VNI_MAX}.`)), (ok = false));
      else
        for (const e of l.ends) {
          const k = `${e.node}|${t.vni}`;
          const other = vnis.get(k);
          if (other !== undefined && other !== l.index) (f.push(error('E-TUNNEL-VNI-DUP', [...t.path, 'vni'], `VNI ${t.vni} is already the VNI of link ${other}, which also ends at ${e.node}: the kernel has one VXLAN device per VNI and port there, and the two networks would merge; give this tunnel another VNI.`)), (ok = false));
          else vnis.set(k, l.index);
        }
    } else if (t.vni !== undefined) f.push(error('E-TUNNEL-OPTION', [...t.path, 'vni'], `"vni" is for VXLAN tunnels; a ${t.kind} tunnel has none: remove it${t.kind === 'gre' || t.kind === 'gretap' ? ' (GRE has "key")' : ''}.`));
    if (t.key !== undefined && t.kind !== 'gre' && t.kind !== 'gretap') f.push(error('E-TUNNEL-OPTION', [...t.path, 'key'], `"key" is for GRE tunnels (gre, gretap); remove it from this ${t.kind} tunnel.`));
    if (t.port !== undefined && (t.kind === 'gre' || t.kind === 'gretap' || t.kind === 'ipip')) f.push(error('E-TUNNEL-OPTION', [...t.path, 'port'], `${t.kind === "ipip" ? "an" : "a"} ${t.kind} tunnel has no UDP port; remove "port".`));
    for (const e of l.ends) {
      const n = d.nodes.find((x) => x.name === e.node);
      if (!n) continue;
      if (!isRouted(n) || underlayOf(d, e, ports) === undefined) {
        f.push(error('E-TUNNEL-ENDPOINT', e.path, `${e.node} has no address outside its tunnels to send the ${t.kind} tunnel from; a tunnel ends at a router, L3 switch, host or server with an address in the routed network${isRouted(n) ? ': give it one' : ''}.`));
        ok = false;
      } else if (e.local !== undefined && !n.interfaces.some((i) => i.addresses.some((a) => a.ip === e.local)) && !(n.kind === 'l3-switch' && n.svis.some((s) => s.addresses.some((a) => a.ip === e.local))))
        (f.push(error('E-TUNNEL-ENDPOINT', [...e.path, 'local'], `${formatIp(e.local)} is not an address of ${e.node}; "local" names the address this end sends from.`)), (ok = false));
    }
    const inner = l.mtu ?? UNDERLAY_MTU;
    if (L2_TUNNELS.includes(t.kind) && inner + OVERHEAD[t.kind] > UNDERLAY_MTU)
      f.push(warning('W-TUNNEL-MTU', l.mtu !== undefined ? [...l.path, 'mtu'] : t.path, `a ${t.kind} tunnel adds ${OVERHEAD[t.kind]} bytes, so over a ${UNDERLAY_MTU}-byte underlay it carries frames of at most ${UNDERLAY_MTU - OVERHEAD[t.kind]} bytes, and hosts on link ${l.index}'s network send ${inner}: larger packets are lost; set "mtu: ${UNDERLAY_MTU - OVERHEAD[t.kind]}" on the link and the interfaces behind it (the twin's tunnel devices have it).`));
  }
  // Only a well-formed set of tunnels is worth walking through the underlay.
  if (ok && !f.some((x) => x.severity === 'error'))
    for (const u of uncarriedLinks(d, (x) => designModel(x)))
      f.push(error('E-TUNNEL-UNREACHABLE', u.link.tunnel!.path, `the underlay does not carry link ${u.link.index}'s ${u.link.tunnel!.kind} tunnel: ${u.why}; give the ends routes to each other (gateway, routes or routing:), or name reachable addresses with "local".`));
  return f;
}
