// VLANs as a whole: ids on VMs and SVIs, VLAN-aware ports that carry nothing, VLANs whose
// hosts have no router, and routed VLAN interfaces that no port carries.
import { ifaceRef, type Domain, type DomainResult } from '../../semantics/domains.js';
import { VLAN_MAX, VLAN_MIN } from '../limits.js';
import { error, warning, type Finding, type PathSeg } from '../problems.js';
import type { Design, LinkEnd, PortMode } from '../types.js';
import { isVlanAware } from '../types.js';
import { vlanRangeMessage } from './link-vlans.js';
import { domainsOf } from './util.js';
import { pushTo } from '../../collections.js';

export function checkVlans(d: Design): Finding[] {
  const f: Finding[] = [];
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  for (const n of d.nodes) {
    if (n.kind === 'vm') {
      for (const i of n.interfaces) if (i.vlan !== undefined && !inRange(i.vlan)) f.push(error('E-VLAN-RANGE', [...i.path, 'vlan'], vlanRangeMessage(i.vlan)));
    }
    if (n.kind === 'l3-switch') {
      // SVIs whose key is no VLAN id were reported and left out (resolve.ts).
      for (const s of n.svis) {
        if (!carriedBy(d, n.name, s.vlan)) {
          f.push(warning('W-SVI-UNUSED', s.path, `${n.name} has a VLAN ${s.vlan} interface but none of its ports carries VLAN ${s.vlan}, so it reaches no host; add ${s.vlan} to a port ("vlan: ${s.vlan}" or a trunk) or remove it.`, true));
        }
      }
    }
  }
  // Ports of VLAN-aware devices with neither access nor trunk settings drop every frame.
  for (const l of d.links) {
    for (const e of l.ends) {
      const n = byName.get(e.node);
      if (!n || !isVlanAware(n) || e.mode.mode !== 'plain') continue;
      if (n.kind === 'l3-switch' && n.interfaces.some((i) => i.name === e.port)) continue;
      f.push(
        warning('W-PORT-NO-VLAN', e.path, `${e.node}:${e.port} is a port of VLAN-aware ${n.kind} ${e.node} with no VLAN, so it carries nothing; add "vlan: <id>" (access) or "trunk: [...]" to link ${l.index}.`),
      );
    }
  }
  noRouter(d, domainsOf(d), f);
  return f;
}

const inRange = (v: number) => Number.isInteger(v) && v >= VLAN_MIN && v <= VLAN_MAX;

function vlansOf(m: PortMode): number[] {
  if (m.mode === 'access') return [m.vlan];
  if (m.mode === 'trunk') return [...m.vlans, ...(m.native !== undefined ? [m.native] : [])];
  return [];
}

function carriedBy(d: Design, node: string, vlan: number): boolean {
  return d.links.some((l) => l.ends.some((e) => e.node === node && vlansOf(e.mode).includes(vlan)));
}

/**
 * A VLAN with hosts but without an SVI or router interface in its domain is an island: fine
 * for a lab, but usually a forgotten "vlans:" entry. One warning per VLAN, at its first use.
 */
function noRouter(d: Design, r: DomainResult, f: Finding[]): void {
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const uses = new Map<number, { path: PathSeg[]; domain?: number }[]>();
  const use = (v: number, path: PathSeg[], domain?: number) => pushTo(uses, v, domain === undefined ? { path } : { path, domain });
  // The domains each link carries, so a port finds its own without a scan over all of them.
  const onLink = new Map<number, Domain[]>();
  for (const dom of r.domains) for (const l of dom.links) pushTo(onLink, l, dom);
  for (const l of d.links) {
    l.ends.forEach((e: LinkEnd) => {
      const n = byName.get(e.node);
      if (!n || !isVlanAware(n) || e.mode.mode !== 'access') return;
      const v = e.mode.vlan;
      const dom = onLink.get(l.index)?.find((x) => x.vlans.includes(v));
      use(v, e.path, dom?.id);
    });
  }
  for (const n of d.nodes) {
    // A server that is not VLAN-aware ignores VM VLANs (warned in references.ts).
    const server = n.kind === 'vm' ? byName.get(n.server) : undefined;
    if (n.kind !== 'vm' || server?.kind !== 'server' || !server.vlanAware) continue;
    for (const i of n.interfaces) if (i.vlan !== undefined) use(i.vlan, [...i.path, 'vlan'], r.of.get(ifaceRef(n.name, i.name)));
  }
  for (const [v, us] of [...uses].sort((a, b) => a[0] - b[0])) {
    if (!inRange(v)) continue;
    const doms = us.flatMap((u) => (u.domain === undefined ? [] : [r.domains[u.domain - 1]!]));
    if (doms.length === 0) continue; // no host in it: nothing to warn about
    const routed = doms.some((dom) =>
      dom.members.some((m) => {
        const k = byName.get(m.node)?.kind;
        return m.ref.startsWith('svi:') || k === 'router' || k === 'l3-switch';
      }),
    );
    if (routed) continue;
    f.push(
      warning('W-VLAN-NO-ROUTER', us[0]!.path, `no router serves VLAN ${v}: no SVI or router interface is in its broadcast domain, so hosts in VLAN ${v} can only reach each other; if they should reach other subnets, add "${v}: { address: ... }" under an L3 switch's "vlans" and carry VLAN ${v} to it.`),
    );
  }
}
