// Both engines behind one interface (src/engines/engine.ts): the kernel adapter gives what the
// kernel modules give, the OVN engine compares its twin with the design, and a lab's engine is
// read from what it left.
import { describe, expect, it } from 'vitest';
import { checkEngineOptions, engineNamed } from '../../src/engines/index.js';
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
    expect(() => checkEngineOptions({ engine: 'kernel', chassis: '3' })).toThrow(/--chassis is for the OVN engine/);
    expect(() => checkEngineOptions({ engine: 'ovn', chassis: '3', vms: 'netns' })).not.toThrow();
  });
});
