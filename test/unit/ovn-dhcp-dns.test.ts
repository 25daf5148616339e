// DHCP and DNS on the OVN engine, offline (engines/ovn/plan/dhcp-dns.ts): goldens of the small
// DHCP/DNS lab (test/fixtures/dhcp-lab.yaml: a pool and a reservation on a router, a remote pool
// through a relay, DNS on a server) as plan, explanation, script and Northbound transaction;
// the rows themselves; and the designs OVN cannot build faithfully, refused with a message
// golden each (test/golden/ovn-dhcp/refuse-*.yaml). UPDATE_GOLDEN=1 rewrites them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { insertOps } from '../../src/engines/ovn/render/nb-json.js';
import { nbRows } from '../../src/engines/ovn/render/nb-rows.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { resolvFiles } from '../../src/render/hosts.js';
import { golden } from '../helpers/golden.js';

const OUT = 'test/golden/ovn-dhcp';
const compile = (file: string) => {
  const design = loadDesignFile(file).design!;
  return { design, plan: ovnEngine.compile(design, { capabilities: PRESETS.minimal!, chassis: 2 }) };
};

describe('DHCP and DNS on the OVN engine (dhcp-lab)', () => {
  const { design, plan } = compile('test/fixtures/dhcp-lab.yaml');

  it('goldens: plan, explanation, script, Northbound transaction; no mapping bug', async () => {
    await golden(join(OUT, 'dhcp-lab.json'), JSON.stringify(plan, null, 2) + '\n');
    await golden(join(OUT, 'dhcp-lab.explain.txt'), ovnEngine.explain(plan, design));
    await golden(join(OUT, 'dhcp-lab.sh'), ovnEngine.script(plan));
    await golden(join(OUT, 'dhcp-lab.nb.json'), JSON.stringify(insertOps(nbRows(plan)), null, 1) + '\n');
    expect(ovnEngine.compare(design, plan).bugs).toEqual([]);
  });

  it('each client port lists its chosen address and names its scope\'s DHCP_Options row', () => {
    const rows = nbRows(plan);
    const opts = rows.filter((r) => r.table === 'DHCP_Options');
    expect(opts.map((r) => r.row.cidr)).toEqual(['192.168.1.0/24', '192.168.2.0/24']);
    const options = (i: number) => Object.fromEntries((opts[i]!.row.options as ['map', [string, string][]])[1]);
    // The router's own scope: its address is server and router; the DNS server and domain the design gives.
    expect(options(0)).toMatchObject({ server_id: '192.168.1.1', router: '192.168.1.1', dns_server: '192.168.1.10', domain_name: '"lab.test"', lease_time: '3600' });
    // The remote scope through the relay: the server's address, the relay's as router, the relay port's MAC.
    const relayMac = plan.logical.find((o) => o.kind === 'lrp' && o.name === 'dhcp-lab.gw.lan2');
    expect(options(1)).toMatchObject({ server_id: '192.168.1.10', router: '192.168.2.1', lease_time: '600', server_mac: relayMac?.kind === 'lrp' ? relayMac.mac : 'none' });
    const port = (name: string) => rows.find((r) => r.table === 'Logical_Switch_Port' && r.row.name === name)!.row;
    expect((port('dhcp-lab.pc2.eth0').addresses as ['set', string[]])[1]).toEqual([expect.stringMatching(/^52:54:00:\S+ 192\.168\.1\.50$/)]); // the reservation
    expect((port('dhcp-lab.pc1.eth0').addresses as ['set', string[]])[1]).toEqual([expect.stringMatching(/ 192\.168\.1\.100$/)]); // the pool's first free address
    expect(port('dhcp-lab.pc1.eth0').dhcpv4_options).toEqual(['set', [['named-uuid', opts[0]!.id]]]);
    expect(port('dhcp-lab.pc3.eth0').dhcpv4_options).toEqual(['set', [['named-uuid', opts[1]!.id]]]);
    expect(port('dhcp-lab.dhcpsrv.eth0').dhcpv4_options).toBeUndefined(); // a fixed address asks nobody
    // Every row is the lab's, so down removes it.
    for (const r of rows) expect((r.row.external_ids as ['map', [string, string][]])[1]).toContainEqual(['vnetmap-lab', 'dhcp-lab']);
  });

  it('the DNS row holds the names the server answers and sits on the switches of the hosts that reach it; resolv.conf names the server', () => {
    const dns = plan.logical.find((o) => o.kind === 'dns');
    expect(dns?.kind === 'dns' && dns.records).toMatchObject({ pc2: '192.168.1.50', pc3: '192.168.2.100', dhcpsrv: '192.168.1.10', 'dhcpsrv.lab.test': '192.168.1.10', intranet: '192.168.1.10' });
    expect(dns?.kind === 'dns' && 'pc1' in dns.records).toBe(false); // gw leases pc1, and gw's dnsmasq is not the DNS server
    expect(dns?.kind === 'dns' && dns.switches).toEqual(['dhcp-lab.d1', 'dhcp-lab.d2']);
    // The design's DHCP servers run no dnsmasq: OVN answers; the DNS server keeps one for what OVN does not hold.
    const daemons = plan.local.objects.flatMap((o) => (o.kind === 'daemon' ? [`${o.name} ${o.role}`] : []));
    expect(daemons.sort()).toEqual(['dhcp-pc1-eth0 dhcp-client', 'dhcp-pc2-eth0 dhcp-client', 'dhcp-pc3-eth0 dhcp-client', 'dnsmasq-dhcpsrv dns']);
    for (const f of resolvFiles(plan.local)) expect(f.content).toContain('nameserver 192.168.1.10');
  });

  it('the external network that cannot reach the DNS server has no DNS row on its switch (office-dhcp)', () => {
    const { plan: office } = compile('examples/office-dhcp.yaml');
    const dns = office.logical.find((o) => o.kind === 'dns');
    const internet = office.logical.find((o) => o.kind === 'lsp' && o.node === 'internet');
    expect(dns?.kind === 'dns' && internet?.kind === 'lsp' && dns.switches.includes(internet.ls)).toBe(false);
    expect(dns?.kind === 'dns' && dns.switches.length).toBe(2);
  });
});

describe('DHCP and DNS of an L3 switch on the OVN engine (dns-router): the rows are the whole service', () => {
  const { design, plan } = compile('test/fixtures/dns-router.yaml');

  it('goldens: plan, explanation, Northbound transaction; no mapping bug', async () => {
    await golden(join(OUT, 'dns-router.json'), JSON.stringify(plan, null, 2) + '\n');
    await golden(join(OUT, 'dns-router.explain.txt'), ovnEngine.explain(plan, design));
    await golden(join(OUT, 'dns-router.nb.json'), JSON.stringify(insertOps(nbRows(plan)), null, 1) + '\n');
    expect(ovnEngine.compare(design, plan).bugs).toEqual([]);
  });

  it('no dnsmasq; the plan lists the service, and each host\'s resolv.conf names the SVI of its own VLAN', () => {
    expect(plan.local.objects.filter((o) => o.kind === 'daemon' && o.role !== 'dhcp-client')).toEqual([]);
    expect(plan.local.dns).toEqual([{ node: 'core', addresses: ['192.168.10.1', '192.168.20.1'], domain: 'corp.test' }]);
    const resolv = new Map(resolvFiles(plan.local).map((f) => [f.namespace, f.content]));
    expect(resolv.get('vn-dns-router-pc1')).toMatch(/^nameserver 192\.168\.10\.1$/m);
    expect(resolv.get('vn-dns-router-srv')).toMatch(/^nameserver 192\.168\.20\.1$/m);
    const dns = plan.logical.find((o) => o.kind === 'dns');
    // Pool clients too (core leases them), and every simple name with the domain, as dnsmasq's expand-hosts does.
    expect(dns?.kind === 'dns' && dns.records).toMatchObject({ pc1: '192.168.10.100', 'pc1.corp.test': '192.168.10.100', pc3: '192.168.20.33', intranet: '192.168.20.10', 'intranet.corp.test': '192.168.20.10' });
  });
});

it('every host leasing from a pool of a router that answers DNS still gets a resolv.conf naming it', () => {
  const { plan } = compile(join(OUT, 'all-dhcp-router.yaml'));
  const files = resolvFiles(plan.local);
  expect(files.map((f) => f.namespace).sort()).toEqual(['vn-all-dhcp-h1', 'vn-all-dhcp-h2']);
  for (const f of files) expect(f.content).toContain('nameserver 10.20.0.1');
});

describe('designs OVN cannot build faithfully are refused, saying what to do', () => {
  const refused = readdirSync(OUT).filter((f) => f.startsWith('refuse-') && f.endsWith('.yaml')).sort();
  it.each(refused)('%s', async (f) => {
    let error: unknown;
    try {
      compile(join(OUT, f));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    await golden(join(OUT, f.replace(/\.yaml$/, '.error.txt')), `${(error as Error).message}\n`);
  });
});
