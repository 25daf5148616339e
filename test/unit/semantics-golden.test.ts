// Expected domains and reachability of every example (design level) as reviewed golden
// files; plus the contract that no plan of any example, under any strategy and kernel preset,
// differs from its design except where one of the plan's deviations says so.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesignFile } from '../../src/model/load.js';
import { MACVLAN_MODES, STRATEGIES, type MacvlanMode } from '../../src/model/limits.js';
import { loadDesign } from '../../src/model/load.js';
import { PRESETS, PRESET_NAMES } from '../../src/plan/capabilities.js';
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
      for (const caps of PRESET_NAMES)
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

/**
 * A server attaching two VMs in every way the design language knows (src/model/attach.ts),
 * behind a hairpin port or not, with the VMs tagged or not and the server with an address of
 * its own on the NIC or not: the same contract, for every strategy, preset and macvlan mode.
 */
function attachDesign(v: { attach: string; v2?: string; nic?: string; vms?: number; hairpin: boolean; tagged: boolean; addr: boolean }): string {
  const vm = (i: number, attach?: string) =>
    `  v${i}: { kind: vm, server: hv, interfaces: { eth0: { address: 10.0.${v.tagged ? 10 : 0}.${10 + i}/24${v.tagged ? ', vlan: 10' : ''}${attach ? `, attach: ${attach}` : ''} } } }`;
  return [
    'name: attach-matrix',
    'nodes:',
    `  hv: { kind: server, attach: ${v.attach}, interfaces: { eth0: { ${[v.addr ? 'address: 10.0.0.2/24' : '', v.nic ?? ''].filter(Boolean).join(', ')} } } }`,
    vm(1),
    ...(v.vms === 1 ? [] : [vm(2, v.v2)]),
    '  pc0: { kind: host, interfaces: { eth0: { address: 10.0.0.100/24 } } }',
    '  pc10: { kind: host, interfaces: { eth0: { address: 10.0.10.100/24 } } }',
    `  sw: { kind: switch, vlan-aware: true${v.hairpin ? ', hairpin: [p1]' : ''} }`,
    'links:',
    `  - { endpoints: [hv:eth0, sw:p1], trunk: [10], native: 20 }`,
    '  - { endpoints: [pc0:eth0, sw:p2], vlan: 20 }',
    '  - { endpoints: [pc10:eth0, sw:p3], vlan: 10 }',
    '',
  ].join('\n');
}

const ATTACH_VARIANTS = [
  { attach: 'bridge' },
  { attach: 'ovs' },
  { attach: 'macvtap-bridge' },
  { attach: 'macvtap-vepa' },
  { attach: 'macvtap-private' },
  { attach: 'macvtap-passthru', vms: 1 },
  { attach: 'macvtap-passthru', nic: 'sriov-vfs: 4' },
  { attach: 'macvtap-passthru', nic: 'sriov-vfs: 4, sriov-mode: vepa' },
  { attach: 'sriov-vf', nic: 'sriov-vfs: 4' },
  { attach: 'sriov-vf', nic: 'sriov-vfs: 4, sriov-mode: vepa' },
  { attach: 'macvtap-bridge', v2: 'macvtap-private' },
  { attach: 'macvtap-vepa', v2: 'macvtap-bridge' },
];

describe('every attach mode keeps its design under every strategy, preset and macvlan mode', () => {
  for (const a of ATTACH_VARIANTS)
    for (const hairpin of [false, true])
      for (const tagged of [false, true])
        for (const addr of [false, true]) {
          const name = `${a.attach}${a.v2 ? `+${a.v2}` : ''}${a.nic ? ` (${a.nic})` : ''}${a.vms === 1 ? ' alone' : ''}${hairpin ? ', hairpin' : ''}${tagged ? ', tagged' : ''}${addr ? ', server address' : ''}`;
          it(name, () => {
            const r = loadDesign(attachDesign({ ...a, hairpin, tagged, addr }), 'attach-matrix.yaml');
            expect(r.errors).toEqual([]);
            const d = r.design!;
            const runs: { strategy: (typeof STRATEGIES)[number]; mode?: MacvlanMode }[] = [
              ...STRATEGIES.map((strategy) => ({ strategy })),
              ...MACVLAN_MODES.map((mode) => ({ strategy: 'macvtap' as const, mode })),
            ];
            let compared = 0;
            for (const { strategy, mode } of runs)
              for (const caps of PRESET_NAMES) {
                let plan;
                try {
                  plan = compile(d, { strategy, capabilities: PRESETS[caps]!, ...(mode ? { macvlanMode: mode } : {}) });
                } catch (e) {
                  expect((e as Error).name, `${strategy} ${mode ?? ''} ${caps}: ${(e as Error).message}`).toBe('UserError');
                  continue;
                }
                const cmp = compare(d, plan);
                expect(cmp.bugs, `${strategy} ${mode ?? ''} ${caps}`).toEqual([]);
                compared++;
              }
            expect(compared).toBeGreaterThan(0);
          });
        }
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
