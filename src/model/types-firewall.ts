// The resolved `firewall:` of a node (resolve-firewall.ts): prefixes and port ranges parsed,
// every element with its document path for messages. Interfaces, zones and node names are kept
// as written; checks/firewall.ts says which of them name nothing.
import type { Cidr } from './ip.js';
import type { PathSeg } from './problems.js';
import type { IcmpType } from './schema-firewall.js';

export type FwAction = 'allow' | 'deny' | 'reject';
export type FwPolicy = 'accept' | 'drop' | 'reject';
export type FwChain = 'input' | 'forward' | 'output';

/** One element of a rule's source or destination: a prefix or address, or a node's name. */
export interface FwAddr {
  text: string;
  cidr?: Cidr;
  node?: string;
}

export interface FirewallRule {
  action: FwAction;
  /** Zones, interfaces or "self", as written; absent: anywhere. */
  from?: string[];
  to?: string[];
  source?: FwAddr[];
  destination?: FwAddr[];
  protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  /** Destination port ranges, inclusive. */
  ports?: [number, number][];
  icmpTypes?: IcmpType[];
  dnat?: boolean;
  comment?: string;
  path: PathSeg[];
}

export interface FirewallZone {
  name: string;
  ifaces: string[];
  path: PathSeg[];
}

export interface Firewall {
  zones: FirewallZone[];
  stateful: boolean;
  policy: Record<FwChain, FwPolicy>;
  rules: FirewallRule[];
  path: PathSeg[];
}
