// How VMs meet inside their real server, from the design's "attach" (src/model/attach.ts).
// A VM on a software switch (Linux bridge, OVS) or on an SR-IOV VF behind a VEB embedded switch
// is simply a member of its NIC's broadcast domain: it hears everyone there. A macvtap child,
// or a VF behind an embedded switch in VEPA mode, hears the rest of the domain too, but its
// siblings on the same parent device and the server's own address on it only as its mode
// allows (macvlan-modes.ts): not transitive, so these ports refine the domain pair by pair.
import { attachText, portKind, vmAttach, vmNicName } from '../model/attach.js';
import type { MacvlanMode } from '../model/limits.js';
import type { Design } from '../model/types.js';
import { fromParent, parentFirst, siblings, toParent } from './macvlan-modes.js';

export interface DirectPort {
  /** The device its frames leave by in the real server: "host1/eth0", or "host1/eth0.10" for a tagged VM. */
  parent: string;
  kind: MacvlanMode;
  /** The switch port cabled to the NIC reflects frames back (802.1Qbg reflective relay). */
  hairpin: boolean;
  server: string;
  nic: string;
  /** How the author said it, for messages: "macvtap private", "an SR-IOV VF (...)". */
  what: string;
}

export interface DesignAttachments {
  /** VM interface ref -> its direct attachment; VMs that behave as switch members are absent. */
  ports: Map<string, DirectPort>;
  /** Server interface ref -> the parent key of the direct ports on that (untagged) NIC. */
  parents: Map<string, string>;
}

const ref = (node: string, dev: string) => `iface:${node}/${dev}`;

export function designAttachments(d: Design): DesignAttachments {
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const peer = new Map<string, { node: string; port: string }>();
  for (const l of d.links) {
    peer.set(`${l.ends[0].node}/${l.ends[0].port}`, l.ends[1]);
    peer.set(`${l.ends[1].node}/${l.ends[1].port}`, l.ends[0]);
  }
  const hairpinAt = (server: string, nic: string): boolean => {
    const p = peer.get(`${server}/${nic}`);
    const sw = p && byName.get(p.node);
    return sw?.kind === 'switch' && (sw.hairpin === 'all' || sw.hairpin.includes(p!.port));
  };
  const ports = new Map<string, DirectPort>();
  const parents = new Map<string, string>();
  for (const vm of d.nodes) {
    if (vm.kind !== 'vm') continue;
    const s = byName.get(vm.server);
    if (s?.kind !== 'server') continue;
    for (const i of vm.interfaces) {
      const nicName = vmNicName(s, i);
      const nic = s.interfaces.find((x) => x.name === nicName);
      if (!nic) continue;
      const kind = portKind(vmAttach(s, i), nic);
      if (kind === 'switch' || kind === 'veb') continue;
      const vid = s.vlanAware ? i.vlan : undefined;
      const parent = vid === undefined ? `${s.name}/${nic.name}` : `${s.name}/${nic.name}.${vid}`;
      ports.set(ref(vm.name, i.name), { parent, kind, hairpin: hairpinAt(s.name, nic.name), server: s.name, nic: nic.name, what: attachText(vmAttach(s, i), nic) });
      if (vid === undefined && nic.addresses.length) parents.set(ref(s.name, nic.name), parent);
    }
  }
  return { ports, parents };
}

/** Whether a's frames reach b as far as the server's attachment decides; undefined: it does not decide. */
export function attachAdjacent(at: DesignAttachments, a: string, b: string): boolean | undefined {
  const pa = at.ports.get(a);
  const pb = at.ports.get(b);
  if (pa && pb && pa.parent === pb.parent) return siblings(pa.kind, pb.kind, pa.hairpin);
  if (pa && at.parents.get(b) === pa.parent) return toParent(pa.kind, pa.hairpin);
  if (pb && at.parents.get(a) === pb.parent) return fromParent(pb.kind, pb.hairpin);
  return undefined;
}

/** Why a pair's answer depends on which side spoke first, if it does. */
export function attachUnstable(at: DesignAttachments, a: string, b: string): string | undefined {
  for (const [child, parent] of [
    [a, b],
    [b, a],
  ] as const) {
    const p = at.ports.get(child);
    if (p && at.parents.get(parent) === p.parent && parentFirst(p.kind, p.hairpin))
      return `a ${p.what} VM on ${p.parent} reaches its server only after the server spoke first`;
  }
  return undefined;
}

/** Extends a broadcast domain's class key: interfaces the attachment treats alike. */
export function attachClassKey(at: DesignAttachments, r: string): string {
  const p = at.ports.get(r);
  if (p) return `:m:${p.parent}:${p.kind}`;
  const parent = at.parents.get(r);
  return parent !== undefined ? `:p:${parent}` : '';
}

/** One sentence per parent device: who its direct VMs hear. */
export function describeAttachments(at: DesignAttachments, nameOf: (ref: string) => string, members: Set<string>): string[] {
  const groups = new Map<string, { refs: string[]; port: DirectPort }[]>();
  for (const [r, p] of at.ports) {
    if (!members.has(r)) continue;
    const g = groups.get(p.parent) ?? [];
    const same = g.find((x) => x.port.what === p.what);
    if (same) same.refs.push(r);
    else g.push({ refs: [r], port: p });
    groups.set(p.parent, g);
  }
  const out: string[] = [];
  for (const [parent, g] of groups) {
    const server = [...at.parents].some(([, x]) => x === parent);
    for (const { refs, port } of g) out.push(`${refs.map(nameOf).join(' ')}: ${port.what} on ${parent}: ${hears(port, refs.length, g.length > 1, server)}`);
  }
  return out;
}

function hears(p: DirectPort, n: number, others: boolean, server: boolean): string {
  const one = n === 1;
  const hear = one ? 'hears' : 'hear';
  const not = one ? 'does not hear' : 'do not hear';
  const peers = n > 1 ? 'each other' : others ? 'the other VMs on it' : '';
  const items = [peers, server ? p.server : ''].filter(Boolean);
  const pos = (how: string) => (items.length ? `${hear} ${items.join(' and ')}${how}` : `${hear} the rest of the domain`);
  const neg = items.length === 2 ? `${hear} neither ${items.join(' nor ')}` : items.length ? `${not} ${items[0]}` : `${hear} the rest of the domain`;
  switch (p.kind) {
    case 'bridge':
      if (!server || p.hairpin) return pos(server ? ` (${p.server} through the hairpin port)` : '');
      return peers ? `${hear} ${peers} but not ${p.server}` : `${not} ${p.server}`;
    case 'vepa':
      return p.hairpin ? pos(' through the hairpin port') : `${neg} (no hairpin upstream)`;
    case 'private':
      return `${neg}${server && p.hairpin ? `; ${p.server} reaches ${one ? 'it' : 'them'} once it spoke first` : ''}`;
    case 'passthru':
      return `takes ${p.nic} whole${server ? `; ${p.server} cannot reach it` : ''}`;
  }
}
