// Hand-written plans in the shape of src/plan/types.ts, so the twin drawing is tested on every
// object kind even where the compiler does not emit it (VLAN devices, TAPs, OVS, macvtap).
import { PRESETS } from '../../src/plan/capabilities.js';
import type { Plan, PlanObject, VethEnd } from '../../src/plan/types.js';

const ns = (n: string) => `vn-fx-${n}`;
const end = (node: string, name: string, extra: Partial<VethEnd> = {}): VethEnd => ({ namespace: ns(node), name, ...extra });

/** Network A, faithful (seed A_V0): one namespace per node, a bridge per switch, a veth per cable. */
export function networkAFaithful(): Plan {
  const o: PlanObject[] = [];
  const hosts = ['pc1', 'pc2', 'pc3', 'pc4', 'pc5'];
  for (const h of hosts) o.push({ kind: 'netns', name: ns(h), node: h, role: 'host', realizes: [`node:${h}`] });
  o.push({ kind: 'netns', name: ns('access-sw'), node: 'access-sw', role: 'switch', realizes: ['node:access-sw'] });
  o.push({ kind: 'netns', name: ns('agg-sw'), node: 'agg-sw', role: 'switch', realizes: ['node:agg-sw'] });
  o.push({ kind: 'netns', name: ns('gw'), node: 'gw', role: 'router', realizes: ['node:gw'] });
  o.push({ kind: 'netns', name: ns('internet'), node: 'internet', role: 'external', realizes: ['node:internet'] });
  o.push({ kind: 'bridge', namespace: ns('access-sw'), name: 'br0', stp: false, realizes: ['node:access-sw'] });
  o.push({ kind: 'bridge', namespace: ns('agg-sw'), name: 'br0', stp: false, realizes: ['node:agg-sw'] });
  const link = (i: number, a: VethEnd, b: VethEnd, refs: string[]) => o.push({ kind: 'veth', a, b, realizes: [`link:${i}`, ...refs] });
  hosts.slice(0, 4).forEach((h, i) =>
    link(i + 1, end(h, 'eth0'), end('access-sw', `p${i + 1}`, { master: 'br0' }), [`iface:${h}/eth0`, `port:access-sw/p${i + 1}`]),
  );
  link(5, end('access-sw', 'uplink', { master: 'br0' }), end('agg-sw', 'p1', { master: 'br0' }), ['port:access-sw/uplink', 'port:agg-sw/p1']);
  link(6, end('pc5', 'eth0'), end('agg-sw', 'p2', { master: 'br0' }), ['iface:pc5/eth0', 'port:agg-sw/p2']);
  link(7, end('agg-sw', 'p24', { master: 'br0' }), end('gw', 'lan'), ['port:agg-sw/p24', 'iface:gw/lan']);
  link(8, end('gw', 'wan'), end('internet', 'eth0'), ['iface:gw/wan', 'iface:internet/eth0']);
  hosts.forEach((h, i) => {
    o.push({ kind: 'address', namespace: ns(h), dev: 'eth0', cidr: `192.168.1.1${i + 1}/24`, realizes: [`iface:${h}/eth0`] });
    o.push({ kind: 'route', namespace: ns(h), to: 'default', via: '192.168.1.1', realizes: [`gateway:${h}`] });
  });
  o.push({ kind: 'address', namespace: ns('gw'), dev: 'lan', cidr: '192.168.1.1/24', realizes: ['iface:gw/lan'] });
  o.push({ kind: 'address', namespace: ns('gw'), dev: 'wan', cidr: '203.0.113.2/24', realizes: ['iface:gw/wan'] });
  o.push({ kind: 'address', namespace: ns('internet'), dev: 'eth0', cidr: '203.0.113.1/24', realizes: ['iface:internet/eth0'] });
  o.push({ kind: 'route', namespace: ns('gw'), to: 'default', via: '203.0.113.1', realizes: ['gateway:gw'] });
  o.push({ kind: 'sysctl', namespace: ns('gw'), key: 'net.ipv4.ip_forward', value: '1', realizes: ['node:gw'] });
  o.push({
    kind: 'nft',
    namespace: ns('gw'),
    table: 'vnetmap',
    rules: [
      { type: 'masquerade', out: 'wan', from: '192.168.1.0/24', realizes: ['masquerade:gw/0'] },
      { type: 'dnat', in: 'wan', protocol: 'tcp', port: 8080, to: '192.168.1.11', toPort: 80, realizes: ['forward:gw/0'] },
    ],
    realizes: ['masquerade:gw/0', 'forward:gw/0'],
  });
  o.push({ kind: 'hosts', namespace: ns('pc1'), entries: [{ name: 'gw', ip: '192.168.1.1' }], realizes: ['node:pc1'] });
  const endpoints = [...hosts.map((h, i) => ({ ref: `iface:${h}/eth0`, node: h, namespace: ns(h), dev: 'eth0', addresses: [`192.168.1.1${i + 1}/24`] }))];
  endpoints.push({ ref: 'iface:gw/lan', node: 'gw', namespace: ns('gw'), dev: 'lan', addresses: ['192.168.1.1/24'] });
  return {
    lab: 'fx',
    labId: 'ab12',
    strategy: 'faithful',
    capabilities: PRESETS.full!,
    choices: [],
    objects: o,
    deviations: [],
    endpoints,
  };
}

/** Network B's servers with Open vSwitch as the top-of-rack switch, macvtap VMs, a TAP and a VLAN device. */
export function networkBServersMixed(): Plan {
  const o: PlanObject[] = [];
  const servers = { 'host-a': ['pc1', 'pc2'], 'host-b': ['pc6'], 'host-c': ['pc3', 'pc4', 'pc5'] } as const;
  o.push({ kind: 'ovs-bridge', name: 'vnab120', datapath: 'netdev', stp: false, realizes: ['node:tor'] });
  let n = 1;
  const trunks: Record<string, number[]> = { 'host-a': [10, 20], 'host-b': [30], 'host-c': [10, 20, 30] };
  for (const [srv, vms] of Object.entries(servers)) {
    o.push({ kind: 'netns', name: ns(srv), node: srv, role: 'server', realizes: [`node:${srv}`] });
    const root = `vnab12${n}`;
    o.push({ kind: 'veth', a: { namespace: null, name: root, ovsBridge: 'vnab120', txOff: true }, b: end(srv, 'eth0', { txOff: true }), realizes: [`link:${n}`, `iface:${srv}/eth0`, `port:tor/p${n}`] });
    o.push({ kind: 'ovs-port', bridge: 'vnab120', name: root, trunks: trunks[srv], vlanMode: 'trunk', hairpin: srv === 'host-c', realizes: [`port:tor/p${n}`, `link:${n}`] });
    n++;
    for (const vm of vms) {
      o.push({ kind: 'netns', name: ns(vm), node: vm, role: 'vm', realizes: [`node:${vm}`] });
      o.push({ kind: 'macvlan', namespace: ns(vm), name: 'eth0', parent: { namespace: ns(srv), name: 'eth0' }, mode: srv === 'host-c' ? 'vepa' : 'bridge', tap: true, realizes: [`iface:${vm}/eth0`] });
    }
  }
  o.push({ kind: 'netns', name: ns('core'), node: 'core', role: 'l3-switch', realizes: ['node:core'] });
  o.push({ kind: 'veth', a: { namespace: null, name: 'vnab124', ovsBridge: 'vnab120', txOff: true }, b: end('core', 'p1', { master: 'br0' }), realizes: ['link:4', 'port:tor/p24', 'port:core/p1'] });
  o.push({ kind: 'ovs-port', bridge: 'vnab120', name: 'vnab124', trunks: [10, 20, 30], realizes: ['port:tor/p24'] });
  o.push({ kind: 'bridge', namespace: ns('core'), name: 'br0', stp: false, vlanFiltering: true, realizes: ['node:core'] });
  o.push({ kind: 'bridge-port', namespace: ns('core'), dev: 'p1', vlans: [{ vid: 10 }, { vid: 20 }, { vid: 30 }], realizes: ['port:core/p1'] });
  o.push({ kind: 'vlan', namespace: ns('core'), name: 'vlan10', parent: 'br0', vid: 10, realizes: ['svi:core/10'] });
  o.push({ kind: 'tap', namespace: ns('core'), name: 'tap0', master: 'br0', qemuArgs: ['-netdev', 'tap,id=n0,ifname=tap0,script=no'], realizes: ['node:core'] });
  o.push({ kind: 'address', namespace: ns('core'), dev: 'vlan10', cidr: '192.168.10.1/24', realizes: ['svi:core/10'] });
  return {
    lab: 'fx',
    labId: 'ab12',
    strategy: 'macvtap',
    capabilities: PRESETS.minimal!,
    choices: [{ feature: 'vlan', chosen: 'ovs', why: 'the kernel lacks 8021q and bridge vlan_filtering' }],
    objects: o,
    deviations: [{ code: 'macvtap-bridge-no-host', message: 'a VM cannot reach its own server', realizes: ['node:host-a'] }],
    endpoints: [],
  };
}
