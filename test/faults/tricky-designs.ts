// Tricky but valid designs, from a small grammar: names at their length limits and next to
// the names the kernel and the twin keep (br-0, vlanx, x.10a, all1, vnet0, unplug0), VLAN
// ids 1 and 4094, MTUs from 1280 to 65535, MACs on every interface and one MAC on every SVI of
// an L3 switch, a switch cabled to itself, trunks with a native VLAN, VMs on a server, hosts
// entries and Unicode labels. Every choice keeps the design valid; the rule they test is
// "anything validate accepts must build" (tricky-designs.test.ts compiles them under every
// strategy, test/kernel/tricky-designs.test.ts builds some on the real kernel).
import fc from 'fast-check';
import { stringify } from 'yaml';
import { FABRIC_NODE, reservedIfname } from '../../src/model/reserved.js';

const NEAR_RESERVED = ['eth0', 'br-0', 'br0x', 'xbr0', 'vlan', 'vlan-10', 'vlanx', 'x.10a', 'all1', 'default0', 'lo0', 'eth0.x', 'bonding', 'a.b', 'A_B-c.D', 'unplug0', 'vnet0', 'macvtap0', 'd1', 'ABCDEFGHIJKLMNO'];

/** Names of JavaScript's object machinery are valid names too; a lookup in a plain object would find the prototype's. */
const JS_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const anyIfName = fc.oneof(fc.constantFrom(...NEAR_RESERVED, ...JS_NAMES.filter((n) => n.length <= 15)), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/));
/** Interface names of hosts, routers and VMs (only the kernel's are taken), and ports of switches, L3 switches and servers. */
const ifName = anyIfName.filter((n) => !reservedIfname(n, 'host'));
const portName = fc.oneof(anyIfName, fc.constantFrom('enp129s0f0np0', 'enp129s0f0np1', 'uplink-to-core1', 'uplink-to-core2')).filter((n) => !reservedIfname(n, 'switch'));
const nodeName = fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,23}$/), fc.constantFrom(...JS_NAMES)).filter((n) => n !== FABRIC_NODE);
const text = fc.string({ unit: 'grapheme', maxLength: 16 }).map((s) => s.replace(/[\p{Cc}\p{Cf}]/gu, ''));
const mtu = fc.constantFrom(undefined, undefined, 1280, 1500, 9000, 65535);
const hostName = fc.oneof(fc.constantFrom('VNETMAP-EOF', 'web-1.lab', 'a.b.c'), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/));

export const trickyShape = fc.record({
  aware: fc.boolean(),
  vlans: fc.uniqueArray(fc.constantFrom(1, 2, 100, 4094), { minLength: 1, maxLength: 3 }),
  native: fc.boolean(),
  switches: fc.array(fc.record({ name: nodeName, stp: fc.boolean(), up: portName, down: portName, mtu }), { minLength: 1, maxLength: 3 }),
  selfLoop: fc.option(fc.tuple(portName, portName), { nil: undefined }),
  hosts: fc.array(fc.record({ name: nodeName, iface: ifName, port: portName, sw: fc.nat(), vlan: fc.nat(), mac: fc.boolean(), mtu }), { minLength: 1, maxLength: 4 }),
  l3: fc.option(fc.record({ name: nodeName, port: portName, routed: fc.option(portName, { nil: undefined }), mac: fc.boolean() }), { nil: undefined }),
  router: fc.option(fc.record({ name: nodeName, lan: ifName, port: portName }), { nil: undefined }),
  server: fc.option(
    fc.record({ name: nodeName, nic: portName, nic2: fc.option(portName, { nil: undefined }), port: portName, vms: fc.array(fc.record({ name: nodeName, iface: ifName, vlan: fc.nat(), second: fc.boolean() }), { minLength: 1, maxLength: 3 }) }),
    { nil: undefined },
  ),
  entries: fc.array(hostName, { maxLength: 3 }),
  description: text,
  label: text,
});
export type TrickyShape = typeof trickyShape extends fc.Arbitrary<infer T> ? T : never;

/** The design document of a shape (lab name `lab`). */
export function trickyDesign(s: TrickyShape, lab: string): string {
  const nodes: Record<string, Record<string, unknown>> = {};
  const links: Record<string, unknown>[] = [];
  const taken = new Set<string>();
  /** A node name not yet used in any letter case (namespace names would clash). */
  const node = (want: string, fallback: string): string => {
    const name = taken.has(want.toLowerCase()) ? `${fallback}${taken.size}` : want;
    taken.add(name.toLowerCase());
    return name;
  };
  const ports = new Map<string, Set<string>>();
  /** A port of a switch not yet cabled; a fresh pN when the wanted name is. */
  const port = (sw: string, want: string): string => {
    const used = ports.get(sw) ?? new Set<string>();
    ports.set(sw, used);
    let name = want;
    for (let n = used.size; used.has(name); n++) name = `p${n}`;
    used.add(name);
    return `${sw}:${name}`;
  };
  const vlans: number[] = s.vlans;
  const vlanOf = (k: number) => vlans[k % vlans.length]!;
  const subnet = (v: number) => vlans.indexOf(v) + 1;
  const trunk = s.aware ? (s.native && vlans.length > 1 ? { trunk: vlans.slice(1), native: vlans[0] } : { trunk: vlans }) : {};
  const mac = (a: number, b: number) => `02:00:${a.toString(16).padStart(2, '0')}:00:00:${b.toString(16).padStart(2, '0')}`;

  const sws = s.switches.map((x) => ({ ...x, name: node(x.name, 'sw') }));
  sws.forEach((x, i) => {
    nodes[x.name] = { kind: 'switch', 'vlan-aware': s.aware, stp: x.stp, ...(i === 0 ? { label: s.label } : {}) };
    if (i > 0) links.push({ endpoints: [port(x.name, x.up), port(sws[i - 1]!.name, x.down)], ...trunk, ...(x.mtu ? { mtu: x.mtu } : {}) });
  });
  const swAt = (k: number) => sws[k % sws.length]!.name;
  if (s.selfLoop) links.push({ endpoints: [port(sws[0]!.name, s.selfLoop[0]), port(sws[0]!.name, s.selfLoop[1])], ...(s.aware ? { vlan: vlans[0] } : {}) });

  const gateways = new Map<number, string>();
  if (s.l3 && s.aware) {
    const name = node(s.l3.name, 'core');
    const svis = Object.fromEntries(vlans.map((v) => [v, { address: `10.${subnet(v)}.0.1/24`, ...(s.l3!.mac ? { mac: '02:00:00:00:0a:01' } : {}) }]));
    nodes[name] = { kind: 'l3-switch', vlans: svis, ...(s.l3.routed ? { interfaces: { [s.l3.routed]: { address: '10.200.0.1/24' } } } : {}) };
    links.push({ endpoints: [`${name}:${s.l3.port === s.l3.routed ? 'trunk0' : s.l3.port}`, port(swAt(0), 'core')], trunk: vlans });
    for (const v of vlans) gateways.set(v, `10.${subnet(v)}.0.1`);
  } else if (s.router) {
    const name = node(s.router.name, 'gw');
    const v = vlans[0]!;
    nodes[name] = { kind: 'router', interfaces: { [s.router.lan]: { address: `10.${subnet(v)}.0.254/24` } } };
    links.push({ endpoints: [`${name}:${s.router.lan}`, port(swAt(0), s.router.port)], ...(s.aware ? { vlan: v } : {}) });
    gateways.set(v, `10.${subnet(v)}.0.254`);
  }

  s.hosts.forEach((h, i) => {
    const name = node(h.name, 'pc');
    // Without VLAN-aware switches every host shares one segment: one subnet.
    const v = s.aware ? vlanOf(h.vlan) : vlans[0]!;
    const gw = gateways.get(v);
    nodes[name] = {
      kind: 'host',
      interfaces: { [h.iface]: { address: `10.${subnet(v)}.0.${10 + i}/24`, ...(h.mac ? { mac: mac(1, i) } : {}), ...(h.mtu ? { mtu: h.mtu } : {}) } },
      ...(gw ? { gateway: gw } : {}),
      ...(i === 0 && s.entries.length ? { hosts: Object.fromEntries(s.entries.map((e, k) => [e, `10.250.0.${k + 1}`])) } : {}),
    };
    links.push({ endpoints: [`${name}:${h.iface}`, port(swAt(h.sw), h.port)], ...(s.aware ? { vlan: v } : {}) });
  });

  if (s.server) {
    const name = node(s.server.name, 'srv');
    const nics = [...new Set([s.server.nic, s.server.nic2 ?? s.server.nic])];
    nodes[name] = { kind: 'server', interfaces: Object.fromEntries(nics.map((n) => [n, {}])) };
    for (const n of nics) links.push({ endpoints: [`${name}:${n}`, port(swAt(nics.indexOf(n)), s.server.port)], ...trunk });
    s.server.vms.forEach((m, j) => {
      const v = s.aware ? vlanOf(m.vlan) : vlans[0]!;
      const uplink = nics.length > 1 ? { uplink: nics[m.second ? 1 : 0] } : {};
      nodes[node(m.name, 'vm')] = { kind: 'vm', server: name, interfaces: { [m.iface]: { address: `10.${subnet(v)}.0.${100 + j}/24`, mac: mac(2, j), ...uplink, ...(s.aware ? { vlan: v } : {}) } } };
    });
  }
  return stringify({ name: lab, description: s.description, nodes, links });
}
