// DHCP and DNS on the OVN engine (docs/ovn.md, docs/dhcp-dns.md): test/fixtures/dhcp-lab.yaml
// on 2 simulated chassis. OVN's native DHCP (DHCP_Options rows) leases every client during `up`
// (a pool on the router, a reservation, a remote pool through the relay), OVN's DNS table
// answers the design's names, and verify passes. OVN answers, not the server: with the
// server's dnsmasq stopped, the other hosts still resolve every name. verify fails after a hand
// mutation of the Northbound (the DNS row deleted as well: their names no longer resolve; the
// DHCP options deleted and a client re-leasing: no lease); `up` puts the rows back and starts
// the dnsmasq again, verify passes, and `down` leaves nothing behind.
// Skipped by name where OVN, dnsmasq or busybox are missing (scripts/setup.sh installs them).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/apply/state.js';
import { deleteRows, failedChecks, leftovers, NOTHING, ovnVerify } from './ovn-verify.js';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { packageRoot } from '../../src/package-root.js';
import { example, isRoot, runner, uniqueLab } from './realize-helpers.js';

const FILE = join(packageRoot(), 'test', 'fixtures', 'dhcp-lab.yaml');
const ready = isRoot && ['/usr/sbin/dnsmasq', '/usr/bin/busybox'].every(existsSync) && (await ovnInstalled(runner));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await ovnEngine.down(l, runner, {}).catch(() => undefined);
});


async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t = Date.now();
  while (!(await ok())) {
    if (Date.now() - t > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!ready)(`DHCP and DNS on the OVN engine${ready ? '' : ' (skipped: needs root, OVN (ovn-central, ovn-host), dnsmasq-base and busybox)'}`, () => {
  it('OVN leases every client and answers the names; verify passes, fails after the rows are deleted, passes after up; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, FILE, { lab, chassis: '2' }, runner);
    const up = (await ovnEngine.up(plan, runner, { designFile })).json as { action: string; leases: { clients: number; missing: string[] } };
    expect(up.action).toBe('created');
    expect(up.leases).toMatchObject({ clients: 3, missing: [] });
    const st = await ovnEngine.status(lab, runner);
    expect(st.ok).toBe(true);
    const text = st.text(true);
    // The reservation exactly, the pools' first free addresses (what vnetmap chose for OVN), the relayed pool's router.
    expect(text).toContain('lease: pc2 eth0: 192.168.1.50/24 router 192.168.1.1');
    expect(text).toContain('lease: pc1 eth0: 192.168.1.100/24 router 192.168.1.1');
    expect(text).toContain('lease: pc3 eth0: 192.168.2.100/24 router 192.168.2.1');

    const good = await ovnVerify(lab);
    expect(failedChecks(good.checks)).toEqual([]);
    expect(good.unexplained).toBe(0);
    expect(good.checks.filter((c) => c.kind === 'dhcp' && c.ok)).toHaveLength(3);
    const answered = good.checks.filter((c) => c.kind === 'dns' && c.expected && c.ok);
    expect(answered.length).toBeGreaterThan(10);
    expect(answered.some((c) => c.from === 'pc3' && c.to === 'dhcpsrv')).toBe(true);

    // OVN answers, not the server: its dnsmasq stopped, only its own lookups go unanswered.
    const dnsmasq = readState(lab)!.daemons!['dnsmasq-dhcpsrv']!.pid;
    process.kill(dnsmasq, 'SIGTERM');
    await until('dnsmasq-dhcpsrv stopped', () => !existsSync(`/proc/${dnsmasq}`));
    expect((await ovnEngine.status(lab, runner)).text(true)).toContain('problem: daemon dnsmasq-dhcpsrv (node:dhcpsrv, dns:dhcpsrv) is not running');
    const noServer = failedChecks((await ovnVerify(lab, ['dns'])).checks);
    expect(noServer.length).toBeGreaterThan(0);
    expect(noServer.filter((c) => !c.startsWith('dns dhcpsrv ->'))).toEqual([]);

    // Mutation 1: the DNS row goes as well. Now the hosts' lookups find no answer either.
    expect(await deleteRows(lab, 'DNS')).toBe(1);
    const dnsFailed = failedChecks((await ovnVerify(lab, ['dns'])).checks);
    expect(dnsFailed.some((c) => c.startsWith('dns pc1 ->'))).toBe(true);
    expect(dnsFailed.some((c) => c.startsWith('dns pc3 ->'))).toBe(true);

    // Mutation 2: the DHCP options go, and pc1 releases its lease and asks again: OVN stays silent.
    expect(await deleteRows(lab, 'DHCP_Options')).toBe(2);
    const pid = readState(lab)!.daemons!['dhcp-pc1-eth0']!.pid;
    process.kill(pid, 'SIGUSR2'); // udhcpc: release (the hook flushes the address)
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid, 'SIGUSR1'); // udhcpc: renew, i.e. discover again
    await new Promise((r) => setTimeout(r, 1500));
    const noDhcp = await ovnVerify(lab, ['dhcp']);
    expect(failedChecks(noDhcp.checks)).toEqual(['dhcp pc1/eth0 -> pool 192.168.1.100-192.168.1.109']);
    expect((await ovnEngine.status(lab, runner)).ok).toBe(false); // the Northbound misses rows

    // up puts the rows back and starts the dnsmasq again; pc1, still asking, leases again.
    expect((await ovnEngine.up(plan, runner, { designFile })).json).toMatchObject({ action: 'repaired', restarted: ['northbound rows', 'daemon dnsmasq-dhcpsrv'] });
    await until('pc1 leases again', async () => failedChecks((await ovnVerify(lab, ['dhcp'])).checks).length === 0, 15_000);
    const again = await ovnVerify(lab);
    expect(failedChecks(again.checks)).toEqual([]);

    const down = (await ovnEngine.down(lab, runner, {})).json as { nbRows: number };
    expect(down.nbRows).toBe(2 + 2 + 1 + 1); // switches, router, DHCP options, DNS
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 120_000);

  it('examples/office-dhcp.yaml (VLANs, an L3 switch relaying to the DHCP/DNS server, NAT): verify passes; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, example('office-dhcp'), { lab, chassis: '2' }, runner);
    expect((await ovnEngine.up(plan, runner, { designFile })).json).toMatchObject({ action: 'created', leases: { clients: 4, missing: [] } });
    const r = await ovnVerify(lab);
    expect(failedChecks(r.checks)).toEqual([]);
    expect(r.unexplained).toBe(0);
    expect(r.checks.filter((c) => c.kind === 'dhcp')).toHaveLength(4);
    // internet cannot reach infra in the design: OVN has no DNS row on its switch, and it gets no answer.
    expect(r.checks.filter((c) => c.kind === 'dns' && c.from === 'internet').every((c) => !c.expected && c.ok)).toBe(true);
    expect(r.checks.filter((c) => c.kind === 'dns' && c.expected).length).toBeGreaterThan(20);
    await ovnEngine.down(lab, runner, {});
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);
});
