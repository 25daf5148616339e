// A router's NAT as the ordered list of rules netfilter evaluates. It is the one source for
// both the design's semantics (from-design.ts) and the plan's nftables table (plan/routing.ts),
// so the real network and its twin cannot disagree on which rule wins or what it matches.
//
// Order and meaning (docs/design-language.md, "NAT on a router"):
// - prerouting: port forwards in file order, then redirects. A forward matches connections to
//   any address of its `in` interface arriving on that interface; with `hairpin`, also those
//   arriving on any other interface (inside clients using the public address), which are
//   marked so that postrouting hides their source behind the router.
// - postrouting: the hairpin masquerade, then `snat` rules in file order, then `masquerade`
//   rules in file order; the first that matches wins. A fixed `snat` is the exception to a
//   general masquerade, so it is tried first whatever the order of the two lists in the file.
import type { Cidr } from '../model/ip.js';
import type { RouterNode } from '../model/types.js';
import { forwardRef, masqueradeRef, redirectRef, snatRef } from '../plan/refs.js';

type Proto = 'tcp' | 'udp';
type Refs = string[];

/** One real server of a load balancer: its address, port and share of new connections. */
export interface LbTarget {
  to: number;
  toPort: number;
  weight: number;
}

export type NatStep =
  /** `in`: arrived on that interface; `notIn`: on any other; `hairpin`: mark for the masquerade. */
  | { type: 'dnat'; in?: string; notIn?: string; daddr?: number; hairpin?: boolean; protocol: Proto; port: number; to: number; toPort: number; realizes: Refs }
  | { type: 'redirect'; in: string; protocol: Proto; port: number; toPort: number; realizes: Refs }
  /**
   * A load balancer (services.ts): connections to the VIP and port go to one of the backends;
   * fullnat also hides the client behind this node's address on the way out.
   */
  | { type: 'lb'; name: string; daddr: number; protocol: Proto; port: number; scheduler: 'rr' | 'wrr' | 'lc' | 'sh'; mode: 'nat' | 'fullnat' | 'dr' | 'tun'; backends: LbTarget[]; realizes: Refs; /** Only connections arriving on this interface (an OVN balancer, through its gateway port); absent: any. */ in?: string }
  /** Masquerade (out of whatever interface) every connection a hairpin forward marked. */
  | { type: 'hairpin-masquerade'; realizes: Refs }
  /** `to` undefined: masquerade, the egress interface's primary address. */
  | { type: 'snat'; out: string; from?: Cidr; to?: number; realizes: Refs };

export function routerNat(n: RouterNode): NatStep[] {
  const pre: NatStep[] = [];
  const hairpinRefs: Refs = [];
  n.nat.portForwards.forEach((f, k) => {
    const realizes = [forwardRef(n.name, k)];
    const base = { protocol: f.protocol, port: f.port, to: f.to, toPort: f.toPort, realizes };
    const addrs = n.interfaces.find((i) => i.name === f.in)?.addresses ?? [];
    if (addrs.length === 0) pre.push({ type: 'dnat', in: f.in, ...base });
    for (const a of addrs) pre.push({ type: 'dnat', in: f.in, daddr: a.ip, ...base });
    if (n.nat.hairpin && addrs.length) {
      for (const a of addrs) pre.push({ type: 'dnat', notIn: f.in, daddr: a.ip, hairpin: true, ...base });
      hairpinRefs.push(...realizes);
    }
  });
  n.nat.redirects.forEach((r, k) => pre.push({ type: 'redirect', in: r.in, protocol: r.protocol, port: r.port, toPort: r.toPort, realizes: [redirectRef(n.name, k)] }));
  const post: NatStep[] = hairpinRefs.length ? [{ type: 'hairpin-masquerade', realizes: hairpinRefs }] : [];
  n.nat.snat.forEach((s, k) => post.push({ type: 'snat', out: s.out, to: s.to, ...(s.from ? { from: s.from } : {}), realizes: [snatRef(n.name, k)] }));
  n.nat.masquerade.forEach((s, k) => post.push({ type: 'snat', out: s.out, ...(s.from ? { from: s.from } : {}), realizes: [masqueradeRef(n.name, k)] }));
  return [...pre, ...post];
}

/** Evaluation rank of a step, for merging the rules of several nft objects in one namespace. */
export const natRank = (r: NatStep): number => ({ lb: -1, dnat: 0, redirect: 1, 'hairpin-masquerade': 2, snat: 3 })[r.type];
