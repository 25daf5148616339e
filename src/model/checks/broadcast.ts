// What the broadcast domains of the real network mean for its hosts (seed 000): hosts of
// different subnets that share a domain (a switch that is not VLAN-aware floods VLANs into
// each other), and hosts whose default gateway is not in their domain at all.
import type { Domain } from '../../semantics/domains.js';
import { contains, formatIp, formatNet } from '../ip.js';
import { warning, type Finding } from '../problems.js';
import type { Design } from '../types.js';
import { isRouted } from '../types.js';
import { addrAt, allHolders, describeDomain, domainsOf, isEndStation, list, plainSwitches, type AddrHolder } from './util.js';
import { pushTo } from '../../collections.js';

export function checkBroadcast(d: Design): Finding[] {
  const f: Finding[] = [];
  const { domains, of } = domainsOf(d);
  const holders = allHolders(d);
  const byRef = new Map(holders.map((h) => [h.ref, h]));
  const byNode = new Map<string, AddrHolder[]>();
  for (const h of holders) pushTo(byNode, h.node, h);
  const byIp = new Map<number, AddrHolder[]>();
  for (const h of holders) for (const c of h.addresses) pushTo(byIp, c.ip, h);
  for (const dom of domains) mixed(d, dom, byRef, f);

  // A node cabled to nothing gets W-NODE-UNLINKED; its gateway being out of reach follows.
  const cabled = new Set(d.links.flatMap((l) => l.ends.map((e) => e.node)));
  for (const n of d.nodes) {
    if (!isRouted(n) || n.gateway === undefined) continue;
    if (n.kind !== 'vm' && !cabled.has(n.name)) continue;
    const gw = n.gateway;
    const own = byNode.get(n.name) ?? [];
    // No interface on the gateway's subnet is an error reported by routes.ts.
    const h = own.find((x) => x.addresses.some((c) => contains(c, gw) && c.ip !== gw));
    if (!h) continue;
    const id = of.get(h.ref);
    const dom = id === undefined ? undefined : domains[id - 1];
    if (!dom) continue; // a server NIC without address is not an endpoint
    // The holders of the gateway's address, not the domain's members: a scan of those per host was quadratic.
    const there = (byIp.get(gw) ?? []).some((o) => o.ref !== h.ref && of.get(o.ref) === id);
    if (there) continue;
    const g = formatIp(gw);
    const owner = byIp.get(gw)?.[0];
    const ownerDom = owner ? domains[(of.get(owner.ref) ?? 0) - 1] : undefined;
    const alone = ownerDom !== undefined && ownerDom.members.length === 1;
    const fix = owner
      ? alone
        ? `${g} belongs to ${owner.node} ${owner.dev}, whose domain holds no other device: put both in one domain, e.g. through switch ports of the same VLAN.`
        : `${g} belongs to ${owner.node} ${owner.dev}${ownerDom ? ` (${describeDomain(d, ownerDom)})` : ''}: cable ${n.name} into that domain, e.g. through a switch port in the right VLAN.`
      : `no device in the design has ${g}: give a router or L3 switch in ${n.name}'s domain that address.`;
    f.push(
      warning('W-GATEWAY-UNREACHABLE', [...n.path, 'gateway'], `${n.name}'s gateway ${g} is not in its broadcast domain (${describeDomain(d, dom)}), so ${n.name} cannot reach other subnets; ${fix}`),
    );
  }
  return f;
}

/** One warning per domain whose end stations sit in more than one subnet. */
function mixed(d: Design, dom: Domain, byRef: Map<string, AddrHolder>, f: Finding[]): void {
  if (dom.members.length < 2) return; // most domains of a big design are one interface
  const groups = new Map<string, AddrHolder[]>();
  for (const m of dom.members) {
    const h = byRef.get(m.ref);
    const primary = h?.addresses[0];
    if (!h || !primary || !isEndStation(h.kind)) continue;
    const net = formatNet(primary);
    pushTo(groups, net, h);
  }
  if (groups.size < 2) return;
  const parts = [...groups].map(([net, hs]) => `${hs.map((h) => h.node).join(', ')} (${net})`);
  // Point at the first host of the smallest group: it is most likely the one that strayed.
  const stray = [...groups.values()].reduce((a, b) => (b.length < a.length ? b : a))[0]!;
  const plain = plainSwitches(d, dom);
  const vl = dom.vlans.length ? ` (VLAN ${dom.vlans.join(', ')})` : '';
  const why = plain.length
    ? ` because ${list(plain)} ${plain.length > 1 ? 'are' : 'is'} not VLAN-aware and flood${plain.length > 1 ? '' : 's'} every frame`
    : '';
  const fix = plain.length
    ? `make ${list(plain)} VLAN-aware and give each port or VM its VLAN, or separate the subnets physically, if they should be apart.`
    : 'put them in different VLANs or give them addresses in one subnet.';
  f.push(
    warning('W-DOMAIN-MIXED', addrAt(stray, 0), `${list(parts)} share one broadcast domain${vl}${why}: they see each other's broadcasts though their subnets differ; ${fix}`),
  );
}
