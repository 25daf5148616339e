// The mutation suite: break a live twin one object at a time behind vnetmap's back (an interface
// down, a cable deleted, an address or route removed, a bridge port detached, an OVS port deleted
// or re-tagged, a NAT rule deleted or added, ip_forward off, hairpin off, a macvlan mode changed, a
// rogue cable between two broadcast domains, a duplicate address) and require verify to fail on
// exactly the checks the semantics engine predicts for the same change made to the plan
// (mutations.ts), probes that cannot be made only where the change took them away, and every
// failed check explained. A mutation is killed when all of that holds; the score is per strategy.
//
// `npm test` runs one mutation of each kind (BOUNDED); every kind on every example x strategy
// this kernel builds: VNETMAP_MUTATIONS=all npx vitest run test/kernel/verify-mutations.test.ts
// (VNETMAP_MUTATIONS_OUT=FILE also writes the scores as JSON).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { packageRoot } from '../../src/apply/design.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { labStatus } from '../../src/apply/status.js';
import type { Design } from '../../src/model/types.js';
import type { Plan } from '../../src/plan/types.js';
import type { Check } from '../../src/verify/checks.js';
import { verifyLive } from '../../src/verify/verify.js';
import { mutations, predictLive, type Mutation } from './mutations.js';
import { example, isRoot, leftovers, NOTHING, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

const FULL = process.env.VNETMAP_MUTATIONS === 'all';
const CASES: [string, string, string?][] = [
  ['figure-1', 'faithful'],
  ['figure-1', 'compact'],
  ['figure-1', 'ovs'],
  ['two-sites', 'faithful'],
  ['two-sites', 'compact'],
  ['two-sites', 'ovs'],
  ['network-a', 'faithful'],
  ['network-a', 'compact'],
  ['network-a', 'ovs'],
  ['network-a-vms', 'faithful'],
  ['network-a-vms', 'macvtap', 'vepa'],
  ['network-a-vms', 'macvtap', 'bridge'],
  ['network-b', 'faithful'],
  ['network-b', 'compact'],
  ['network-b', 'ovs'],
  ['network-b-servers', 'faithful'],
  ['network-b-servers', 'ovs'],
  ['office', 'faithful'],
  ['office', 'compact'],
];
/** In `npm test`: every kind once. */
const BOUNDED = new Set([
  'network-a faithful iface-down',
  'network-a faithful address-removed',
  'network-a faithful route-removed',
  'network-a faithful bridge-port-detached',
  'network-a faithful nat-rule-deleted',
  'network-a faithful nat-rule-added',
  'network-a faithful ip-forward-off',
  'network-a faithful duplicate-address',
  'network-b faithful veth-deleted',
  'two-sites faithful rogue-cable',
  'network-b ovs ovs-port-deleted',
  'network-b ovs ovs-retag',
  'network-a-vms macvtap vepa hairpin-off',
  'network-a-vms macvtap vepa macvlan-mode',
  'office faithful firewall-rule-deleted',
]);

const ovs = isRoot ? await ovsRunning() : false;
interface Case {
  title: string;
  strategy: string;
  file: string;
  make: () => Promise<{ plan: Plan; design: Design }>;
  muts: Mutation[];
}
const cases: (Case | { title: string; skip: string })[] = [];
for (const [name, strategy, mode] of CASES) {
  const title = `${name} × ${strategy}${mode ? ` (${mode})` : ''}`;
  if (!isRoot) {
    cases.push({ title, skip: 'needs root' });
    continue;
  }
  const file = name === 'two-sites' ? join(packageRoot(), 'test', 'fixtures', 'two-sites.yaml') : example(name);
  const make = () => planFromDesignFile(kernelEngine, file, { lab: uniqueLab(), strategy, ...(mode ? { macvlanMode: mode } : {}) }, runner);
  try {
    const { plan } = await make();
    if (plan.objects.some((o) => o.kind === 'ovs-bridge') && !ovs) cases.push({ title, skip: 'Open vSwitch not running' });
    else cases.push({ title, strategy, file, make, muts: mutations(plan).filter((m) => FULL || BOUNDED.has(`${name} ${strategy}${mode ? ` ${mode}` : ''} ${m.kind}`)) });
  } catch (e) {
    cases.push({ title, skip: (e as Error).message.split(';')[0]!.slice(0, 80) });
  }
}

interface Outcome {
  strategy: string;
  case: string;
  kind: string;
  killed: boolean;
  /** Some failed check's explanation names the broken object. */
  named: boolean;
}
const outcomes: Outcome[] = [];
afterAll(() => {
  const by = new Map<string, Outcome[]>();
  for (const o of outcomes) by.set(o.strategy, [...(by.get(o.strategy) ?? []), o]);
  const rows = [...by].map(([s, os]) => ({ strategy: s, killed: os.filter((o) => o.killed).length, total: os.length, named: os.filter((o) => o.named).length }));
  if (rows.length) process.stderr.write(`mutation score${FULL ? '' : ' (bounded run)'}:\n${rows.map((r) => `  ${r.strategy.padEnd(9)} ${r.killed}/${r.total} killed (${Math.round((100 * r.killed) / r.total)} %), ${r.named}/${r.total} explained by the broken object`).join('\n')}\n`);
  if (process.env.VNETMAP_MUTATIONS_OUT) writeFileSync(process.env.VNETMAP_MUTATIONS_OUT, JSON.stringify({ rows, outcomes }, null, 2) + '\n');
});

const key = (c: Check) => `${c.kind} ${c.from} -> ${c.to}`;

describe.concurrent('mutation suite: verify kills every mutation of the live twin', () => {
  for (const c of cases) {
    if ('skip' in c) {
      it.skip(`${c.title} (skipped: ${c.skip})`, () => undefined);
      continue;
    }
    for (const kind of c.muts)
      it(`${c.title}: ${kind.kind} (${kind.what})`, async () => {
        // Each run its own lab: the mutation is picked again on its plan (same object, its names).
        const { plan, design } = await c.make();
        const lab = plan.lab;
        const m = mutations(plan).find((x) => x.kind === kind.kind)!;
        try {
          await applyPlan(plan, runner, { designFile: c.file });
          for (const step of m.live) await runner.run(step.argv, step.input !== undefined ? { input: step.input } : {});
          const r = await verifyLive(plan, design, runner, { concurrency: 32, drift: async () => (await labStatus(lab, runner)).drift });
          const broken: Plan = JSON.parse(JSON.stringify(plan));
          m.offline(broken);
          const predicted = predictLive(broken, plan, design, r.checks);
          const nodeOf = new Map(plan.endpoints.map((e) => [r.endpoints.find((n) => n === e.node || n === `${e.node}/${e.dev}`) ?? e.node, e.node]));
          const failed = r.checks.filter((x) => !x.ok);
          const errored = failed.filter((x) => x.error);
          // Probes that could not be made: only from the endpoints the change took them from.
          expect(errored.filter((x) => !m.nodes.includes(nodeOf.get(x.from) ?? x.from)).map((x) => `${key(x)}: ${x.error}`)).toEqual([]);
          const judged = r.checks.filter((x) => !x.error && predicted.get(x)?.fails !== undefined);
          const must = judged.filter((x) => predicted.get(x)!.fails).map(key).sort();
          expect(must.length, 'the mutation changes nothing the checks can see').toBeGreaterThan(0);
          expect(judged.filter((x) => !x.ok).map(key).sort()).toEqual(must);
          // Every failed check says why.
          for (const x of failed) expect(x.explanation?.length, key(x)).toBeGreaterThan(0);
          const named = failed.some((x) => x.explanation?.some((e) => e.includes(m.object)));
          outcomes.push({ strategy: c.strategy, case: c.title, kind: m.kind, killed: true, named });
        } catch (e) {
          outcomes.push({ strategy: c.strategy, case: c.title, kind: kind.kind, killed: false, named: false });
          throw e;
        } finally {
          await destroyLab(lab, runner);
        }
        expect(await leftovers(lab)).toEqual(NOTHING);
      }, 120_000);
  }
});
