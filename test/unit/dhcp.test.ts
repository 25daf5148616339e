// DHCP and DNS offline (docs/dhcp-dns.md): who serves which client (its domain's scope, or a
// relay's remote scope), the address the offline stages assume (the reservation exactly, else
// the pool's first free one), the MAC the twin gives a client, the gateway from the router
// option; what counts as a lease from the right pool; the resolv.conf each namespace gets; the
// dnsmasq and udhcpc daemons of the plan; and that the expectation of a pool client follows its
// pool's subnet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildScope } from '../../src/apply/diff.js';
import { describe, expect, it } from 'vitest';
import { dhcpMac } from '../../src/model/leases.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { inPools } from '../../src/model/pools.js';
import type { Design, HostNode } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { DaemonObj } from '../../src/plan/types.js';
import { hostsFiles, resolvFiles } from '../../src/render/hosts.js';
import { compare } from '../../src/semantics/compare.js';
import { packageRoot } from '../../src/package-root.js';
import { DNS_SAMPLE, dnsSample } from '../../src/verify/dns-phase.js';

const FIXTURE = join(packageRoot(), 'test', 'fixtures', 'dhcp-lab.yaml');
const design = (): Design => loadDesignFile(FIXTURE).design!;
const host = (d: Design, name: string) => d.nodes.find((n) => n.name === name) as HostNode;

describe('leases the design gives', () => {
  it('a reservation exactly, a pool client the first free address, a relayed client from the remote scope', () => {
    const d = design();
    const pc1 = host(d, 'pc1').interfaces[0]!;
    const pc2 = host(d, 'pc2').interfaces[0]!;
    const pc3 = host(d, 'pc3').interfaces[0]!;
    expect(pc2.addresses.map((a) => a.text)).toEqual(['192.168.1.50/24']);
    expect(pc2.lease).toMatchObject({ server: 'gw', dev: 'lan1', reserved: pc2.addresses[0]!.ip });
    expect(pc1.addresses.map((a) => a.text)).toEqual(['192.168.1.100/24']);
    expect(pc1.lease).toMatchObject({ server: 'gw', pools: '192.168.1.100-192.168.1.109' });
    expect(pc3.addresses.map((a) => a.text)).toEqual(['192.168.2.100/24']);
    expect(pc3.lease).toMatchObject({ server: 'dhcpsrv', dev: 'eth0', relay: { node: 'gw', dev: 'lan2' } });
    // The default gateway comes from the router option: the serving interface, or the relay.
    expect([host(d, 'pc1').gateway, host(d, 'pc3').gateway].map((g) => g !== undefined && [g >>> 24, (g >>> 16) & 255, (g >>> 8) & 255, g & 255].join('.'))).toEqual(['192.168.1.1', '192.168.2.1']);
    expect(host(d, 'pc1').gatewayFromDhcp).toBe(true);
  });

  it('every client gets a stable locally administered MAC unless the design sets one', () => {
    const d = design();
    expect(host(d, 'pc1').interfaces[0]!.mac).toBe(dhcpMac('pc1', 'eth0'));
    expect(dhcpMac('pc1', 'eth0')).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(dhcpMac('pc1', 'eth0')).not.toBe(dhcpMac('pc2', 'eth0'));
  });

  it('a reservation by MAC meets the interface with that MAC; the pool skips reserved addresses', () => {
    const r = loadDesign(`
name: m
nodes:
  a: { kind: host, interfaces: { eth0: { address: dhcp } } }
  b: { kind: host, interfaces: { eth0: { address: dhcp, mac: 52:54:00:aa:00:01 } } }
  gw:
    kind: router
    interfaces: { lan: { address: 10.0.0.1/24 } }
    dhcp: { lan: { pools: [10.0.0.10-10.0.0.12], reservations: [{ mac: 52:54:00:AA:00:01, address: 10.0.0.11 }, { address: 10.0.0.10, client: "x:eth0" }] } }
  x: { kind: host, interfaces: { eth0: { address: 10.0.0.99/24 } } }
  sw: { kind: switch }
links:
  - endpoints: [a:eth0, sw:p1]
  - endpoints: [b:eth0, sw:p2]
  - endpoints: [gw:lan, sw:p3]
  - endpoints: [x:eth0, sw:p4]
`);
    expect(r.errors).toEqual([]);
    expect(host(r.design!, 'b').interfaces[0]!.addresses[0]!.text).toBe('10.0.0.11/24');
    expect(host(r.design!, 'a').interfaces[0]!.addresses[0]!.text).toBe('10.0.0.12/24');
  });
});

describe('a lease from the right pool', () => {
  it('is its reservation exactly, or inside one of the pools', () => {
    expect(inPools({ pools: '10.0.0.10-10.0.0.20, 10.0.1.1-10.0.1.5' }, '10.0.1.5')).toBe(true);
    expect(inPools({ pools: '10.0.0.10-10.0.0.20' }, '10.0.0.21')).toBe(false);
    expect(inPools({ pools: '10.0.0.10-10.0.0.20', reserved: '10.0.0.50' }, '10.0.0.15')).toBe(false);
    expect(inPools({ pools: '10.0.0.10-10.0.0.20', reserved: '10.0.0.50' }, '10.0.0.50')).toBe(true);
  });
});

describe('the twin of the services', () => {
  const plan = () => compile({ ...design(), name: 'u' }, { capabilities: PRESETS.minimal!, strategy: 'faithful' });
  const daemons = () => plan().objects.filter((o): o is DaemonObj => o.kind === 'daemon');

  it('one dnsmasq per serving node, its relay and its scopes in its own file; one udhcpc per client', () => {
    const byName = new Map(daemons().map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual(['dhcp-pc1-eth0', 'dhcp-pc2-eth0', 'dhcp-pc3-eth0', 'dnsmasq-dhcpsrv', 'dnsmasq-gw']);
    const gw = byName.get('dnsmasq-gw')!.files[0]!.content;
    expect(gw).toContain('dhcp-range=set:s0,192.168.1.100,192.168.1.109,255.255.255.0,3600');
    expect(gw).toContain(`dhcp-host=${dhcpMac('pc2', 'eth0')},192.168.1.50,3600`);
    expect(gw).toContain('dhcp-relay=192.168.2.1,192.168.1.10');
    expect(gw).toContain('port=0'); // no DNS on gw
    const srv = byName.get('dnsmasq-dhcpsrv')!;
    expect(srv.files[0]!.content).toContain('dhcp-option=tag:s0,option:router,192.168.2.1');
    expect(srv.files[1]!.content).toMatch(/^192\.168\.1\.50\tpc2\tpc2\.lab\.test$/m); // reserved: known before it runs
    expect(srv.files[1]!.content).not.toMatch(/\tpc1\b/); // a pool client: named by its DHCP request
    expect(srv.dns).toEqual({ node: 'dhcpsrv', addresses: ['192.168.1.10'], domain: 'lab.test' });
    expect(byName.get('dhcp-pc1-eth0')).toMatchObject({ role: 'dhcp-client', client: { dev: 'eth0', pools: '192.168.1.100-192.168.1.109', router: '192.168.1.1' } });
    // No address object for a client: its lease sets the address.
    expect(plan().objects.some((o) => o.kind === 'address' && o.namespace === 'vn-u-pc1')).toBe(false);
  });

  it('every node namespace asks the DNS server, its own subnet first; hosts files leave pool clients to DNS', () => {
    const p = plan();
    const resolv = new Map(resolvFiles(p).map((f) => [f.namespace, f.content]));
    expect(resolv.get('vn-u-pc3')).toContain('nameserver 192.168.1.10\nsearch lab.test\n');
    expect(resolv.get('vn-u-pc3')!.split('\n')[0]).toBe(hostsFiles(p)[0]!.content.split('\n')[0]); // the lab's marker
    const hosts = hostsFiles(p)[0]!.content;
    expect(hosts).toMatch(/^192\.168\.1\.50\tpc2$/m);
    expect(hosts).not.toMatch(/\tpc1$/m);
  });

  it('the twin reaches what the design reaches: a pool client behaves as its pool subnet', () => {
    const d = design();
    const cmp = compare(d, compile({ ...d, name: 'u' }, { capabilities: PRESETS.minimal!, strategy: 'faithful' }));
    expect(cmp.bugs).toEqual([]);
    expect(cmp.expected('iface:pc3/eth0', 'iface:pc1/eth0').reach).toBe(true);
  });
});

describe('which names each namespace asks', () => {
  it('all of them up to DNS_ALL_MAX lookups; beyond, its own and DNS_SAMPLE others, every name from several', () => {
    expect(dnsSample(3, 100, 101, 3, false)).toHaveLength(101);
    const n = 1000;
    const asks = Array.from({ length: n }, (_, i) => dnsSample(i, n, n, i, false));
    expect(asks.every((a, i) => a.includes(i) && a.length === DNS_SAMPLE + 1)).toBe(true);
    const askedBy = new Array<number>(n).fill(0);
    for (const a of asks) for (const j of a) askedBy[j]!++;
    expect(Math.min(...askedBy)).toBeGreaterThanOrEqual(DNS_SAMPLE);
    expect(dnsSample(0, n, n, 0, true)).toHaveLength(n);
  });
});

describe('a changed DHCP scope on a running lab', () => {
  it('rebuilds no namespace: its dnsmasq and its clients (their hook names the terms) are restarted as changed daemons', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const a = compile({ ...loadDesign(text).design!, name: 'u' }, { capabilities: PRESETS.minimal!, strategy: 'faithful' });
    const b = compile({ ...loadDesign(text.replace('192.168.1.100-192.168.1.109', '192.168.1.120-192.168.1.129')).design!, name: 'u' }, { capabilities: PRESETS.minimal!, strategy: 'faithful' });
    expect([...rebuildScope(a, b)!.scope.create]).toEqual([]);
    const hook = (p: typeof a, name: string) => p.objects.find((o): o is DaemonObj => o.kind === 'daemon' && o.name === name)!.files[0]!.content;
    expect(hook(a, 'dhcp-pc1-eth0')).not.toBe(hook(b, 'dhcp-pc1-eth0'));
    expect(hook(a, 'dhcp-pc2-eth0')).toBe(hook(b, 'dhcp-pc2-eth0')); // reserved: its terms did not change
  });
});
