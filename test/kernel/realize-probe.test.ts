// The capability probe: leaves nothing behind, is cached, agrees with what the tools say, and
// the compiler's choices follow it (VLANs through OVS when the kernel has no 8021q).
import { describe, expect, it } from 'vitest';
import { listNamespaces } from '../../src/apply/discover.js';
import { probeCapabilities } from '../../src/apply/probe.js';
import { examplePlan, isRoot, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

describe.skipIf(!isRoot)(`kernel capability probe${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('leaves no namespace or OVS bridge behind and is cached per process', async () => {
    const before = await listNamespaces(runner);
    const caps = await probeCapabilities(runner);
    expect(caps.source).toBe('probe');
    const after = await listNamespaces(runner);
    expect(after.filter((n) => n.startsWith('vnprobe') && !before.includes(n))).toEqual([]);
    const br = await runner.run(['ovs-vsctl', '--timeout=3', 'list-br'], { allowFail: true });
    expect(br.stdout).not.toContain('vnprobe');
    const t0 = Date.now();
    expect(await probeCapabilities(runner)).toBe(caps);
    expect(Date.now() - t0).toBeLessThan(50);
  });

  it('agrees with the tools and steers the compiler', async () => {
    const caps = await probeCapabilities(runner);
    expect(caps.ovs).toBe(await ovsRunning());
    // A twin that needs VLANs gets 802.1Q devices / VLAN filtering when present, else OVS.
    const plan = await examplePlan('network-b', 'faithful', uniqueLab());
    const usesKernelVlans = plan.objects.some((o) => o.kind === 'vlan' || (o.kind === 'bridge' && o.vlanFiltering));
    const usesOvs = plan.objects.some((o) => o.kind === 'ovs-bridge');
    if (caps.vlanDevices && caps.bridgeVlanFiltering) expect(usesKernelVlans).toBe(true);
    else {
      expect(usesKernelVlans).toBe(false);
      expect(usesOvs).toBe(caps.ovs);
    }
  });
});
