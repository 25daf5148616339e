// DHCP and DNS of an L3 switch on the OVN engine (test/fixtures/dns-router.yaml, 2 simulated
// chassis): the L3 switch is a logical router, which runs no program, so OVN's DHCP_Options and
// DNS rows are the whole service. Every client leases during `up`, verify passes (each host
// asks the SVI of its own VLAN, and OVN's switch answers), a name OVN does not hold is refused
// by the router ("port unreachable", the deviation says so), deleting the DNS row makes verify
// fail, and `down` leaves nothing. The exported script builds the same: its clients, started
// before the Northbound rows, lease once OVN answers. Skipped by name where OVN or busybox are missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRows, failedChecks, leftovers, NOTHING, ovnVerify } from './ovn-verify.js';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { packageRoot } from '../../src/package-root.js';
import { isRoot, runner, uniqueLab } from './realize-helpers.js';

const FILE = join(packageRoot(), 'test', 'fixtures', 'dns-router.yaml');
const ready = isRoot && existsSync('/usr/bin/busybox') && (await ovnInstalled(runner));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await ovnEngine.down(l, runner, {}).catch(() => undefined);
});


/** One DNS query for `name` from namespace `ns` to `server`, on a connected UDP socket: the answer's size, or the error (ECONNREFUSED: port unreachable). */
async function ask(ns: string, server: string, name: string): Promise<string> {
  const py = `import socket,struct
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(1); s.connect(('${server}',53))
q=b''.join(bytes([len(p)])+p.encode() for p in '${name}'.split('.'))+b'\\x00'
s.send(struct.pack('>HHHHHH',7,0x0100,1,0,0,0)+q+struct.pack('>HH',1,1))
try:
  r=s.recv(512); print('answers', struct.unpack('>H', r[6:8])[0])
except ConnectionRefusedError: print('refused')
except socket.timeout: print('timeout')`;
  return (await runner.run(['ip', 'netns', 'exec', ns, '/usr/bin/python3', '-c', py], { timeoutMs: 5_000 })).stdout.trim();
}

describe.skipIf(!ready)(`DHCP and DNS of an L3 switch on the OVN engine${ready ? '' : ' (skipped: needs root, OVN (ovn-central, ovn-host) and busybox)'}`, () => {
  it('OVN alone serves DHCP and DNS of a logical router; verify passes, fails without the DNS row; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, FILE, { lab, chassis: '2' }, runner);
    expect(plan.local.objects.filter((o) => o.kind === 'daemon' && o.role !== 'dhcp-client')).toEqual([]); // no dnsmasq anywhere
    expect((await ovnEngine.up(plan, runner, { designFile })).json).toMatchObject({ action: 'created', leases: { clients: 3, missing: [] } });
    const good = await ovnVerify(lab);
    expect(failedChecks(good.checks)).toEqual([]);
    expect(good.unexplained).toBe(0);
    expect(good.checks.filter((c) => c.kind === 'dns' && c.expected && c.ok).length).toBeGreaterThan(20);
    const pc1 = `vn-${lab}-pc1`;
    expect(await ask(pc1, '192.168.10.1', 'srv.corp.test')).toBe('answers 1');
    expect(await ask(pc1, '192.168.10.1', 'intranet.corp.test')).toBe('answers 1'); // a hosts entry, with the domain (dnsmasq's expand-hosts)
    expect(await ask(pc1, '192.168.10.1', 'nosuch.corp.test')).toBe('refused'); // the logical router: port unreachable

    expect(await deleteRows(lab, 'DNS')).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    const bad = failedChecks((await ovnVerify(lab, ['dns'])).checks);
    expect(bad.some((c) => c.startsWith('dns pc1 ->'))).toBe(true);
    expect(bad.some((c) => c.startsWith('dns srv ->'))).toBe(true);

    await ovnEngine.down(lab, runner, {});
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);

  it('the exported script: every client leases from OVN and names resolve; vnetmap down removes it', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan } = await planFromDesignFile(ovnEngine, FILE, { lab, chassis: '2' }, runner);
    const up = await runner.run(['bash', '-s', 'up'], { input: ovnEngine.script(plan), allowFail: true, timeoutMs: 90_000 });
    expect(up.code, up.stderr.slice(-500)).toBe(0);
    const addr = async (node: string) => (await runner.run(['ip', '-n', `vn-${lab}-${node}`, '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { allowFail: true })).stdout;
    // udhcpc retries every second, then rests two: its lease comes a few seconds after the rows.
    const want = { pc1: '192.168.10.100/24', pc2: '192.168.20.100/24', pc3: '192.168.20.33/24' };
    for (let t = Date.now(); Date.now() - t < 15_000; await new Promise((r) => setTimeout(r, 200))) {
      const got = await Promise.all(Object.keys(want).map(addr));
      if (Object.values(want).every((a, i) => got[i]!.includes(` ${a} `))) break;
    }
    for (const [node, a] of Object.entries(want)) expect(await addr(node)).toContain(` ${a} `);
    expect(await ask(`vn-${lab}-pc3`, '192.168.20.1', 'pc1.corp.test')).toBe('answers 1');
    await ovnEngine.down(lab, runner, {});
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);
});
