// Real hypervisors' VM attachments (examples/hypervisors.yaml: macvtap private, bridge and vepa
// behind a hairpin port, SR-IOV VFs) on a real kernel: every strategy this kernel builds gives
// a twin whose live behaviour equals the offline prediction and the design, wherever no
// deviation says otherwise; then the lab is removed and nothing of it is left.
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { STRATEGIES } from '../../src/model/limits.js';
import type { Design } from '../../src/model/types.js';
import type { Plan } from '../../src/plan/types.js';
import { compare } from '../../src/semantics/compare.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetModel } from '../../src/semantics/net-model.js';
import { pair, reachability } from '../../src/semantics/reachability.js';
import { verifyLive, type Check } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

const ovs = isRoot ? await ovsRunning() : false;

async function build(strategy: string): Promise<{ plan: Plan; design: Design } | string> {
  if (!isRoot) return 'needs root';
  try {
    const { plan, design } = await planFromDesignFile(kernelEngine, example('hypervisors'), { lab: uniqueLab(), strategy }, runner);
    if (plan.objects.some((o) => o.kind === 'ovs-bridge') && !ovs) return 'Open vSwitch not running';
    return { plan, design };
  } catch (e) {
    return (e as Error).message.split(';')[0]!.slice(0, 80);
  }
}

const key = (c: Check) => `${c.kind} ${c.from} -> ${c.to}`;
const PLANNED: { strategy: string; b: Awaited<ReturnType<typeof build>> }[] = [];
for (const strategy of STRATEGIES) PLANNED.push({ strategy, b: await build(strategy) });

describe('hypervisors attaching VMs by macvtap and SR-IOV, live', () => {
  for (const { strategy, b } of PLANNED) {
    const skip = typeof b === 'string' ? b : undefined;
    it.skipIf(!!skip)(`${strategy}: live equals offline and the design${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const { plan, design } = b as { plan: Plan; design: Design };
      labs.push(plan.lab);
      try {
        await applyPlan(plan, runner, { designFile: example('hypervisors') });
        const report = await verifyLive(plan, design, runner, { concurrency: 32 });
        // Every check equals what the engine predicts offline for this plan ...
        const cmp = compare(design, plan);
        const r = reachability(planModel(plan) as NetModel);
        const refOf = new Map(cmp.design.endpoints.map((e) => [e.name, e.ref]));
        const wrong = report.checks.filter((c) => {
          if (c.kind === 'tcp') return false;
          const p = pair(r, refOf.get(c.from)!, refOf.get(c.to)!);
          return !(c.kind === 'ping' && p.unstable) && c.observed !== (c.kind === 'ping' ? p.reach : p.l2);
        });
        expect(wrong.map(key)).toEqual([]);
        // ... and verify passes: the twin is the design, but where a deviation says otherwise.
        expect(report.checks.filter((c) => !c.ok).map(key)).toEqual([]);
        expect(report.unexplained).toBe(0);
        const ping = (from: string, to: string) => report.checks.find((c) => c.kind === 'ping' && c.from === from && c.to === to)?.observed;
        // What the real hosts do, seen live in the twin.
        expect(ping('a1', 'a2')).toBe(false); // macvtap private: tenants apart
        expect(ping('a1', 'kvm-priv')).toBe(false);
        expect(ping('b1', 'b2')).toBe(true); // macvtap bridge: inside the host ...
        expect(ping('b1', 'kvm-bridge')).toBe(false); // ... but not to the host itself
        expect(ping('b3', 'b1')).toBe(false); // b3's own attach: private
        expect(ping('c1', 'c2')).toBe(true); // vepa, through the hairpin port
        expect(ping('c1', 'kvm-vepa')).toBe(true);
        expect(ping('d1', 'd2')).toBe(true); // VFs behind the embedded switch (VEB)
        // The macvtap strategy emulates the VFs with bridge-mode children and says so.
        expect(ping('d1', 'kvm-sriov')).toBe(strategy !== 'macvtap');
        if (strategy === 'macvtap') expect(plan.deviations.map((d) => d.code)).toContain('sriov-vf-emulated');
        else expect(plan.deviations.filter((d) => d.affects?.length)).toEqual([]);
        expect(report.checks.some((c) => c.kind === 'tcp' && c.from === 'internet' && c.observed)).toBe(true);
      } finally {
        await destroyLab(plan.lab, runner);
      }
      expect(await leftovers(plan.lab)).toEqual(NOTHING);
    }, 180_000);
  }
});
