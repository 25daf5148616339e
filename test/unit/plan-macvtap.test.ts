// macvtap modes (seed A_M0, B_M0-B_M3) and the deviations they imply, checked against the
// macvlan semantics measured on our kernel (MACHINE.md) and cross-checked with the semantics
// engine: every reachability difference between design and plan must be covered by a deviation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';

const base = readFileSync('examples/network-a-vms.yaml', 'utf8');
function variant(edit: (s: string) => string): Design {
  const r = loadDesign(edit(base), 'variant.yaml');
  if (!r.design) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.design;
}
const noHairpin = (s: string) => s.replace('    hairpin: [p1]', '');
const full = PRESETS.full!;
const pairs = (n: number) => (n * (n - 1)) / 2;

describe('macvtap on network A (A_M0)', () => {
  it('vepa behind a hairpin port: VMs reach each other and host1 through the switch, no deviation', () => {
    const d = variant((s) => s);
    const p = compile(d, { capabilities: full });
    expect(p.strategy).toBe('macvtap'); // from the design's mapping
    expect(p.objects.filter((o) => o.kind === 'macvlan').map((o) => o.kind === 'macvlan' && `${o.parent.name}:${o.mode}`)).toEqual(Array(4).fill('eth0:vepa'));
    expect(p.deviations).toEqual([]);
    expect(p.objects.find((o) => o.kind === 'bridge-port' && o.realizes.includes('port:access-sw/p1'))).toMatchObject({ hairpin: true });
    expect(compare(d, p).bugs).toEqual([]);
  });
  it('vepa without hairpin: every VM pair and every VM-server pair is cut off', () => {
    const d = variant(noHairpin);
    const p = compile(d, { capabilities: full });
    const dev = p.deviations.find((x) => x.code === 'macvtap-vepa-no-hairpin');
    expect(dev?.affects).toHaveLength(pairs(4) + 4);
    expect(dev?.affects?.every((a) => a.reach === false && a.l2 === false)).toBe(true);
    expect(compare(d, p).bugs).toEqual([]);
  });
  it('bridge without hairpin: VMs cannot reach their own server', () => {
    const d = variant(noHairpin);
    const p = compile(d, { capabilities: full, macvlanMode: 'bridge' });
    expect(p.deviations.map((x) => x.code)).toEqual(['macvtap-bridge-no-host']);
    expect(p.deviations[0]!.affects!.map((a) => `${a.from}>${a.to}`)).toEqual(['pc1', 'pc2', 'pc3', 'pc4'].map((v) => `iface:${v}/eth0>iface:host1/eth0`));
    expect(compare(d, p).bugs).toEqual([]);
  });
  it('bridge with a hairpin upstream port: the server is reachable again (measured), no deviation', () => {
    const p = compile(variant((s) => s), { capabilities: full, macvlanMode: 'bridge' });
    expect(p.deviations).toEqual([]);
  });
  it('private isolates VMs from each other and the server, hairpin or not', () => {
    for (const d of [variant((s) => s), variant(noHairpin)]) {
      const p = compile(d, { capabilities: full, macvlanMode: 'private' });
      expect(p.deviations.map((x) => x.code)).toEqual(['macvtap-private-isolation']);
      expect(p.deviations[0]!.affects).toHaveLength(pairs(4) + 4);
      expect(compare(d, p).bugs).toEqual([]);
    }
  });
  it('passthru: four VMs on one NIC need three SR-IOV VFs', () => {
    expect(() => compile(variant((s) => s), { capabilities: full, macvlanMode: 'passthru' })).toThrow(/set "sriov-vfs: 3" on the NIC/);
  });
  it('passthru with VFs (B_M3): VFs emulated by bridge-mode children, recorded as a deviation', () => {
    const d = variant((s) => s.replace('eth0: { address: 192.168.1.2/24 }', 'eth0: { address: 192.168.1.2/24, sriov-vfs: 7 }'));
    const p = compile(d, { capabilities: full, macvlanMode: 'passthru' });
    expect(p.objects.filter((o) => o.kind === 'macvlan').every((o) => o.kind === 'macvlan' && o.mode === 'bridge')).toBe(true);
    const dev = p.deviations.find((x) => x.code === 'sriov-vf-emulated');
    expect(dev?.message).toMatch(/offers 7 SR-IOV VFs; each VF is emulated by a bridge-mode macvlan child/);
    expect(p.choices.find((c) => c.feature === 'macvtap host1/eth0')?.chosen).toMatch(/emulating SR-IOV VFs/);
  });
  it('passthru with one VM: the child takes the whole NIC, so the server address is unusable', () => {
    const d = variant((s) => s.replace(/  pc[234]: \{ kind: vm.*\n/g, ''));
    const p = compile(d, { capabilities: full, macvlanMode: 'passthru' });
    expect(p.objects.filter((o) => o.kind === 'macvlan')).toHaveLength(1);
    expect(p.deviations.map((x) => x.code)).toEqual(['macvtap-passthru-host-offline']);
  });
  it('per-server mode from the mapping, overridden by the command line', () => {
    const d = variant((s) => s.replace('  macvlan-mode: vepa', '  macvlan-mode: vepa\n  servers:\n    host1: { macvlan-mode: private }'));
    expect(compile(d, { capabilities: full }).deviations.map((x) => x.code)).toEqual(['macvtap-private-isolation']);
    expect(compile(d, { capabilities: full, macvlanMode: 'vepa' }).deviations).toEqual([]);
  });
  it('--vms qemu: macvtap devices in the server namespace with QEMU fd arguments', () => {
    const p = compile(variant((s) => s), { capabilities: full, vms: 'qemu' });
    const taps = p.objects.filter((o) => o.kind === 'macvlan');
    expect(taps.map((o) => o.kind === 'macvlan' && `${o.namespace}:${o.name}:${o.tap}`)).toEqual([0, 1, 2, 3].map((i) => `vn-network-a-vms-host1:macvtap${i}:true`));
    expect(taps[0]!.kind === 'macvlan' && taps[0]!.qemuArgs?.[1]).toBe('tap,id=net-eth0,fd=3');
  });
});
