// `vnetmap plan` end to end through the CLI entry (no probe: presets only, so it stays pure).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { explainPlan } from '../../src/plan/explain.js';
import { planTable } from '../../src/plan/table.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'vnetmap', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('vnetmap plan', () => {
  const design = loadDesignFile('examples/network-a.yaml').design!;
  it('prints the provenance table by default', async () => {
    const r = await run('plan', 'examples/network-a.yaml', '--capabilities', 'full');
    expect(r.code).toBe(0);
    expect(r.out).toBe(planTable(design, compile(design, { capabilities: PRESETS.full! })));
    expect(r.out).toMatch(/^network-a: strategy faithful, capabilities full \(a distribution kernel with Open vSwitch: [^)]*\), 35 objects, 0 deviations\n/);
  });
  it('--explain and --strategy', async () => {
    const r = await run('plan', 'examples/network-a.yaml', '--capabilities', 'minimal', '--strategy', 'compact', '--explain');
    expect(r.code).toBe(0);
    expect(r.out).toBe(explainPlan(compile(design, { strategy: 'compact', capabilities: PRESETS.minimal! }), design));
    expect(r.out).toContain('[switch-collapsed] compact: switch agg-sw no longer exists; hosts cannot observe it.');
  });
  it('--json gives every object a name and a namespace', async () => {
    const r = await run('plan', 'examples/network-b.yaml', '--capabilities', 'minimal', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { strategy: string; objects: Record<string, unknown>[]; endpoints: unknown[]; choices: unknown[]; deviations: unknown[] };
    expect(j.strategy).toBe('faithful');
    for (const o of j.objects) {
      expect(typeof o.name, JSON.stringify(o)).toBe('string');
      expect('namespace' in o, JSON.stringify(o)).toBe(true);
    }
    const veth = j.objects.find((o) => o.kind === 'veth') as { name: string; a: { name: string } };
    expect(veth.name).toBe(veth.a.name);
    expect(j.endpoints).toHaveLength(13);
  });
  it('--vms qemu and --macvlan-mode reach the compiler', async () => {
    const r = await run('plan', 'examples/network-a-vms.yaml', '--capabilities', 'full', '--vms', 'qemu', '--macvlan-mode', 'private', '--json');
    const j = JSON.parse(r.out) as { objects: { kind: string; mode?: string; tap?: boolean }[] };
    expect(j.objects.filter((o) => o.kind === 'macvlan').map((o) => `${o.mode}/${o.tap}`)).toEqual(Array(4).fill('private/true'));
  });
  it('--script prints the bash script of the plan', async () => {
    const r = await run('plan', 'examples/network-a.yaml', '--capabilities', 'full', '--script');
    expect(r.code).toBe(0);
    expect(r.out.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(r.out).toContain('vn-network-a-agg-sw');
  });
  it('a strategy that cannot apply is a user error (exit 2) with the reason', async () => {
    const r = await run('plan', 'examples/network-a.yaml', '--capabilities', 'full', '--strategy', 'macvtap');
    expect(r.code).toBe(2);
    expect(r.err).toContain('macvtap maps VMs onto their server\'s NIC; this design has no vm nodes — use faithful or compact.');
    expect((await run('plan', 'examples/network-b.yaml', '--capabilities', 'no-ovs', '--strategy', 'ovs')).code).toBe(2);
  });
  it('unknown capabilities and strategies are user errors', async () => {
    const c = await run('plan', 'examples/network-a.yaml', '--capabilities', 'huge');
    expect(c.code).toBe(2);
    expect(c.err).toContain('unknown capabilities "huge"; use probe or one of: full, minimal, no-ovs.');
    expect((await run('plan', 'examples/network-a.yaml', '--strategy', 'fancy')).code).toBe(2);
  });
  it('a design with errors is reported with its problems, not compiled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnetmap-plan-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'name: bad\nnodes:\n  pc1: { kind: host, interfaces: { eth0: { address: 10.0.0.1 } } }\n');
    const r = await run('plan', f, '--capabilities', 'full');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:3:\d+/);
    expect(r.err).toContain('fix them first');
    expect(r.out).toBe('');
  });
});
