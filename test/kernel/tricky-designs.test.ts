// "Anything validate accepts must build", on the real kernel: tricky but valid designs
// (test/faults/tricky-designs.ts: names next to reserved ones and at their limits, VLANs 1 and
// 4094, MTUs to 65535, shared SVI MACs, a self-cabled switch, VMs) go up under every strategy
// this kernel supports, show no drift, and come down leaving nothing. A few fixed samples by
// default; VNETMAP_FAULTS=full builds more. Unique lab names; every lab is removed.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { probeCapabilities } from '../../src/apply/probe.js';
import { labStatus } from '../../src/apply/status.js';
import { UserError } from '../../src/errors.js';
import { loadDesign } from '../../src/model/load.js';
import { compile } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { trickyDesign, trickyShape } from '../faults/tricky-designs.js';
import { isRoot, leftovers, NOTHING, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

const FULL = process.env.VNETMAP_FAULTS === 'full';
const STRATEGIES = ['faithful', 'compact', 'ovs', 'macvtap'] as const;

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-tricky-'));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const caps = isRoot ? await probeCapabilities(runner) : undefined;
const ovs = isRoot && (await ovsRunning());
const shapes = fc.sample(trickyShape, { seed: 24_2026, numRuns: FULL ? 16 : 3 });

/** The plan of sample k under a strategy, or why this kernel cannot build it. */
function planFor(k: number, strategy: (typeof STRATEGIES)[number]): { plan: Plan; file: string } | string {
  if (!caps) return 'needs root';
  const lab = uniqueLab();
  const text = trickyDesign(shapes[k]!, lab);
  const file = join(dir, `${lab}.yaml`);
  writeFileSync(file, text);
  const r = loadDesign(text, file);
  if (!r.design) return `does not validate: ${r.errors[0]?.message}`;
  try {
    const plan = compile(r.design, { strategy, capabilities: caps });
    if (plan.objects.some((o) => o.kind === 'ovs-bridge') && !ovs) return 'Open vSwitch not running';
    return { plan, file };
  } catch (e) {
    if (e instanceof UserError) return e.message.split(';')[0]!.slice(0, 80);
    throw e;
  }
}

describe('tricky but valid designs build on this kernel', () => {
  shapes.forEach((_, k) => {
    for (const strategy of STRATEGIES) {
      const planned = planFor(k, strategy);
      const skip = typeof planned === 'string' ? planned : undefined;
      it.skipIf(!!skip)(`sample ${k + 1} × ${strategy}${skip ? ` (skipped: ${skip})` : ''}`, async () => {
        const { plan, file } = planned as { plan: Plan; file: string };
        labs.push(plan.lab);
        expect((await applyPlan(plan, runner, { designFile: file })).action).toBe('created');
        expect((await labStatus(plan.lab, runner)).drift).toEqual([]);
        await destroyLab(plan.lab, runner);
        expect(await leftovers(plan.lab)).toEqual(NOTHING);
      });
    }
  });
});
