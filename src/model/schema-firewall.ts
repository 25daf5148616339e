// The `firewall:` key of a node with an IP stack (routers, L3 switches, hosts, servers, VMs):
// zones of named interfaces, default policies per chain, and ordered rules. Shapes only, like
// schema.ts; resolve-firewall.ts parses ports and prefixes, checks/firewall.ts checks the sense.
import { z } from 'zod';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });

export const FW_ACTIONS = ['allow', 'deny', 'reject'] as const;
export const FW_POLICIES = ['accept', 'drop', 'reject'] as const;
export const FW_PROTOCOLS = ['tcp', 'udp', 'icmp', 'any'] as const;
/** ICMP types by the names nftables (and iptables) use for them, and their numbers. */
export const ICMP_TYPES = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  redirect: 5,
  'echo-request': 8,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
} as const;
export type IcmpType = keyof typeof ICMP_TYPES;
const ICMP_NAMES = Object.keys(ICMP_TYPES) as [IcmpType, ...IcmpType[]];

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]);

const Where = d(
  oneOrMany(z.string()),
  'A zone, an interface of this node, or "self" (the node itself); a list matches any of them.',
);
const Addresses = d(
  oneOrMany(z.string()),
  'A prefix (10.0.0.0/8), an address (192.168.1.10) or a node name (its addresses); a list matches any of them.',
);
const Ports = d(
  oneOrMany(z.union([z.number().int(), z.string()])),
  'Destination port(s): 443, "8000-8080", or a list of them (needs protocol tcp or udp).',
);

export const FirewallRule = z.strictObject({
  action: d(z.enum(FW_ACTIONS), 'allow (accept), deny (drop silently) or reject (refuse: TCP reset, ICMP port unreachable).'),
  from: d(Where.optional(), 'Where packets come in: a zone, an interface, or "self" (sent by the node itself). Default: anywhere.'),
  to: d(Where.optional(), 'Where packets go out: a zone, an interface, or "self" (to the node itself). Default: anywhere.'),
  source: d(Addresses.optional(), 'Source address(es) to match.'),
  destination: d(Addresses.optional(), 'Destination address(es) to match (after any port forward rewrote it).'),
  protocol: d(z.enum(FW_PROTOCOLS).optional(), 'tcp, udp, icmp or any (default).'),
  port: Ports.optional(),
  'icmp-type': d(oneOrMany(z.enum(ICMP_NAMES)).optional(), 'ICMP type(s), e.g. echo-request (needs protocol icmp).'),
  dnat: d(z.boolean().optional(), 'Only connections a port forward of this node translated (nftables ct status dnat): "outside may not come in, except port forwards".'),
  comment: d(z.string().optional(), 'Free text, shown in traces and the nftables rule.'),
});

export const Firewall = z.strictObject({
  zones: d(z.record(z.string(), z.array(z.string())).optional(), 'Named groups of this node\'s interfaces (inside, outside, dmz, ...), for "from" and "to".'),
  stateful: d(z.boolean().optional(), 'Accept packets of connections already accepted, and related ones (default true).'),
  input: d(z.enum(FW_POLICIES).optional(), 'What happens to packets for the node itself that no rule matches (default accept).'),
  forward: d(z.enum(FW_POLICIES).optional(), 'What happens to packets routed through the node that no rule matches (default accept).'),
  output: d(z.enum(FW_POLICIES).optional(), 'What happens to packets the node sends that no rule matches (default accept).'),
  rules: d(z.array(FirewallRule).optional(), 'Rules in order: the first that matches a packet decides.'),
});

export type RawFirewall = z.infer<typeof Firewall>;
export type RawFirewallRule = z.infer<typeof FirewallRule>;
