// Text form of a verify run: the observed matrix (a mismatching cell shows as X), every
// mismatch spelled out, and the plain "N passed, N failed" line scripts can grep.
import { cellChar, LEGEND } from '../semantics/format.js';
import type { Check, VerifyReport } from './verify.js';

const MATRIX_MAX = 60;

export function formatVerify(r: VerifyReport): string {
  const count = (k: string) => r.checks.filter((c) => c.kind === k).length;
  const extra = (['udp', 'dhcp', 'dns'] as const).filter((k) => count(k)).map((k) => `, ${count(k)} ${k}`).join('');
  const routes = count('route') ? `${count('route')} route, ` : '';
  const out = [`verify ${r.lab}: ${r.endpoints.length} endpoints; ${routes}${count('ping')} ping, ${count('arp')} arp, ${count('tcp')} tcp${extra} checks in ${(r.ms / 1000).toFixed(1)} s`];
  if (count('route')) out.push(`routes: ${count('route')} routes of ${new Set(r.checks.filter((c) => c.kind === 'route').map((c) => c.from)).size} routing nodes checked against the converged design${r.convergedMs !== undefined ? `, converged after ${(r.convergedMs / 1000).toFixed(1)} s` : ', NOT converged within the bound'}`);
  if (r.sampled) out.push(`sampled: ${r.sampled.pairs.toLocaleString('en')} of ${r.sampled.ofPairs.toLocaleString('en')} ordered pairs (${r.sampled.perSource} targets per source, each endpoint probed as often, every pair of classes at least once); --all probes every pair`);
  const by = new Map<string, Check>();
  for (const c of r.checks) if (c.kind === 'ping' || c.kind === 'arp') by.set(`${c.kind} ${c.from} ${c.to}`, c);
  if (r.endpoints.length <= MATRIX_MAX && by.size) {
    out.push(`observed (X: differs from the expectation${r.sampled ? ', ?: not probed' : ''})   ${LEGEND}`);
    const w = Math.max(...r.endpoints.map((e) => e.length), 4);
    const idx = r.endpoints.map((_, k) => String(k + 1));
    if (idx.length >= 10) out.push(' '.repeat(w + 6) + idx.map((s) => (s.length > 1 ? s[0] : ' ')).join(' '));
    out.push(' '.repeat(w + 6) + idx.map((s) => s[s.length - 1]).join(' '));
    r.endpoints.forEach((a, i) => {
      const cells = r.endpoints.map((b) => {
        if (a === b) return '-';
        const p = by.get(`ping ${a} ${b}`);
        const l = by.get(`arp ${a} ${b}`);
        if ((p && !p.ok) || (l && !l.ok)) return 'X';
        if (!p && !l && r.sampled) return '?';
        // Same-namespace pairs have no ARP probe: show the expectation's adjacency.
        return cellChar({ reach: p?.observed ?? false, l2: l?.observed ?? l?.expected ?? false });
      });
      out.push(`  ${String(i + 1).padStart(2)} ${a.padEnd(w)} ${cells.join(' ')}`);
    });
  }
  const tcp = r.checks.filter((c) => c.kind === 'tcp' || c.kind === 'udp');
  if (tcp.length) {
    const targets = [...new Set(tcp.map((c) => `${c.kind} ${c.to}`))];
    for (const t of targets) {
      const cs = tcp.filter((c) => `${c.kind} ${c.to}` === t);
      out.push(`${t}: lands from ${cs.filter((c) => c.observed).map((c) => c.from).join(' ') || '(none)'}`);
    }
  }
  const bad = r.checks.filter((c) => !c.ok);
  if (bad.length) {
    out.push('mismatches:');
    let said = '';
    for (const c of bad) {
      if (c.error) out.push(`  ${c.kind} ${c.from} -> ${c.to}: could not probe: ${c.error}`);
      else if (c.expected === c.observed) out.push(`  ${c.kind} ${c.from} -> ${c.to}: ${c.detail ?? 'differs'}`);
      else out.push(`  ${c.kind} ${c.from} -> ${c.to}: expected ${says(c, c.expected)}, observed ${says(c, c.observed)}${c.detail ? ` (${c.detail})` : ''}${c.inconclusive ? ' (inconclusive)' : ''}`);
      // Failures with one cause share its explanation: said once, under the first of them.
      const why = (c.explanation ?? []).join('\n');
      if (why && why !== said) for (const e of c.explanation!) out.push(`      why: ${e}`);
      said = why || said;
    }
  }
  if (r.skipped.length) {
    out.push(`skipped ${r.skipped.length} probe(s) whose answer would prove nothing (it depends on earlier traffic, or names no one device):`);
    for (const why of [...new Set(r.skipped.map((x) => x.why))]) out.push(`  ${r.skipped.filter((x) => x.why === why).length} x ${why}`);
  }
  for (const n of r.notes ?? []) out.push(`note: ${n}`);
  if (r.unexplained) out.push(`note: the plan differs from the design in ${r.unexplained} way(s) no deviation explains (see "vnetmap expect FILE --strategy S")`);
  if (r.summary.inconclusive) {
    const whys = [...new Set(r.checks.flatMap((c) => (c.inconclusive ? [c.inconclusive] : [])))];
    out.push(`note: ${r.summary.inconclusive} of the ${r.summary.failed} failed checks are inconclusive, not proven mismatches: ${whys.join('; ')}`);
  }
  if (r.summary.errors) out.push(`note: ${r.summary.errors} of the ${r.summary.failed} failed checks could not be probed at all (see "could not probe")`);
  out.push(`${r.summary.passed} passed, ${r.summary.failed} failed`);
  return out.join('\n') + '\n';
}

function says(c: Check, v: boolean): string {
  if (c.kind === 'ping') return v ? 'a reply from the target' : 'no reply from the target';
  if (c.kind === 'arp') return v ? "an ARP answer from the target's MAC (same broadcast domain)" : 'no ARP answer from it';
  if (c.kind === 'route') return v ? 'a route to it' : 'no route to it';
  if (c.kind === 'dhcp') return v ? `a lease of ${c.to}` : `no lease of ${c.to}`;
  if (c.kind === 'dns') return v ? 'the name to resolve to its address' : 'no answer';
  return v ? 'the connection to land on the target' : 'no connection to the target';
}

export function verifyJson(r: VerifyReport): unknown {
  return { lab: r.lab, checks: r.checks, skipped: r.skipped, ...(r.sampled ? { sampled: r.sampled } : {}), ...(r.notes ? { notes: r.notes } : {}), summary: r.summary, unexplained: r.unexplained, ...(r.convergedMs !== undefined ? { convergedMs: r.convergedMs } : {}), ms: r.ms };
}
