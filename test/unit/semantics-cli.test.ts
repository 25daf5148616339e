// The expect and trace commands end to end (offline): output, JSON shape, exit codes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'vnetmap', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('vnetmap expect', () => {
  it('prints domains, classes, the matrix and port forwards', async () => {
    const r = await run('expect', 'examples/network-b.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^network-b: 13 endpoints, 5 broadcast domains, 12 reachability classes/);
    expect(r.out).toContain('1: pc1 pc2 pc3 core/vlan10   (VLAN 10; via sw-left, sw-right, core');
    expect(r.out).toMatch(/gw forward tcp 203\.0\.113\.2:8080 -> pc6 192\.168\.30\.16:80/);
  });
  it('--json has domains, endpoints, classes, pairs and tcp; --strategy adds the twin', async () => {
    const r = await run('expect', 'examples/network-a-vms.yaml', '--strategy', 'macvtap', '--macvlan-mode', 'private', '--capabilities', 'full', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['design', 'domains', 'endpoints', 'classes', 'classMatrix', 'pairs', 'tcp', 'plan']);
    expect(j.pairs.find((p: { from: string; to: string }) => p.from === 'pc1' && p.to === 'pc2')).toMatchObject({ reach: true, l2: true }); // the design's promise
    expect(j.plan.unexplained).toBe(0);
    expect(j.plan.differences.length).toBeGreaterThan(0); // private mode isolates the VMs
    expect(j.plan.differences.every((d: { explainedBy?: string }) => d.explainedBy === 'macvtap-private-isolation')).toBe(true);
  });
  it('a strategy the design cannot use is a user error (exit 2)', async () => {
    const r = await run('expect', 'examples/network-b.yaml', '--strategy', 'macvtap', '--capabilities', 'full');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/macvtap/);
  });
});

describe('vnetmap trace', () => {
  it('a delivered packet exits 0 and shows both directions', async () => {
    const r = await run('trace', 'examples/network-a.yaml', 'pc3', 'internet');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/request:\n/);
    expect(r.out).toMatch(/masquerade out wan: source 192\.168\.1\.13 => 203\.0\.113\.2/);
    expect(r.out).toMatch(/verdict: delivered/);
  });
  it('a dropped packet exits 1 and says where and why', async () => {
    const r = await run('trace', 'examples/network-b.yaml', 'pc2', 'pc1', '--strategy', 'ovs', '--capabilities', 'minimal');
    expect(r.code).toBe(1);
    // core answers pc2's ARP for its VLAN 20 address on VLAN 10 (Linux does), but its reply
    // to pc2 leaves on VLAN 20, where pc2 is not.
    expect(r.out).toMatch(/core +drop +no ARP reply for 192\.168\.20\.12 on core\/vlan20/);
    expect(r.out).toMatch(/verdict: dropped: reply lost/);
  });
  it('an unknown endpoint lists the known ones (exit 2)', async () => {
    const r = await run('trace', 'examples/network-a.yaml', 'pc9', 'pc1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/source "pc9" is not an endpoint; use one of: pc1, pc2/);
  });
});
