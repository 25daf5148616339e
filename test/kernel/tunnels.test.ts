// Tunnels in a real twin: seed B's servers with their tenant networks stretched over VXLAN
// across a routed core (examples/vxlan-servers.yaml) — verify finds the stretched domains, and
// with the underlay cut, finds them split as the expectation says; a TUN tunnel fed by socat
// carries IP between two routers. GRE, IP in IP and WireGuard run only where the kernel has them.
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { setLink } from '../../src/apply/link.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { probeCapabilities } from '../../src/apply/probe.js';
import { readState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { tunnelCapabilities } from '../../src/plan/capabilities.js';
import { designWithCuts, planWithCuts } from '../../src/semantics/cuts.js';
import { verifyLive } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, nsOf, ping, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) {
    await destroyLab(l, runner).catch(() => undefined);
    expect(await leftovers(l)).toEqual(NOTHING);
  }
}, 30_000);

async function build(file: string) {
  const lab = uniqueLab();
  labs.push(lab);
  const r = await planFromDesignFile(kernelEngine, file, { lab, strategy: 'faithful' }, runner);
  await applyPlan(r.plan, runner, { designFile: r.designFile });
  return { lab, ...r };
}

const caps = isRoot ? await probeCapabilities(runner) : undefined;
const t = caps ? tunnelCapabilities(caps) : undefined;

describe.skipIf(!isRoot || !caps?.vxlan)('VXLAN between servers', () => {
  it('stretches each tenant network across the routed core, and splits it when the underlay is cut', async () => {
    const { lab, plan, design } = await build(example('vxlan-servers'));
    const r = await verifyLive(plan, design, runner, { kinds: ['ping', 'arp'], neigh: false, backlog: false });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.checks.find((c) => c.kind === 'arp' && c.from === 'pc1' && c.to === 'pc3')?.observed).toBe(true);
    expect(r.checks.find((c) => c.kind === 'ping' && c.from === 'pc1' && c.to === 'pc2')?.observed).toBe(false);
    expect(await ping(nsOf(plan, 'pc1'), '192.168.10.13')).toBe(true);
    await setLink(lab, 'core:c', 'down', design, runner);
    const cuts = readState(lab)!.cuts!;
    const cut = await verifyLive(planWithCuts(plan, cuts), designWithCuts(design, cuts), runner, { kinds: ['ping', 'arp'], neigh: false, backlog: false });
    expect(cut.checks.filter((c) => !c.ok)).toEqual([]);
    expect(cut.checks.find((c) => c.kind === 'arp' && c.from === 'pc1' && c.to === 'pc3')?.observed).toBe(false);
    expect(cut.checks.find((c) => c.kind === 'arp' && c.from === 'pc2' && c.to === 'pc6')?.observed).toBe(true);
    await setLink(lab, 'core:c', 'up', design, runner);
    // A tunnel device deleted by hand is drift, and up makes it again.
    await runner.run(['ip', '-n', nsOf(plan, 'host-a'), 'link', 'del', 'vx10']);
    expect((await labStatus(lab, runner)).drift.map((d) => d.object)).toEqual([`${nsOf(plan, 'host-a')}/vx10`]);
    await applyPlan(plan, runner, { designFile: example('vxlan-servers') });
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    expect(await ping(nsOf(plan, 'pc1'), '192.168.10.13')).toBe(true);
  }, 90_000);
});

describe.skipIf(!isRoot || !t?.tun)('a TUN tunnel fed by socat', () => {
  it('carries IP between two routers over the routed network', async () => {
    const { plan, design } = await build('test/fixtures/tun-tunnel.yaml');
    expect(await ping(nsOf(plan, 'r1'), '192.168.0.2')).toBe(true);
    const r = await verifyLive(plan, design, runner, { kinds: ['ping', 'arp'], neigh: false, backlog: false });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.skipped.some((s) => s.why.includes('no ARP'))).toBe(true);
  }, 60_000);
});

const missingKinds = t ? (['gre', 'gretap', 'ipip', 'wireguard'] as const).filter((k) => !t[k]) : [];
describe.skipIf(!isRoot || !t || missingKinds.length > 0)(`GRE, gretap, IP in IP and WireGuard between two sites (${missingKinds.length ? `skipped: this kernel has no ${missingKinds.join(', ')}` : 'kernel devices'})`, () => {
  it('each tunnel carries IP between the sites', async () => {
    const { plan } = await build(example('tunnels-site'));
    for (const ip of ['172.16.1.2', '172.16.2.2', '172.16.3.2', '172.16.5.2']) expect(await ping(nsOf(plan, 'site-a'), ip), ip).toBe(true);
  }, 60_000);
});
