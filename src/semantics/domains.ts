// Broadcast domains of the real network, computed from the design alone.
//
// Model: every cable carries frames per "wire tag" (untagged, or an 802.1Q id). A device
// joins wire segments:
//   - a switch that is not VLAN-aware joins all its cables per wire tag: it floods everything,
//     tagged frames included, and so merges the VLANs it carries (seed 000's "crossing");
//   - a VLAN-aware switch joins, per VLAN v, its access-v ports' untagged segment, its trunk
//     ports' v segment and its native-v trunks' untagged segment into one internal VLAN v;
//   - an L3 switch does the same and attaches its routed VLAN interface (SVI) to VLAN v;
//   - a server switches its VMs onto its NIC's cable (tagged with the VM's VLAN when the
//     server is VLAN-aware), and attaches its own addresses untagged.
// A domain is a connected set that contains at least one interface. VMs a server attaches by
// macvtap (or VFs behind a VEPA embedded switch) belong to their NIC's domain, but hear their
// siblings and the server only as their mode allows: `attachments` (attachments.ts) says so.
import type { Design, DesignNode, Link } from '../model/types.js';
import { isRouted, isVlanAware } from '../model/types.js';
import { designAttachments, type DesignAttachments } from './attachments.js';

export interface Member {
  /** "iface:pc1/eth0" or "svi:core/10". */
  ref: string;
  node: string;
  /** Interface name, or "vlan10" for an SVI. */
  dev: string;
}

export interface Domain {
  id: number;
  members: Member[];
  /** VLAN ids this domain carries inside VLAN-aware devices (empty: only untagged). */
  vlans: number[];
  /** Switches (and servers) whose switching forms part of this domain. */
  switches: string[];
  /** Links that carry this domain's frames. */
  links: number[];
}

export interface SwitchLoop {
  nodes: string[];
  link: number;
}

export interface DomainResult {
  domains: Domain[];
  /** Domain id of each member ref. */
  of: Map<string, number>;
  /** Cycles among switches without STP. */
  loops: SwitchLoop[];
  /** VMs whose server attaches them by macvtap or VEPA VFs: adjacency within a domain is pairwise. */
  attachments: DesignAttachments;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      return x;
    }
    // Path halving keeps trees flat enough for 10,000-host designs.
    while (p !== x) {
      const gp: string = this.parent.get(p)!;
      this.parent.set(x, gp);
      x = p;
      p = gp;
    }
    return x;
  }
  /** Returns false when a and b were already joined. */
  union(a: string, b: string): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent.set(ra, rb);
    return true;
  }
}

const UNTAGGED = 0;
const seg = (link: number, tag: number) => `w${link}.${tag}`;
const inner = (node: string, vlan: number) => `n${node}.${vlan}`;

export const ifaceRef = (node: string, dev: string) => `iface:${node}/${dev}`;
export const sviRef = (node: string, vlan: number) => `svi:${node}/${vlan}`;

export function broadcastDomains(d: Design): DomainResult {
  const uf = new UnionFind();
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const linksOf = new Map<string, { link: Link; end: 0 | 1 }[]>();
  for (const l of d.links)
    l.ends.forEach((e, i) => {
      const list = linksOf.get(e.node) ?? [];
      list.push({ link: l, end: i as 0 | 1 });
      linksOf.set(e.node, list);
    });

  // Wire tags that ever appear, so a plain switch can join each of them.
  const tags = new Set<number>([UNTAGGED]);
  for (const l of d.links) for (const e of l.ends) if (e.mode.mode === 'trunk') e.mode.vlans.forEach((v) => tags.add(v));
  for (const n of d.nodes) if (n.kind === 'vm') n.interfaces.forEach((i) => i.vlan !== undefined && tags.add(i.vlan));

  const members: Member[] = [];
  const memberKey = new Map<string, string>();
  const attach = (m: Member, key: string) => {
    members.push(m);
    memberKey.set(m.ref, key);
    uf.find(key);
  };
  const touched = new Map<string, Set<string>>(); // union-find key -> switches
  const loops: SwitchLoop[] = [];
  const joined = new Set<string>(); // hub|link pairs already joined, see joinSwitch

  for (const n of d.nodes) {
    const cables = linksOf.get(n.name) ?? [];
    if (n.kind === 'switch' && !n.vlanAware) {
      for (const t of tags) {
        const hub = `h${n.name}.${t}`;
        for (const { link, end } of cables) joinSwitch(uf, joined, hub, seg(link.index, t), n, link.index, end, loops);
        mark(touched, uf, hub, n.name);
      }
    } else if (isVlanAware(n)) {
      for (const { link, end } of cables) {
        const e = link.ends[end];
        if (n.kind === 'l3-switch' && n.interfaces.some((i) => i.name === e.port)) continue; // routed port
        const m = e.mode;
        if (m.mode === 'access') joinSwitch(uf, joined, inner(n.name, m.vlan), seg(link.index, UNTAGGED), n, link.index, end, loops);
        else if (m.mode === 'trunk') {
          for (const v of m.vlans) joinSwitch(uf, joined, inner(n.name, v), seg(link.index, v), n, link.index, end, loops);
          if (m.native !== undefined) joinSwitch(uf, joined, inner(n.name, m.native), seg(link.index, UNTAGGED), n, link.index, end, loops);
        }
        // A VLAN-aware port with no mode set drops everything: it was warned about in checks.
        for (const v of vlansOfMode(m)) mark(touched, uf, inner(n.name, v), n.name);
      }
      if (n.kind === 'l3-switch') for (const s of n.svis) attach({ ref: sviRef(n.name, s.vlan), node: n.name, dev: `vlan${s.vlan}` }, inner(n.name, s.vlan));
    }
    if (isRouted(n) && n.kind !== 'vm') {
      for (const i of n.interfaces) {
        // A server NIC without an address is only the uplink of its VMs, not an endpoint.
        if (n.kind === 'server' && i.addresses.length === 0) continue;
        const cable = cables.find(({ link, end }) => link.ends[end].port === i.name);
        const key = cable ? seg(cable.link.index, UNTAGGED) : `lonely:${n.name}/${i.name}`;
        attach({ ref: ifaceRef(n.name, i.name), node: n.name, dev: i.name }, key);
      }
    }
    if (n.kind === 'vm') {
      const server = byName.get(n.server);
      if (server?.kind !== 'server') continue;
      for (const i of n.interfaces) {
        const nic = i.uplink ?? server.interfaces[0]?.name;
        const cable = (linksOf.get(server.name) ?? []).find(({ link, end }) => link.ends[end].port === nic);
        const tag = server.vlanAware && i.vlan !== undefined ? i.vlan : UNTAGGED;
        // VMs on one NIC and tag meet inside the server even with no cable on the NIC.
        const key = cable ? seg(cable.link.index, tag) : `nic:${server.name}/${nic}.${tag}`;
        attach({ ref: ifaceRef(n.name, i.name), node: n.name, dev: i.name }, key);
        mark(touched, uf, key, server.name);
      }
    }
  }

  // Number domains in order of first member (file order), so ids are stable.
  const idOf = new Map<string, number>();
  const domains: Domain[] = [];
  const of = new Map<string, number>();
  for (const m of members) {
    const root = uf.find(memberKey.get(m.ref)!);
    let id = idOf.get(root);
    if (id === undefined) {
      id = domains.length + 1;
      idOf.set(root, id);
      domains.push({ id, members: [], vlans: [], switches: [], links: [] });
    }
    domains[id - 1]!.members.push(m);
    of.set(m.ref, id);
  }
  for (const [key, sws] of touched) {
    const id = idOf.get(uf.find(key));
    if (id === undefined) continue;
    const dom = domains[id - 1]!;
    for (const s of sws) if (!dom.switches.includes(s)) dom.switches.push(s);
    const v = /^n.+\.(\d+)$/.exec(key);
    if (v && !dom.vlans.includes(Number(v[1]))) dom.vlans.push(Number(v[1]));
  }
  // A set per domain: a list's includes() made this quadratic in the links of one big domain.
  const linkSets = domains.map(() => new Set<number>());
  for (const l of d.links)
    for (const t of tags) {
      const id = idOf.get(uf.find(seg(l.index, t)));
      if (id !== undefined) linkSets[id - 1]!.add(l.index);
    }
  domains.forEach((dom, i) => (dom.links = [...linkSets[i]!]));
  for (const dom of domains) {
    dom.vlans.sort((a, b) => a - b);
    dom.links.sort((a, b) => a - b);
  }
  return { domains, of, loops: dedupeLoops(loops), attachments: designAttachments(d) };
}

function vlansOfMode(m: Link['ends'][0]['mode']): number[] {
  if (m.mode === 'access') return [m.vlan];
  if (m.mode === 'trunk') return [...m.vlans, ...(m.native !== undefined ? [m.native] : [])];
  return [];
}

function joinSwitch(uf: UnionFind, joined: Set<string>, hub: string, wire: string, n: DesignNode, link: number, end: number, loops: SwitchLoop[]): void {
  // Joining a wire that is already connected to this hub through other switches closes a loop.
  // A hub meeting the same cable end twice (a VLAN listed twice, or the native VLAN also
  // tagged) is one path, not a loop: only the first join per hub and cable end may report one.
  // Both ends of one cable on one switch (a switch cabled to itself) are two paths: a loop.
  const key = `${hub}|${link}.${end}`;
  const first = !joined.has(key);
  joined.add(key);
  if (!uf.union(hub, wire) && first && !(n.kind !== 'server' && 'stp' in n && n.stp)) loops.push({ nodes: [n.name], link });
}

function mark(touched: Map<string, Set<string>>, uf: UnionFind, key: string, name: string): void {
  uf.find(key);
  const s = touched.get(key) ?? new Set<string>();
  s.add(name);
  touched.set(key, s);
}

function dedupeLoops(loops: SwitchLoop[]): SwitchLoop[] {
  const seen = new Set<number>();
  return loops.filter((l) => (seen.has(l.link) ? false : (seen.add(l.link), true)));
}
