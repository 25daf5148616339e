// verify judges only the twin vnetmap built: a lab whose namespaces are gone, or were created
// again by someone else, stops it with a sentence saying what to do; so does not being root.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/types.js';
import { assertLab, assertProber, assertRoot, labChanged } from '../../src/verify/lab-check.js';

const plan = { objects: ['a', 'b', 'c', 'd', 'e'].map((n) => ({ kind: 'netns', name: `vn-l-${n}`, realizes: [`node:${n}`], role: 'host' })) } as unknown as Plan;
const ids: Record<string, string> = Object.fromEntries(plan.objects.map((o, k) => [(o as { name: string }).name, `${k}@1`]));
const st = { lab: 'l', plan, identities: ids };

describe('lab check', () => {
  it('passes when every namespace is the one up created', () => {
    expect(labChanged(st, (ns) => ids[ns])).toBeUndefined();
  });
  it('names namespaces that are gone and says what to do', () => {
    const why = labChanged(st, (ns) => (ns === 'vn-l-a' || ns === 'vn-l-b' ? undefined : ids[ns]))!;
    expect(why).toMatch(/^lab l is not the twin vnetmap built: 2 of its 5 namespaces are gone \(vn-l-a, vn-l-b\)/);
    expect(why).toMatch(/vnetmap status l.*vnetmap down l.*vnetmap up FILE/);
  });
  it('notices a namespace deleted and created again under the same name', () => {
    expect(labChanged(st, (ns) => (ns === 'vn-l-c' ? '9@9' : ids[ns]))).toMatch(/1 were deleted and created again by someone else \(vn-l-c\)/);
  });
  it('is an error (exit 2), not a verdict', () => {
    expect(() => assertLab(st, 'verify stopped', () => undefined)).toThrow(UserError);
    expect(() => assertRoot(1000)).toThrow(/needs root/);
    expect(() => assertRoot(0)).not.toThrow();
    expect(() => assertProber(() => undefined)).toThrow(/needs \/usr\/bin\/python3/);
    expect(() => assertProber(() => ['/usr/bin/python3'])).not.toThrow();
  });
});
