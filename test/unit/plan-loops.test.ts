// A switch loop without spanning tree: the twin must not reproduce the broadcast storm.
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';

const ring = (stp3: boolean) => `name: loopy
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.0.1/24 } } }
  pc2: { kind: host, interfaces: { eth0: { address: 10.0.0.2/24 } } }
  s1: { kind: switch }
  s2: { kind: switch }
  s3: { kind: switch${stp3 ? ', stp: true' : ''} }
  lone: { kind: switch }
links:
  - endpoints: [pc1:eth0, s1:p1]
  - endpoints: [pc2:eth0, s2:p1]
  - endpoints: [s1:p2, s2:p2]
  - endpoints: [s2:p3, s3:p1]
  - endpoints: [s3:p2, s1:p3]
`;

describe('loops without spanning tree', () => {
  const d = loadDesign(ring(false)).design!;
  it.each(['faithful', 'ovs'] as const)('%s turns STP on around the loop and says so', (strategy) => {
    const p = compile(d, { strategy, capabilities: PRESETS.full! });
    const bridges = p.objects.filter((o) => o.kind === 'bridge' || o.kind === 'ovs-bridge');
    expect(bridges.map((o) => `${o.realizes[0]}:${'stp' in o && o.stp}`)).toEqual(['node:s1:true', 'node:s2:true', 'node:s3:true', 'node:lone:false']);
    expect(p.deviations.map((x) => x.code)).toEqual(['stp-forced']);
    expect(p.deviations[0]!.message).toContain('closed by link 5');
    expect(p.deviations[0]!.realizes).toEqual(['node:s1', 'node:s2', 'node:s3', 'link:5']);
  });
  it('compact has no loop to break: one bridge for the domain', () => {
    const p = compile(d, { strategy: 'compact', capabilities: PRESETS.full! });
    expect(p.deviations.some((x) => x.code === 'stp-forced')).toBe(false);
    expect(p.objects.filter((o) => o.kind === 'bridge')).toHaveLength(1);
  });
});
