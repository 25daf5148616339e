// Small shared views of a resolved design for the checks: every address a node owns (its
// interfaces and, for L3 switches, its VLAN interfaces), and how to name a broadcast domain.
import type { Cidr } from '../ip.js';
import type { PathSeg } from '../problems.js';
import type { Design, DesignNode } from '../types.js';
import { isRouted } from '../types.js';
import { broadcastDomains, ifaceRef, sviRef, type Domain, type DomainResult } from '../../semantics/domains.js';

/** One place that holds addresses: an interface or an SVI ("vlan10"). */
export interface AddrHolder {
  node: string;
  kind: DesignNode['kind'];
  dev: string;
  /** Provenance ref as used by src/semantics/domains.ts. */
  ref: string;
  addresses: Cidr[];
  /** Path of the "address" value (a list or a single text). */
  addrPath: PathSeg[];
  path: PathSeg[];
}

/** Several checks ask for the same node's holders; make them once per node. */
const holderCache = new WeakMap<DesignNode, AddrHolder[]>();

export function holdersOf(n: DesignNode): AddrHolder[] {
  let hs = holderCache.get(n);
  if (!hs) holderCache.set(n, (hs = makeHolders(n)));
  return hs;
}

function makeHolders(n: DesignNode): AddrHolder[] {
  if (!isRouted(n)) return [];
  const out: AddrHolder[] = n.interfaces.map((i) => ({
    node: n.name,
    kind: n.kind,
    dev: i.name,
    ref: ifaceRef(n.name, i.name),
    addresses: i.addresses,
    addrPath: [...i.path, 'address'],
    path: i.path,
  }));
  if (n.kind === 'l3-switch') {
    for (const s of n.svis) {
      out.push({ node: n.name, kind: n.kind, dev: `vlan${s.vlan}`, ref: sviRef(n.name, s.vlan), addresses: s.addresses, addrPath: [...s.path, 'address'], path: s.path });
    }
  }
  return out;
}

export const allHolders = (d: Design): AddrHolder[] => d.nodes.flatMap(holdersOf);

const byNameCache = new WeakMap<Design, Map<string, DesignNode>>();
/** The design's nodes by name, made once per design (a scan per lookup is quadratic in big designs). */
export function nodesByName(d: Design): Map<string, DesignNode> {
  let m = byNameCache.get(d);
  if (!m) byNameCache.set(d, (m = new Map(d.nodes.map((n) => [n.name, n]))));
  return m;
}

/** Several checks need the domains; compute them once per design. */
const domainCache = new WeakMap<Design, DomainResult>();
export function domainsOf(d: Design): DomainResult {
  let r = domainCache.get(d);
  if (!r) {
    r = broadcastDomains(d);
    domainCache.set(d, r);
  }
  return r;
}

/**
 * Path of the k-th address of a holder. For a single address written as text the locator stops
 * at that text, so appending the index is right in both spellings.
 */
export const addrAt = (h: AddrHolder, k: number): PathSeg[] => [...h.addrPath, k];

/** Devices that own addresses but are end stations rather than routers. */
export const isEndStation = (kind: DesignNode['kind']): boolean => kind === 'host' || kind === 'vm' || kind === 'server' || kind === 'external';

/** "VLAN 10 via sw-left": the VLANs a domain carries and the switches that merge it. */
export function describeDomain(d: Design, dom: Domain): string {
  const plain = plainSwitches(d, dom);
  const via = plain.length ? plain : dom.switches;
  const parts = [dom.vlans.length ? `VLAN ${dom.vlans.join(', ')}` : '', via.length ? `via ${via.join(', ')}` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : 'a segment of its own';
}

/**
 * Switches (and servers, seed B_V0) in the domain that are not VLAN-aware: they put every
 * frame on one segment and so merge whatever subnets reach them.
 */
export function plainSwitches(d: Design, dom: Domain): string[] {
  const byName = nodesByName(d);
  return dom.switches.filter((s) => {
    const n = byName.get(s);
    return (n?.kind === 'switch' || n?.kind === 'server') && !n.vlanAware;
  });
}

export const list = (xs: string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
