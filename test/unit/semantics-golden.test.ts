// Expected domains and reachability of every example (design level) as reviewed golden
// files; plus the contract that no plan of any example, under any strategy and kernel preset,
// differs from its design except where one of the plan's deviations says so.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesignFile } from '../../src/model/load.js';
import { STRATEGIES } from '../../src/model/limits.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';
import { designModel } from '../../src/semantics/from-design.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetModel } from '../../src/semantics/net-model.js';
import { predict } from '../../src/semantics/prediction.js';
import { pair, pairResult, reachability } from '../../src/semantics/reachability.js';
import { golden } from '../helpers/golden.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort();

describe('expected domains and reachability of every example', () => {
  for (const f of examples)
    it(f, async () => {
      const d = loadDesignFile(`examples/${f}`).design!;
      expect(d).toBeDefined();
      const p = predict(d);
      await golden(`test/golden/semantics/${f.replace('.yaml', '')}.txt`, p.text);
      await golden(`test/golden/semantics/${f.replace('.yaml', '')}.json`, JSON.stringify(p.json, null, 2) + '\n');
    });
});

describe('every plan keeps its design (differences only where deviations say)', () => {
  for (const f of examples)
    for (const strategy of STRATEGIES)
      for (const caps of ['full', 'minimal'])
        it(`${f} ${strategy} ${caps}`, () => {
          const d = loadDesignFile(`examples/${f}`).design!;
          let plan;
          try {
            plan = compile(d, { strategy, capabilities: PRESETS[caps]! });
          } catch (e) {
            // A strategy that does not apply (macvtap without VMs, VLANs the preset cannot do)
            // is refused by the compiler with a user error: nothing to compare.
            expect((e as Error).name).toBe('UserError');
            return;
          }
          const cmp = compare(d, plan);
          expect(cmp.bugs).toEqual([]);
          // The comparison saw every endpoint of the design in the twin.
          expect(cmp.plan.endpoints.length).toBe(cmp.design.endpoints.length);
        });

  // --vms qemu: VMs are real guests on TAP/macvtap devices, absent from the plan's endpoints;
  // the plan says so per VM, and nothing else may differ.
  for (const f of examples.filter((x) => /vms|servers/.test(x)))
    for (const strategy of STRATEGIES)
      it(`${f} ${strategy} full, VMs as QEMU guests`, () => {
        const d = loadDesignFile(`examples/${f}`).design!;
        let plan;
        try {
          plan = compile(d, { strategy, capabilities: PRESETS.full!, vms: 'qemu' });
        } catch (e) {
          expect((e as Error).name).toBe('UserError');
          return;
        }
        const cmp = compare(d, plan);
        expect(cmp.bugs).toEqual([]);
        expect(cmp.differences.filter((x) => x.kind === 'endpoint').every((x) => x.explainedBy === 'vm-guest-config')).toBe(true);
      });
});

describe('classes are sound: every pair answered from its classes equals its own simulation', () => {
  for (const f of examples)
    it(f, () => {
      const d = loadDesignFile(`examples/${f}`).design!;
      const models: NetModel[] = [designModel(d)];
      for (const strategy of STRATEGIES) {
        try {
          models.push(planModel(compile(d, { strategy, capabilities: PRESETS.minimal! })) as NetModel);
        } catch {
          // strategy not applicable to this design
        }
      }
      for (const m of models) {
        const r = reachability(m);
        for (const a of m.endpoints)
          for (const b of m.endpoints) {
            if (a === b) continue;
            const own = pairResult(m, a, b);
            const cls = pair(r, a.ref, b.ref);
            expect({ pair: `${a.name} ${b.name}`, reach: cls.reach, l2: cls.l2, unstable: !!cls.unstable }).toEqual({ pair: `${a.name} ${b.name}`, reach: own.reach, l2: own.l2, unstable: !!own.unstable });
          }
      }
    });
});
