// The input-backlog arithmetic verify uses (src/verify/backlog.ts) on compiled examples and
// generated trees, and how inconclusive checks read in the text and HTML reports.
import { describe, expect, it } from 'vitest';
import { designYaml, treeTopo } from '../../bench/gen-designs.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';
import { backlogDrops, backlogFor, backlogSysctl, floodMs, floodSize, readBacklog } from '../../src/verify/backlog.js';
import { formatVerify } from '../../src/verify/report.js';
import { reason, verifyHtml } from '../../src/verify/report-html.js';
import type { Check, VerifyReport } from '../../src/verify/verify.js';

const plannedFlood = (design: ReturnType<typeof loadDesignFile>['design']) => {
  const plan = compile(design!, { strategy: 'faithful', capabilities: PRESETS.full! });
  const cmp = compare(design!, plan);
  return { design: floodSize(cmp.design), plan: floodSize(cmp.plan) };
};

describe('flood size', () => {
  it('a flat tree: every host gets a copy of every broadcast', () => {
    const t = treeTopo(2, 7);
    const r = loadDesign(designYaml(t, { name: 'bt' }), 'bt.yaml');
    expect(r.errors ?? []).toEqual([]);
    expect(plannedFlood(r.design)).toEqual({ design: 49, plan: 49 });
  });

  it('network B: the largest VLAN, not the whole network', () => {
    const d = loadDesignFile('examples/network-b.yaml').design!;
    const f = plannedFlood(d);
    const endpoints = compare(d, compile(d, { strategy: 'faithful', capabilities: PRESETS.full! })).design.endpoints.length;
    expect(f.design).toBe(f.plan);
    expect(f.design).toBeGreaterThan(1);
    expect(f.design).toBeLessThan(endpoints);
  });
});

describe('advice', () => {
  it('fits two floods at once, as a power of two', () => {
    expect(backlogFor(5832)).toBe(16384);
    expect(backlogFor(4096)).toBe(8192);
    expect(backlogFor(4097)).toBe(16384);
    expect(backlogFor(1)).toBe(2);
    expect(backlogSysctl(1000)).toBe('sysctl -w net.core.netdev_max_backlog=2048');
    expect(floodMs(5832)).toBe(18);
  });

  it('reads this kernel', () => {
    const b = readBacklog();
    expect(b === undefined || b > 0).toBe(true);
    expect(backlogDrops()).toBeGreaterThanOrEqual(0);
  });
});

describe('inconclusive checks in the reports', () => {
  const why = 'the kernel dropped 507 frames at a full input backlog while the ARP probes ran';
  const checks: Check[] = [
    { kind: 'arp', from: 'h1', to: 'h2', expected: true, observed: true, ok: true },
    { kind: 'arp', from: 'h1', to: 'h3', expected: true, observed: false, ok: false, inconclusive: why },
  ];
  const r: VerifyReport = { lab: 'x', endpoints: ['h1', 'h2', 'h3'], checks, skipped: [], summary: { passed: 1, failed: 1, inconclusive: 1 }, unexplained: 0, ms: 10 };

  it('text: tagged, counted, and the summary line unchanged', () => {
    const t = formatVerify(r);
    expect(t).toContain('arp h1 -> h3: expected');
    expect(t).toMatch(/no ARP answer from it \(inconclusive\)\n/);
    expect(t).toContain(`note: 1 of the 1 failed checks are inconclusive, not proven mismatches: ${why}`);
    expect(t).toMatch(/\n1 passed, 1 failed\n$/);
  });

  it('HTML: INCONCLUSIVE verdict when all failures are, the reason in the mismatch row', () => {
    const html = verifyHtml({ report: r, title: 't', svgs: [] });
    expect(html).toContain('INCONCLUSIVE: 1 check(s) failed while the host dropped frames');
    expect(reason(checks[1]!)).toMatch(/^inconclusive: the kernel dropped 507 frames/);
    const mixed = verifyHtml({ report: { ...r, checks: [...checks, { ...checks[1]!, to: 'h2', inconclusive: undefined }], summary: { passed: 1, failed: 2, inconclusive: 1 } }, title: 't', svgs: [] });
    expect(mixed).toContain('FAIL: 1 check(s) differ from the design');
  });
});
