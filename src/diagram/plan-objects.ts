// Stable ids and one-line descriptions of plan objects, for the twin diagram and its tests.
// Plan objects carry no ids of their own; these are derived from what makes each unique.
import type { NatRule, Netns, PlanObject } from '../plan/types.js';

export const nsKey = (ns: Netns): string => ns ?? 'root';
export const devKey = (ns: Netns, name: string): string => `dev:${nsKey(ns)}/${name}`;
export const nsNodeId = (ns: Netns): string => `ns:${nsKey(ns)}`;

export function planObjectId(o: PlanObject): string {
  switch (o.kind) {
    case 'netns':
      return `netns:${o.name}`;
    case 'bridge':
    case 'tap':
    case 'macvlan':
    case 'vlan':
      return `${o.kind}:${nsKey(o.namespace)}/${o.name}`;
    case 'veth':
      return `veth:${nsKey(o.a.namespace)}/${o.a.name}|${nsKey(o.b.namespace)}/${o.b.name}`;
    case 'bridge-port':
      return `bridge-port:${nsKey(o.namespace)}/${o.dev}`;
    case 'ovs-bridge':
      return `ovs-bridge:${o.name}`;
    case 'ovs-port':
      return `ovs-port:${o.bridge}/${o.name}`;
    case 'address':
      return `address:${nsKey(o.namespace)}/${o.dev}/${o.cidr}`;
    case 'route':
      return `route:${nsKey(o.namespace)}/${o.to}`;
    case 'sysctl':
      return `sysctl:${nsKey(o.namespace)}/${o.key}`;
    case 'nft':
      return `nft:${nsKey(o.namespace)}/${o.table}`;
    case 'hosts':
      return `hosts:${o.namespace}`;
    case 'daemon':
      return `daemon:${o.name}`;
    case 'routing':
      return `routing:${o.namespace}`;
    case 'tunnel':
      return `tunnel:${o.namespace}/${o.name}`;
    case 'ipvs':
      return `ipvs:${o.namespace}/${o.name}`;
    case 'exec':
      return `exec:${o.namespace}/${o.realizes[0]}`;
  }
}

/** nft rules the way an engineer reads them, one short line each. */
export function natRuleText(r: NatRule): string {
  switch (r.type) {
    case 'masquerade':
      return `masquerade ${r.from ?? 'any'} → ${r.out}`;
    case 'snat':
      return `snat ${r.from ?? 'any'} → ${r.out} ${r.to}`;
    case 'dnat':
      return `dnat ${r.in ?? (r.notIn ? `!${r.notIn}` : 'any')} ${r.protocol}/${r.port}${r.daddr ? ` ${r.daddr}` : ''} → ${r.to}:${r.toPort}`;
    case 'redirect':
      return `redirect ${r.in} ${r.protocol}/${r.port} → :${r.toPort}`;
    case 'hairpin-masquerade':
      return 'hairpin masquerade';
    case 'lb':
      return `lb ${r.name} ${r.protocol}/${r.port} ${r.daddr} → ${r.backends.map((b) => `${b.to}:${b.toPort}`).join(' | ')} (${r.scheduler}, ${r.mode})`;
  }
}

/** "net.ipv4.ip_forward" → "ip_forward": the tail is what people recognise. */
export const sysctlText = (key: string, value: string): string => `${key.split('.').slice(-2).join('.')}=${value}`;
