// Strategy ovs: every switch and every server's VM switch is an Open vSwitch bridge, and a dumb
// switch that sees tagged frames is flagged for its per-VLAN MAC learning.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';

describe('ovs strategy', () => {
  it('network B on servers: no Linux bridge at all, VMs on access ports, NICs as trunks', () => {
    const d = loadDesignFile('examples/network-b-servers.yaml').design!;
    const p = compile(d, { strategy: 'ovs', capabilities: PRESETS.full! });
    expect(p.objects.filter((o) => o.kind === 'bridge')).toEqual([]);
    expect(p.objects.filter((o) => o.kind === 'ovs-bridge').map((o) => o.realizes[0])).toEqual(['node:host-a', 'node:host-b', 'node:host-c', 'node:tor', 'node:core']);
    // The system datapath needs no offload workaround.
    expect(p.objects.some((o) => o.kind === 'veth' && (o.a.txOff || o.b.txOff))).toBe(false);
    // tor:p3 hairpins for VEPA; facing host-c's OVS bridge it would bounce the VMs' own frames back.
    expect(p.deviations.map((x) => `${x.code} ${x.realizes.join(',')}`)).toEqual(['hairpin-off-toward-bridge port:tor/p3']);
    expect(p.objects.some((o) => o.kind === 'ovs-port' && o.hairpin)).toBe(false);
  });
  it('network B: the dumb switch sw-left is an OVS bridge with untagged-agnostic ports; it sees no tags, so no deviation', () => {
    const d = loadDesignFile('examples/network-b.yaml').design!;
    const p = compile(d, { strategy: 'ovs', capabilities: PRESETS.minimal! });
    const swLeft = p.objects.find((o) => o.kind === 'ovs-bridge' && o.realizes[0] === 'node:sw-left');
    expect(swLeft).toBeDefined();
    const ports = p.objects.filter((o) => o.kind === 'ovs-port' && o.bridge === (swLeft as { name: string }).name);
    expect(ports).toHaveLength(3);
    expect(ports.every((o) => o.kind === 'ovs-port' && o.tag === undefined && o.trunks === undefined && o.vlanMode === undefined)).toBe(true);
    expect(p.deviations).toEqual([]);
  });
  it('a dumb switch carrying tagged frames: ovs-dumb-switch-learning', () => {
    const text = readFileSync('examples/network-b-servers.yaml', 'utf8').replace('    vlan-aware: true\n    hairpin: [p3]', '    vlan-aware: false\n    hairpin: [p3]')
      // A dumb switch takes no trunk settings; the servers still send their VMs' frames tagged.
      .replace(/\{ endpoints: \[(host-\w:eth0, tor:p\d)\], trunk: \[[\d, ]+\] \}/g, '{ endpoints: [$1] }');
    const r = loadDesign(text, 'dumb-tor.yaml');
    expect(r.errors).toEqual([]);
    const p = compile(r.design!, { strategy: 'ovs', capabilities: PRESETS.full! });
    expect(p.deviations.map((x) => x.code)).toEqual(['hairpin-off-toward-bridge', 'ovs-dumb-switch-learning']);
    expect(p.deviations[1]!.realizes).toEqual(['node:tor', 'port:tor/p1', 'port:tor/p2', 'port:tor/p3', 'port:tor/p24']);
  });
  it('hairpin stays on where no bridge is behind the port', () => {
    const text = readFileSync('examples/network-a.yaml', 'utf8').replace('  agg-sw: { kind: switch, label: aggregation }', '  agg-sw: { kind: switch, label: aggregation, hairpin: [p2] }');
    const p = compile(loadDesign(text).design!, { strategy: 'ovs', capabilities: PRESETS.minimal! });
    expect(p.objects.filter((o) => o.kind === 'ovs-port' && o.hairpin).map((o) => o.realizes)).toEqual([['port:agg-sw/p2']]);
    expect(p.deviations).toEqual([]);
  });
  it('needs Open vSwitch', () => {
    const d = loadDesignFile('examples/network-a.yaml').design!;
    expect(() => compile(d, { strategy: 'ovs', capabilities: PRESETS['no-ovs']! })).toThrow('the ovs strategy needs Open vSwitch, which the capabilities (no-ovs) lack');
  });
});
