// "verify LAB --html FILE": one self-contained page (no external resources) a person can open
// or attach to a ticket — the verdict, the counts, the observed matrix with the terminal's
// legend, every mismatch with what was expected, what was seen and what that difference means,
// and the design and twin diagrams (the same hover-linked SVGs as "vnetmap draw --format html").
import { layouts } from '../diagram/draw.js';
import { diagramFragment } from '../diagram/html.js';
import { composeSvg, esc } from '../diagram/svg.js';
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { cellChar, LEGEND } from '../semantics/format.js';
import type { Check, VerifyReport } from './verify.js';

/** Above this many endpoints the matrix would be unreadable even in a browser; the mismatch list stays complete. */
const MATRIX_MAX = 250;

const STYLE = `
.report { padding: 16px; max-width: 100%; box-sizing: border-box; }
.verdict { font-size: 20px; font-weight: 600; padding: 10px 14px; border-radius: 6px; display: inline-block; }
.verdict.pass { background: #e3f6e5; color: #17642a; } .verdict.fail { background: #fde8e8; color: #9b1c1c; }
.counts { font-family: ui-monospace, monospace; margin: 8px 0; }
.report h2 { font-size: 16px; margin: 20px 0 6px; }
.legend { font-size: 13px; color: #444; font-family: ui-monospace, monospace; }
table.matrix { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
table.matrix td, table.matrix th { border: 1px solid #e4e4e4; padding: 1px 4px; text-align: center; }
table.matrix th.row { text-align: left; font-weight: normal; white-space: nowrap; }
table.matrix td.bad { background: #f8b4b4; color: #7a0b0b; font-weight: 700; }
table.matrix td.self { color: #aaa; }
table.mismatches { border-collapse: collapse; font-size: 13px; }
table.mismatches td, table.mismatches th { border: 1px solid #e4e4e4; padding: 3px 8px; text-align: left; vertical-align: top; }
ul.plain { margin: 4px 0; padding-left: 20px; font-size: 13px; }
`;

export interface HtmlReportInput {
  report: VerifyReport;
  /** The design's name, for the title. */
  title: string;
  /** Inline SVGs, design first then twin (from composeSvg of the diagram layouts). */
  svgs: string[];
}

export function verifyHtml({ report: r, title, svgs }: HtmlReportInput): string {
  const pass = r.summary.failed === 0;
  const diagrams = diagramFragment(svgs);
  const count = (k: string) => r.checks.filter((c) => c.kind === k).length;
  const body = [
    `<div class="report">`,
    `<h1>verify ${esc(r.lab)} (${esc(title)})</h1>`,
    `<div class="verdict ${pass ? 'pass' : 'fail'}">${pass ? 'PASS: the twin behaves like the design' : r.summary.inconclusive === r.summary.failed ? `INCONCLUSIVE: ${r.summary.failed} check(s) failed while the host dropped frames` : `FAIL: ${r.summary.failed - (r.summary.inconclusive ?? 0)} check(s) differ from the design`}</div>`,
    `<p class="counts">${r.summary.passed} passed, ${r.summary.failed} failed</p>`,
    `<p>${r.endpoints.length} endpoints; ${count('ping')} ping, ${count('arp')} arp, ${count('tcp')} tcp checks in ${(r.ms / 1000).toFixed(1)} s</p>`,
    ...matrix(r),
    ...tcpLines(r),
    ...mismatches(r),
    ...notes(r),
    `<h2>Diagrams</h2><p>Design, then twin. Hover over an element to highlight what realises it on the other side.</p>`,
    `</div>`,
    `<main>`,
    diagrams.body,
    `</main>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>verify ${esc(r.lab)} - vnetmap</title>`,
    `<style>${diagrams.style}${STYLE}</style></head><body>`,
    ...body,
    `<script>${diagrams.script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The page for a finished verify run, with the design and twin diagrams laid out fresh. */
export async function verifyHtmlReport(report: VerifyReport, plan: Plan, design: Design): Promise<string> {
  const svgs = (await layouts(design, plan, 'both')).map((l) => composeSvg([l]));
  return verifyHtml({ report, title: design.name, svgs });
}

/** Same cells as the terminal matrix: X where the observation differs from the expectation. */
function matrix(r: VerifyReport): string[] {
  const by = new Map<string, Check>();
  for (const c of r.checks) if (c.kind === 'ping' || c.kind === 'arp') by.set(`${c.kind} ${c.from} ${c.to}`, c);
  if (!by.size) return [];
  if (r.endpoints.length > MATRIX_MAX) return [`<h2>Observed reachability</h2><p>${r.endpoints.length} endpoints: too many for a matrix; see the mismatch list.</p>`];
  const out = [
    `<h2>Observed reachability</h2>`,
    `<p class="legend">rows: from, columns: to; X: differs from the expectation<br>${esc(LEGEND)}</p>`,
    `<table class="matrix"><tr><th></th>${r.endpoints.map((e, k) => `<th title="${esc(e)}">${k + 1}</th>`).join('')}</tr>`,
  ];
  r.endpoints.forEach((a, i) => {
    const cells = r.endpoints.map((b) => {
      if (a === b) return `<td class="self">-</td>`;
      const p = by.get(`ping ${a} ${b}`);
      const l = by.get(`arp ${a} ${b}`);
      const bad = [p, l].filter((c): c is Check => !!c && !c.ok);
      if (bad.length) return `<td class="bad" title="${esc(bad.map((c) => `${c.kind}: expected ${says(c, c.expected)}, observed ${says(c, c.observed)}`).join('; '))}">X</td>`;
      // Same-namespace pairs have no ARP probe: show the expectation's adjacency (as the terminal does).
      return `<td>${esc(cellChar({ reach: p?.observed ?? false, l2: l?.observed ?? l?.expected ?? false }))}</td>`;
    });
    out.push(`<tr><th class="row">${i + 1} ${esc(a)}</th>${cells.join('')}</tr>`);
  });
  out.push('</table>');
  return out;
}

function tcpLines(r: VerifyReport): string[] {
  const tcp = r.checks.filter((c) => c.kind === 'tcp');
  if (!tcp.length) return [];
  const targets = [...new Set(tcp.map((c) => c.to))];
  return [
    `<h2>Port forwards (TCP)</h2><ul class="plain">`,
    ...targets.map((t) => {
      const from = tcp.filter((c) => c.to === t && c.observed).map((c) => c.from);
      return `<li>tcp ${esc(t)}: lands from ${esc(from.join(' ') || '(none)')}</li>`;
    }),
    `</ul>`,
  ];
}

function mismatches(r: VerifyReport): string[] {
  const bad = r.checks.filter((c) => !c.ok);
  if (!bad.length) return [`<h2>Mismatches</h2><p>None.</p>`];
  return [
    `<h2>Mismatches (${bad.length})</h2>`,
    `<table class="mismatches"><tr><th>probe</th><th>from</th><th>to</th><th>expected</th><th>observed</th><th>what it means</th></tr>`,
    ...bad.map((c) => `<tr class="mismatch"><td>${c.kind}</td><td>${esc(c.from)}</td><td>${esc(c.to)}</td><td>${esc(says(c, c.expected))}</td><td>${esc(says(c, c.observed))}</td><td>${esc(reason(c))}</td></tr>`),
    `</table>`,
  ];
}

function notes(r: VerifyReport): string[] {
  const out: string[] = [];
  if (r.skipped.length) {
    out.push(`<h2>Skipped</h2><p>${r.skipped.length} probe(s) whose answer would prove nothing (it depends on earlier traffic, or names no one device):</p><ul class="plain">`);
    for (const why of [...new Set(r.skipped.map((x) => x.why))]) out.push(`<li>${r.skipped.filter((x) => x.why === why).length} x ${esc(why)}</li>`);
    out.push('</ul>');
  }
  for (const n of r.notes ?? []) out.push(`<p>Note: ${esc(n)}</p>`);
  if (r.unexplained) out.push(`<p>Note: the plan differs from the design in ${r.unexplained} way(s) no deviation explains (see "vnetmap expect FILE --strategy S").</p>`);
  return out;
}

// Worded like the terminal report (src/verify/report.ts) so both read the same.
function says(c: Check, v: boolean): string {
  if (c.kind === 'ping') return v ? 'a reply from the target' : 'no reply from the target';
  if (c.kind === 'arp') return v ? "an ARP answer from the target's MAC (same broadcast domain)" : 'no ARP answer from it';
  return v ? 'the connection to land on the target' : 'no connection to the target';
}

/** What the direction of a difference says about the twin, to point at where to look. */
export function reason(c: Check): string {
  const why = c.explanation?.length ? ` Why: ${c.explanation.join('; ')}.` : '';
  return direction(c) + why;
}

function direction(c: Check): string {
  if (c.error) return `could not probe: ${c.error}`;
  if (c.inconclusive) return `inconclusive: ${c.inconclusive}; the twin may be right (see the notes)`;
  if (c.detail && c.expected === c.observed) return c.detail;
  const lost = c.expected && !c.observed;
  if (c.kind === 'ping') return lost ? 'the twin drops traffic the design lets through: look for a missing link, bridge port, address, route or NAT rule on the path' : 'the twin lets through traffic the design blocks: an isolation (firewall, separate segment, macvlan mode) is missing';
  if (c.kind === 'arp') return lost ? 'the twin splits a broadcast domain the design has: a bridge, switch port or VLAN tag is missing or different' : 'the twin joins broadcast domains the design keeps apart: a VLAN tag or bridge port is wrong';
  return lost ? 'the port forward does not land: the DNAT rule, its route back or the target is missing' : 'a connection lands where the design forbids it: a DNAT rule is broader than designed';
}
