// Both engines behind one interface (src/engines/engine.ts): the kernel adapter gives what the
// kernel modules give, the OVN engine compares its twin with the design, and a lab's engine is
// read from what it left. The CLI reaches both only through this interface.
import { describe, expect, it } from 'vitest';
import { checkEngineOptions, engineNamed } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { renderScript } from '../../src/render/script.js';
import { compare } from '../../src/semantics/compare.js';
import { UserError } from '../../src/errors.js';

const design = loadDesignFile('examples/network-b.yaml').design!;

describe('engines', () => {
  it('kernel: the adapter compiles, renders and compares as the kernel modules do', () => {
    const e = engineNamed('kernel');
    const plan = e.compile(design, { capabilities: PRESETS.minimal!, strategy: 'compact' });
    // The kernel engine's plan is the kernel modules' Plan: probed hands it back as it is.
    const kernelPlan = e.probed(plan);
    expect(kernelPlan).toBe(plan);
    expect(plan).toEqual(compile(design, { capabilities: PRESETS.minimal!, strategy: 'compact' }));
    expect(e.script(plan)).toBe(renderScript(kernelPlan));
    expect(e.compare(design, plan).differences).toEqual(compare(design, kernelPlan).differences);
  });

  it('ovn: endpoints where verify finds them, a twin with no mapping bug, the heading expect prints', () => {
    const e = engineNamed('ovn');
    const plan = e.compile(design, { capabilities: PRESETS.minimal!, chassis: 3 });
    expect(plan.endpoints.map((x) => x.namespace)).toEqual(expect.arrayContaining(['vn-network-b-pc1', 'vn-network-b-internet']));
    expect(e.probed(plan).objects.some((o) => o.kind === 'netns' && o.name === 'vn-network-b.chassis-3')).toBe(true);
    expect(e.compare(design, plan).bugs).toEqual([]);
    expect(e.twin(design, plan).heading).toContain('engine ovn, 3 simulated chassis');
  });

  it('an unknown engine, or an option of the other engine, is the user\'s mistake', () => {
    expect(() => engineNamed('vpp')).toThrow(UserError);
    expect(() => checkEngineOptions({ engine: 'ovn', strategy: 'compact' })).toThrow(/--strategy: the kernel engine's choice/);
    expect(() => checkEngineOptions({ engine: 'kernel', chassis: '3' })).toThrow(/--chassis: for the OVN engine; add --engine ovn/);
    expect(() => checkEngineOptions({ engine: 'ovn', chassis: '3', vms: 'netns' })).not.toThrow();
    expect(() => checkEngineOptions({ joinTimeout: '60' })).toThrow(/--join-timeout: for the OVN engine/);
    expect(() => checkEngineOptions({ engine: 'ovn', chassis: '2', joinTimeout: '60' })).toThrow(/add --inventory FILE/);
  });

  it("each engine reads its own command-line choices, and refuses bad ones with what to do", () => {
    const k = engineNamed('kernel');
    expect(k.request(design, PRESETS.minimal!, { strategy: 'ovs', vms: 'qemu' })).toEqual({ capabilities: PRESETS.minimal!, strategy: 'ovs', vms: 'qemu' });
    expect(() => k.request(design, PRESETS.minimal!, { strategy: 'fast' })).toThrow(/unknown strategy "fast"; use one of: faithful/);
    expect(() => k.request(design, PRESETS.minimal!, { macvlanMode: 'loud' })).toThrow(/unknown macvlan mode/);
    const o = engineNamed('ovn');
    expect(o.request(design, PRESETS.minimal!, { chassis: '3' })).toEqual({ capabilities: PRESETS.minimal!, chassis: 3 });
    expect(() => o.request(design, PRESETS.minimal!, { chassis: '0' })).toThrow(/--chassis 0: use a whole number from 1/);
    expect(() => o.request(design, PRESETS.minimal!, { chassis: '2', inventory: 'x.yaml' })).toThrow(/give one of the two/);
    expect(() => o.request(design, PRESETS.minimal!, { inventory: 'x.yaml', script: true })).toThrow(/leave out --script/);
  });

  it('a running lab: its plan from its state, a label, the live comparison, and what each engine can do that the other cannot', () => {
    const k = kernelEngine;
    const kp = k.compile(design, { capabilities: PRESETS.minimal!, strategy: 'compact' });
    const st = { lab: 'x', designFile: '/x.yaml', strategy: 'compact' as const, plan: kp, appliedAt: 'now' };
    expect(k.planOf(st)).toBe(kp);
    expect(k.label(kp)).toBe('compact');
    expect(k.compareLive(design, kp, kp).differences).toEqual(compare(design, kp).differences);
    expect(typeof k.withCuts).toBe('function');
    expect(k.graph).toBeUndefined();
    const o = ovnEngine;
    const op = o.compile(design, { capabilities: PRESETS.minimal!, chassis: 3 });
    expect(() => o.planOf({ ...st, engine: 'ovn', plan: o.probed(op) })).toThrow(/keeps no OVN plan/);
    expect(o.planOf({ ...st, engine: 'ovn', plan: o.probed(op), ovn: op })).toBe(op);
    expect(o.label(op)).toBe('ovn, 3 simulated chassis');
    const live = o.compareLive(design, op, o.probed(op));
    expect([live.differences, live.bugs]).toEqual([o.compare(design, op).differences, o.compare(design, op).bugs]);
    expect(o.withCuts).toBeUndefined();
    expect(o.graph!(op, design).nodes.some((n) => n.id === 'chassis:chassis-1')).toBe(true);
  });
});
