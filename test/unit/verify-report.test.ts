// The verify HTML report, built offline from a verify result shaped like a real one: the
// expectation for every pair of a compiled example (from the same comparison verify uses),
// with two observations flipped into mismatches. Checks the page's structure, not its looks.
import { describe, expect, it as baseIt } from 'vitest';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { compare } from '../../src/semantics/compare.js';
import { reason, verifyHtml, verifyHtmlReport } from '../../src/verify/report-html.js';
import type { Check, VerifyReport } from '../../src/verify/verify.js';

// The report lays out both diagrams with ELK: seconds on a loaded machine.
const it = (name: string, fn: () => unknown) => baseIt(name, fn, 60_000);

const design = loadDesignFile('examples/network-a.yaml').design!;
const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.full! });

function fakeReport(flip: number[]): VerifyReport {
  const cmp = compare(design, plan);
  const eps = cmp.design.endpoints;
  const checks: Check[] = [];
  for (const a of eps)
    for (const b of eps) {
      if (a === b) continue;
      const want = cmp.expected(a.ref, b.ref);
      checks.push({ kind: 'ping', from: a.name, to: b.name, expected: want.reach, observed: want.reach, ok: true });
      checks.push({ kind: 'arp', from: a.name, to: b.name, expected: want.l2, observed: want.l2, ok: true });
    }
  for (const k of flip) {
    const c = checks[k]!;
    c.observed = !c.expected;
    c.ok = false;
  }
  const failed = flip.length;
  return { lab: 'fake', endpoints: eps.map((e) => e.name), checks, skipped: [], summary: { passed: checks.length - failed, failed }, unexplained: 0, ms: 1234 };
}

function scriptOf(html: string): string {
  return /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
}

describe('verify --html report', () => {
  it('shows the verdict, counts, every endpoint, every mismatch and both diagrams, self-contained', async () => {
    const r = fakeReport([0, 3]);
    const html = await verifyHtmlReport(r, plan, design);
    expect(html).toContain('FAIL: 2 check(s) differ from the design');
    expect(html).toContain(`${r.summary.passed} passed, 2 failed`);
    // The matrix: a header cell and a row per endpoint, with the terminal's legend.
    expect(r.endpoints.length).toBeGreaterThan(4);
    r.endpoints.forEach((e, i) => {
      expect(html).toContain(`<th title="${e}">${i + 1}</th>`);
      expect(html).toContain(`<th class="row">${i + 1} ${e}</th>`);
    });
    expect(html).toContain('# reaches it in one broadcast domain');
    expect(html.match(/<td class="bad"/g)!.length).toBe(2);
    // Every mismatch, with expected, observed and its meaning.
    const rows = html.match(/<tr class="mismatch">.*<\/tr>/g)!;
    expect(rows.length).toBe(2);
    for (const [i, c] of r.checks.filter((x) => !x.ok).entries()) {
      expect(rows[i]).toContain(`<td>${c.kind}</td><td>${c.from}</td><td>${c.to}</td>`);
      expect(rows[i]).toContain(reason(c));
    }
    // Both diagrams, the design's and the twin's, hover-linked by shared refs.
    expect(html.match(/<svg /g)!.length).toBe(2);
    expect(html).toContain('class="side design"');
    expect(html).toContain('class="side twin"');
    expect(html).toMatch(/data-id="node:pc1" data-refs="node:pc1 /);
    // Self-contained: no src=/href=, the only URL is the SVG namespace, and the script parses.
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html.match(/https?:\/\/[^"]+/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(() => new Function(scriptOf(html))).not.toThrow();
  });

  it('says PASS and "None." when everything matches; escapes names', () => {
    const r = fakeReport([]);
    r.endpoints[0] = '<b>&x';
    const html = verifyHtml({ report: r, title: 'a<b', svgs: [] });
    expect(html).toContain('PASS: the twin behaves like the design');
    expect(html).toContain(`${r.summary.passed} passed, 0 failed`);
    expect(html).toContain('<h2>Mismatches</h2><p>None.</p>');
    expect(html).not.toContain('<b>&x');
    expect(html).toContain('&lt;b&gt;&amp;x');
    expect(html).not.toContain('class="bad"');
  });

  it('lists where port forwards land and the skipped probes', () => {
    const r = fakeReport([]);
    r.checks.push({ kind: 'tcp', from: 'pc1', to: 'gw 203.0.113.2:80 -> pc1:80', expected: true, observed: true, ok: true });
    r.skipped.push({ kind: 'ping', from: 'pc1', to: 'pc2', why: 'depends on conntrack state' });
    const html = verifyHtml({ report: r, title: 't', svgs: [] });
    expect(html).toContain('tcp gw 203.0.113.2:80 -&gt; pc1:80: lands from pc1');
    expect(html).toContain('1 x depends on conntrack state');
  });
});
