// One line of text per plan object, for `vnetmap plan` tables and explanations.
import type { NatRule, Netns, PlanObject, VethEnd } from './types.js';
import { routingText, tunnelText } from './describe-routing.js';

export const nsText = (ns: Netns): string => ns ?? '(root)';

function endText(e: VethEnd): string {
  const att = e.master ? ` master ${e.master}` : e.ovsBridge ? ` ovs ${e.ovsBridge}` : '';
  return `${nsText(e.namespace)}:${e.name}${att}${e.txOff ? ' tx-off' : ''}${e.mac ? ` mac ${e.mac}` : ''}${e.mtu ? ` mtu ${e.mtu}` : ''}`;
}

export function ruleText(r: NatRule): string {
  switch (r.type) {
    case 'masquerade':
      return `masquerade oif ${r.out}${r.from ? ` saddr ${r.from}` : ''}`;
    case 'snat':
      return `snat oif ${r.out}${r.from ? ` saddr ${r.from}` : ''} to ${r.to}`;
    case 'dnat':
      return `dnat${r.in ? ` iif ${r.in}` : r.notIn ? ` iif != ${r.notIn}` : ''}${r.daddr ? ` daddr ${r.daddr}` : ''} ${r.protocol} dport ${r.port}${r.hairpin ? ' mark hairpin' : ''} to ${r.to}:${r.toPort}`;
    case 'redirect':
      return `redirect iif ${r.in} ${r.protocol} dport ${r.port} to :${r.toPort}`;
    case 'hairpin-masquerade':
      return 'masquerade mark hairpin';
    case 'lb':
      return `load balancer ${r.name} daddr ${r.daddr} ${r.protocol} dport ${r.port} ${r.scheduler} ${r.mode} to ${r.backends.map((b) => `${b.to}:${b.toPort}${r.scheduler === 'wrr' ? ` weight ${b.weight}` : ''}`).join(', ')}`;
  }
}

export function describe(o: PlanObject): string {
  switch (o.kind) {
    case 'netns':
      return `netns ${o.name} (${o.role})`;
    case 'bridge':
      return `bridge ${o.name} in ${nsText(o.namespace)}${o.stp ? ' stp' : ''}${o.vlanFiltering ? ' vlan_filtering' : ''}${o.mtu ? ` mtu ${o.mtu}` : ''}`;
    case 'veth':
      return `veth ${endText(o.a)} <-> ${endText(o.b)}`;
    case 'tap':
      return `tap ${o.name} in ${nsText(o.namespace)}${o.master ? ` master ${o.master}` : ''}${o.mac ? ` mac ${o.mac}` : ''}`;
    case 'macvlan':
      return `${o.tap ? 'macvtap' : 'macvlan'} ${o.name} in ${nsText(o.namespace)} on ${nsText(o.parent.namespace)}:${o.parent.name} mode ${o.mode}`;
    case 'vlan':
      return `vlan ${o.name} in ${nsText(o.namespace)} on ${o.parent} id ${o.vid}${o.master ? ` master ${o.master}` : ''}`;
    case 'bridge-port': {
      const vlans = o.vlans?.map((v) => `${v.vid}${v.pvid ? ' pvid' : ''}${v.untagged ? ' untagged' : ''}`).join(', ');
      return `bridge-port ${o.dev}${o.self ? ' (self)' : ''} in ${nsText(o.namespace)}${o.hairpin ? ' hairpin' : ''}${vlans !== undefined ? ` vlans [${vlans}]` : ''}`;
    }
    case 'ovs-bridge':
      return `ovs-bridge ${o.name} (${o.datapath})${o.stp ? ' stp' : ''}`;
    case 'ovs-port':
      return `ovs-port ${o.name} on ${o.bridge}${o.tag !== undefined ? ` tag ${o.tag}` : ''}${o.trunks ? ` trunks ${o.trunks.join(',')}` : ''}${o.vlanMode ? ` ${o.vlanMode}` : ''}${o.hairpin ? ' hairpin' : ''}`;
    case 'address':
      return `address ${o.cidr} on ${o.dev} in ${nsText(o.namespace)}`;
    case 'route':
      return `route ${o.to}${o.via ? ` via ${o.via}` : ''}${o.dev ? ` dev ${o.dev}` : ''} in ${nsText(o.namespace)}`;
    case 'sysctl':
      return `sysctl ${o.key}=${o.value} in ${nsText(o.namespace)}`;
    case 'nft':
      if (o.filter) return `nft table ${o.family ?? 'ip'} ${o.table} in ${nsText(o.namespace)} (firewall: ${o.filter.rules.length} rule${o.filter.rules.length === 1 ? '' : 's'}, policies ${o.filter.policy.input}/${o.filter.policy.forward}/${o.filter.policy.output}${o.filter.stateful ? ', stateful' : ''})`;
      return `nft table ${o.table} in ${nsText(o.namespace)} (${o.rules.length} rule${o.rules.length === 1 ? '' : 's'})`;
    case 'hosts':
      return `hosts in ${o.namespace}: ${o.entries.map((e) => `${e.name}=${e.ip}`).join(', ')}`;
    case 'daemon':
      return `daemon ${o.name} in ${nsText(o.namespace)}: ${o.argv.join(' ')}${o.port ? ` (serves ${o.port.protocol}/${o.port.port})` : ''}`;
    case 'ipvs':
      return `ipvs ${o.name} in ${o.namespace}: ${o.protocol} ${o.vip}:${o.port} ${o.scheduler} masq to ${o.backends.map((b) => `${b.addr}:${b.port} weight ${b.weight}`).join(', ')}`;
    case 'exec':
      return `exec in ${o.namespace} (${o.node}): ${o.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
    case 'routing':
      return routingText(o);
    case 'tunnel':
      return tunnelText(o);
  }
}

/** Name and namespace of any object, for JSON consumers that want them on every object. */
export function nameOf(o: PlanObject): { name: string; namespace: Netns } {
  switch (o.kind) {
    case 'veth':
      return { name: o.a.name, namespace: o.a.namespace };
    case 'netns':
      return { name: o.name, namespace: null };
    case 'ovs-bridge':
    case 'ovs-port':
      return { name: o.name, namespace: null };
    case 'bridge-port':
    case 'address':
      return { name: o.dev, namespace: o.namespace };
    case 'route':
      return { name: o.to, namespace: o.namespace };
    case 'sysctl':
      return { name: o.key, namespace: o.namespace };
    case 'nft':
      return { name: o.table, namespace: o.namespace };
    case 'hosts':
      return { name: 'hosts', namespace: o.namespace };
    case 'routing':
      return { name: 'routing', namespace: o.namespace };
    case 'exec':
      return { name: `exec ${o.argv[0]}`, namespace: o.namespace };
    default:
      return { name: o.name, namespace: o.namespace };
  }
}
