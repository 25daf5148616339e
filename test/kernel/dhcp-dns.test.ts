// DHCP and DNS on the real kernel (docs/dhcp-dns.md): `up` starts a dnsmasq per serving node and
// a DHCP client per `address: dhcp` interface and returns once every client holds a lease (the
// reserved one exactly, the others from their pool, one through a relay); status lists them
// without calling them drift; names resolve through the resolv.conf vnetmap wrote; verify
// passes, and fails on exactly what breaks: a client whose address is not from its pool, a DNS
// server that is gone. `down` leaves nothing, /etc/netns included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { readState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { loadDesignFile } from '../../src/model/load.js';
import { packageRoot } from '../../src/package-root.js';
import { verifyLive } from '../../src/verify/verify.js';
import { isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const FILE = join(packageRoot(), 'test', 'fixtures', 'dhcp-lab.yaml');
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

const hasTools = isRoot && ['/usr/sbin/dnsmasq', '/usr/bin/busybox'].every((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!hasTools)(`DHCP and DNS in the twin${hasTools ? '' : ' (skipped: needs root, dnsmasq-base and busybox)'}`, () => {
  it('leases during up, shows leases, resolves names, verifies, and fails where the twin breaks', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan } = await planFromDesignFile(kernelEngine, FILE, { lab, strategy: 'faithful' }, runner);
    const design = { ...loadDesignFile(FILE).design!, name: lab };
    const res = await applyPlan(plan, runner, { designFile: FILE });
    expect(res.leases).toMatchObject({ clients: 3, missing: [] });
    expect(res.leases!.ms).toBeLessThan(3000);

    const st = await labStatus(lab, runner);
    expect(st.drift).toEqual([]);
    const leases = new Map(st.leases!.map((l) => [l.node, l]));
    expect(leases.get('pc2')).toMatchObject({ ip: '192.168.1.50', prefix: 24, router: '192.168.1.1', fits: true });
    expect(leases.get('pc1')!.fits).toBe(true);
    expect(leases.get('pc1')!.ip).toMatch(/^192\.168\.1\.10\d$/);
    // pc3 is served through gw's relay, from dhcpsrv's remote scope; its router is the relay.
    expect(leases.get('pc3')).toMatchObject({ router: '192.168.2.1', fits: true, server: 'dhcpsrv eth0' });
    expect(leases.get('pc3')!.ip).toMatch(/^192\.168\.2\.10\d$/);

    // glibc in the namespace uses the resolv.conf vnetmap wrote (ip netns exec binds it).
    const getent = await runner.run(['ip', 'netns', 'exec', nsOf(plan, 'pc3'), 'timeout', '5', 'getent', 'hosts', 'pc2.lab.test'], { allowFail: true });
    expect(getent.stdout).toMatch(/^192\.168\.1\.50\s/);

    const ok = await verifyLive(plan, design, runner, { concurrency: 8 });
    const kinds = (k: string) => ok.checks.filter((c) => c.kind === k);
    expect(kinds('dhcp').map((c) => [c.from, c.ok])).toEqual([['pc1/eth0', true], ['pc2/eth0', true], ['pc3/eth0', true]]);
    expect(kinds('dns').length).toBeGreaterThan(20);
    expect(ok.checks.filter((c) => !c.ok)).toEqual([]);

    // pc1's client is stopped and its address set by hand, outside the pool: the dhcp check fails.
    const pc1 = readState(lab)!.daemons!['dhcp-pc1-eth0']!;
    process.kill(pc1.pid, 'SIGKILL');
    const ns1 = nsOf(plan, 'pc1');
    await runner.run(['ip', 'netns', 'exec', ns1, 'ip', 'addr', 'flush', 'dev', 'eth0']);
    await runner.run(['ip', 'netns', 'exec', ns1, 'ip', 'addr', 'add', '192.168.1.20/24', 'dev', 'eth0']);
    // dhcpsrv's dnsmasq is gone: its DNS answers stop (and its DHCP, which nobody asks now).
    const srv = readState(lab)!.daemons!['dnsmasq-dhcpsrv']!;
    process.kill(srv.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const broken = await verifyLive(plan, design, runner, { concurrency: 8, kinds: ['dhcp', 'dns'] });
    const bad = broken.checks.filter((c) => !c.ok);
    expect(bad.filter((c) => c.kind === 'dhcp').map((c) => `${c.from} ${c.detail}`)).toEqual(['pc1/eth0 leased 192.168.1.20/24']);
    expect(bad.filter((c) => c.kind === 'dns').length).toBe(kinds('dns').filter((c) => c.expected).length);
    expect((await labStatus(lab, runner)).drift.map((d) => `${d.kind} ${d.object}`).sort()).toEqual(['missing daemon dhcp-pc1-eth0', 'missing daemon dnsmasq-dhcpsrv']);

    // up repairs it: both daemons start again, pc1 leases anew.
    const again = await applyPlan(plan, runner, { designFile: FILE });
    expect(again.action).toBe('repaired');
    expect(again.leases?.missing).toEqual([]);
    const fixed = await verifyLive(plan, design, runner, { concurrency: 8, kinds: ['dhcp', 'dns'] });
    expect(fixed.checks.filter((c) => !c.ok)).toEqual([]);

    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 60_000);
});
