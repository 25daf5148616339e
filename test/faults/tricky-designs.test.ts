// "Anything validate accepts must build", checked without a kernel: tricky but valid designs
// (tricky-designs.ts) validate, and every strategy and kernel preset compiles them into plans
// whose device names are unique in each namespace, fit the kernel's rules, and - where the
// twin makes devices of its own next to the design's ports - are names validation keeps from
// the design (src/model/reserved.ts). test/kernel/tricky-designs.test.ts builds some of them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { IFNAME_MAX, PORT_NAME_RE } from '../../src/model/limits.js';
import { loadDesign } from '../../src/model/load.js';
import { KERNEL_IFNAMES, TWIN_IFNAMES } from '../../src/model/reserved.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { Capabilities, Plan } from '../../src/plan/types.js';
import { trickyDesign, trickyShape } from './tricky-designs.js';

const FULL = process.env.VNETMAP_FAULTS === 'full';

/** The two presets, and a kernel with 8021q devices only (the per-VLAN-bridge switch backend). */
const CAPS: Record<string, Capabilities> = { ...PRESETS, '8021q-only': { ...PRESETS.full!, source: '8021q-only', bridgeVlanFiltering: false, ovs: false } };

/** Kinds whose namespace holds devices the twin makes next to the design's (src/model/reserved.ts). */
const BUSY = new Set(['switch', 'l3-switch', 'server']);

function nameProblems(d: Design, p: Plan): string[] {
  const bad: string[] = [];
  const seen = new Set<string>();
  const designNames = new Map<string, Set<string>>(); // namespace of a busy node -> its design interface and port names
  for (const n of d.nodes) {
    if (!BUSY.has(n.kind)) continue;
    const names = new Set([...('interfaces' in n ? n.interfaces.map((i) => i.name) : []), ...d.links.flatMap((l) => l.ends.filter((e) => e.node === n.name).map((e) => e.port))]);
    designNames.set(`vn-${d.name}-${n.name}`, names);
  }
  const dev = (ns: string | null, name: string) => {
    const key = `${ns ?? '(root)'}|${name}`;
    if (seen.has(key)) bad.push(`${key} twice`);
    seen.add(key);
    if (name.length > IFNAME_MAX || !PORT_NAME_RE.test(name) || KERNEL_IFNAMES.includes(name)) bad.push(`${key} is not a name Linux takes`);
    // A name the twin made next to design names must be one validation keeps from the design.
    const own = ns === null ? undefined : designNames.get(ns);
    if (own && !own.has(name) && !TWIN_IFNAMES.some((t) => t.re.test(name))) bad.push(`${key} is made by the twin but not reserved`);
  };
  for (const o of p.objects) {
    if (o.kind === 'veth') [o.a, o.b].forEach((e) => dev(e.namespace, e.name));
    else if (o.kind === 'bridge' || o.kind === 'vlan' || o.kind === 'macvlan' || o.kind === 'tap') dev(o.namespace, o.name);
    else if (o.kind === 'ovs-bridge') dev(null, o.name);
  }
  return bad;
}

describe('tricky but valid designs', () => {
  it(`validate, and compile under every strategy and preset into plans with names the kernel takes${FULL ? '' : ' (bounded; VNETMAP_FAULTS=full for more)'}`, () => {
    let plans = 0;
    fc.assert(
      fc.property(trickyShape, fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), (s, lab) => {
        const text = trickyDesign(s, lab);
        const r = loadDesign(text, 'tricky.yaml');
        expect(r.errors.map((e) => `${e.line}: ${e.code} ${e.message}`), text).toEqual([]);
        for (const strategy of ['faithful', 'compact', 'ovs', 'macvtap'] as const)
          for (const caps of Object.keys(CAPS))
            for (const vms of ['netns', 'qemu'] as const) {
              let p: Plan;
              try {
                p = compile(r.design!, { strategy, capabilities: CAPS[caps]!, vms });
              } catch (e) {
                if (e instanceof UserError) continue; // the strategy does not apply to this kernel preset
                throw e;
              }
              plans++;
              expect(nameProblems(r.design!, p), `${strategy}/${caps}/${vms}:\n${text}`).toEqual([]);
            }
      }),
      { numRuns: FULL ? 1000 : 60 },
    );
    expect(plans).toBeGreaterThan(FULL ? 4000 : 200);
  }, 300_000);
});
