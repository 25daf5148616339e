// Golden plans: every example under every strategy and the capability presets full and
// minimal; a strategy that cannot apply has its error message as the golden instead.
// UPDATE_GOLDEN=1 rewrites them; review the diff.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { STRATEGIES, type MacvlanMode, type Strategy } from '../../src/model/limits.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { explainPlan } from '../../src/plan/explain.js';
import { planJson } from '../../src/plan/json.js';
import { planTable } from '../../src/plan/table.js';
import { golden } from '../helpers/golden.js';

const EXAMPLES = 'examples';
const OUT = 'test/golden/plan';
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

interface Variant {
  strategy: Strategy;
  tag: string;
  vms?: 'netns' | 'qemu';
  macvlanMode?: MacvlanMode;
}
const variants: Variant[] = STRATEGIES.map((s) => ({ strategy: s, tag: s }));
// VMs as real QEMU guests and every macvtap mode are golden-only paths: cover them on the VM examples.
const vmVariants: Variant[] = [
  { strategy: 'faithful', tag: 'faithful-qemu', vms: 'qemu' },
  { strategy: 'compact', tag: 'compact-qemu', vms: 'qemu' },
  { strategy: 'macvtap', tag: 'macvtap-qemu', vms: 'qemu' },
  ...(['bridge', 'vepa', 'private', 'passthru'] as const).map((m) => ({ strategy: 'macvtap' as const, tag: `macvtap-${m}`, macvlanMode: m })),
];

describe.each(examples)('plan goldens for examples/%s.yaml', (ex) => {
  const design = loadDesignFile(join(EXAMPLES, `${ex}.yaml`)).design;
  it('loads', () => expect(design).toBeDefined());
  if (!design) return;
  const hasVms = design.nodes.some((n) => n.kind === 'vm');
  for (const v of [...variants, ...(hasVms ? vmVariants : [])])
    for (const caps of ['full', 'minimal'])
      it(`${v.tag} with capabilities ${caps}`, async () => {
        const base = join(OUT, `${ex}.${v.tag}.${caps}`);
        let plan;
        try {
          plan = compile(design, { strategy: v.strategy, capabilities: PRESETS[caps]!, ...(v.vms ? { vms: v.vms } : {}), ...(v.macvlanMode ? { macvlanMode: v.macvlanMode } : {}) });
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          await golden(`${base}.error.txt`, `${(e as Error).message}\n`);
          return;
        }
        await golden(`${base}.json`, JSON.stringify(planJson(plan), null, 2) + '\n');
        await golden(`${base}.txt`, planTable(design, plan));
        await golden(`${base}.explain.txt`, explainPlan(plan, design));
      });
});
