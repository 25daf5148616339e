// Every shipped example validates without errors, and its warnings are exactly the ones the
// seed article describes: network B's switch that is not VLAN-aware merges pc1's and pc2's
// subnets (W-DOMAIN-MIXED), and pc2's gateway is in another VLAN (W-GATEWAY-UNREACHABLE).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';

/** Expected warnings per example, in output order: code, the node it points at, its text. Others expect none. */
const EXPECTED: Record<string, { code: string; node: string; text: RegExp }[]> = {
  'network-b.yaml': [
    { code: 'W-DOMAIN-MIXED', node: 'pc2', text: /^pc1, pc3 \(192\.168\.10\.0\/24\) and pc2 \(192\.168\.20\.0\/24\) share one broadcast domain \(VLAN 10\) because sw-left is not VLAN-aware/ },
    { code: 'W-GATEWAY-UNREACHABLE', node: 'pc2', text: /^pc2's gateway 192\.168\.20\.1 is not in its broadcast domain \(VLAN 10 via sw-left\)/ },
  ],
};

const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml')).sort();

describe('examples validate', () => {
  it('there are examples to check', () => {
    expect(examples).toContain('network-a.yaml');
    expect(examples).toContain('network-b.yaml');
  });

  for (const f of examples) {
    it(`${f}: no errors, only the expected warnings`, () => {
      const r = loadDesignFile(`examples/${f}`);
      expect(r.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`)).toEqual([]);
      expect(r.design).toBeDefined();
      const want = EXPECTED[f] ?? [];
      expect(r.warnings.map((w) => w.code)).toEqual(want.map((w) => w.code));
      r.warnings.forEach((w, i) => {
        expect(w.message).toMatch(want[i]!.text);
        // The warning points into the line that defines the host it is about.
        expect(w.path.slice(0, 2)).toEqual(['nodes', want[i]!.node]);
      });
    });
  }

  it('network-b: making sw-left VLAN-aware (pc1 in VLAN 10, pc2 in VLAN 20) removes both warnings', () => {
    const text = readFileSync('examples/network-b.yaml', 'utf8')
      .replace('sw-left: { kind: switch, label: not VLAN-aware }', 'sw-left: { kind: switch, vlan-aware: true }')
      .replace('- endpoints: [pc1:eth0, sw-left:p1]', '- { endpoints: [pc1:eth0, sw-left:p1], vlan: 10 }')
      .replace('- endpoints: [pc2:eth0, sw-left:p2]', '- { endpoints: [pc2:eth0, sw-left:p2], vlan: 20 }')
      .replace('{ endpoints: [sw-left:p9, core:p1], vlan: 10 }', '{ endpoints: [sw-left:p9, core:p1], trunk: [10, 20] }');
    const r = loadDesign(text, 'fixed.yaml');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});
