// The standalone bash script (`vnetmap up --script`) builds a twin that behaves like the one
// `up` builds, its `down` leaves nothing, and the two tools remove each other's twins (same markers).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { findOwned } from '../../src/apply/discover.js';
import { renderScript } from '../../src/render/script.js';
import type { Plan } from '../../src/plan/types.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, ovsRunning, ping, runner, uniqueLab } from './realize-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-script-'));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function script(plan: Plan): Promise<string> {
  const f = join(dir, `${plan.lab}.sh`);
  writeFileSync(f, renderScript(plan), { mode: 0o755 });
  return f;
}

async function checkTwin(plan: Plan, pairs: [string, string][]): Promise<void> {
  const owned = await findOwned(runner, plan.lab);
  expect(owned.namespaces.length).toBe(plan.objects.filter((o) => o.kind === 'netns').length);
  expect(owned.ovsBridges.length).toBe(plan.objects.filter((o) => o.kind === 'ovs-bridge').length);
  for (const [n, ip] of pairs) expect(`${n}->${ip}:${await ping(nsOf(plan, n), ip)}`).toBe(`${n}->${ip}:true`);
}

const ovs = isRoot && (await ovsRunning());
const CASES: { ex: string; strategy: string; pairs: [string, string][]; needsOvs: boolean }[] = [
  { ex: 'network-a', strategy: 'faithful', pairs: [['pc1', '192.168.1.1'], ['pc4', '203.0.113.1'], ['pc1', 'pc2']], needsOvs: false },
  { ex: 'network-b', strategy: 'ovs', pairs: [['pc3', '192.168.10.1'], ['pc5', '203.0.113.1']], needsOvs: true },
];

describe.skipIf(!isRoot)('bash script from a plan', () => {
  for (const c of CASES) {
    const skip = c.needsOvs && !ovs;
    it.skipIf(skip)(`${c.ex} × ${c.strategy}: script up works, script down leaves nothing${skip ? ' (skipped: Open vSwitch not running)' : ''}`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const plan = await examplePlan(c.ex, c.strategy, lab);
      const f = await script(plan);
      const up = await runner.run(['bash', f, 'up'], { allowFail: true });
      expect(up.code, up.stderr).toBe(0);
      await checkTwin(plan, c.pairs);
      const down = await runner.run(['bash', f, 'down'], { allowFail: true });
      expect(down.code, down.stderr).toBe(0);
      expect(await leftovers(lab)).toEqual(NOTHING);
      // Down twice is fine.
      expect((await runner.run(['bash', f, 'down'], { allowFail: true })).code).toBe(0);
    });
    it.skipIf(skip)(`${c.ex} × ${c.strategy}: vnetmap down removes a script-built twin and the script removes a vnetmap-built one`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const plan = await examplePlan(c.ex, c.strategy, lab);
      const f = await script(plan);
      await runner.run(['bash', f, 'up']);
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
      await applyPlan(plan, runner, { designFile: example(c.ex) });
      await runner.run(['bash', f, 'down']);
      expect(await leftovers(lab)).toEqual(NOTHING);
    });
  }
});
