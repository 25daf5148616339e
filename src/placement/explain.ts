// The placement as `plan --explain` lines: the objective, the cut next to the baselines', the
// balance and each chassis's load against its share, and what became of every pin. The OVN
// engine prints these under its plan (place() fills Placement.explain with them).
import type { Placement } from './types.js';

const METHOD: Record<Placement['method'], string> = {
  multilevel: 'multilevel graph partitioning',
  'round-robin': 'round-robin in file order',
  random: 'uniform random choice',
};

const num = (x: number) => x.toLocaleString('en');
const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`;

/** Heaviest over lightest chassis load; Infinity when a chassis is empty and another is not. */
export function loadRatio(p: Pick<Placement, 'loads'>): number {
  const l = Object.values(p.loads);
  const max = Math.max(...l);
  const min = Math.min(...l);
  return l.length === 0 || max === 0 ? 1 : min === 0 ? Infinity : max / min;
}

export function explainPlacement(p: Placement, baselines: readonly Placement[]): string[] {
  const k = p.chassis.length;
  const names = k <= 3 ? p.chassis.join(', ') : `${p.chassis[0]} … ${p.chassis[k - 1]}`;
  const out = [`Placement on ${k} chassis (${names || 'none'}), by ${METHOD[p.method]}:`, `- objective: ${p.objective}`];
  const share = p.links ? ` (${((100 * p.cut) / p.links).toFixed(1)} %)` : '';
  const vs = baselines.map((b) => `${b.method}: ${num(b.cut)}${p.cut > 0 && b.cut > 0 ? ` (${(b.cut / p.cut).toFixed(1)}× more)` : ''}`);
  out.push(`- cut: ${num(p.cut)} of ${num(p.links)} link${p.links === 1 ? '' : 's'} cross chassis${share}${vs.length ? `; ${vs.join(', ')}` : ''}`);
  const loads = Object.values(p.loads);
  const r = loadRatio(p);
  if (k) out.push(`- balance: loads ${num(Math.min(...loads))} … ${num(Math.max(...loads))}, max/min ${Number.isFinite(r) ? r.toFixed(2) : '∞ (a chassis is empty)'}`);
  const nodes = new Map<string, number>();
  for (const c of p.assign.values()) nodes.set(c, (nodes.get(c) ?? 0) + 1);
  for (const c of p.chassis) {
    const t = p.targets[c]!;
    const dev = t > 0 ? ` (${pct(p.loads[c]! / t - 1)})` : '';
    out.push(`- ${c}: load ${num(p.loads[c]!)}, share ${num(Math.round(t * 10) / 10)}${dev}, ${num(nodes.get(c) ?? 0)} node${nodes.get(c) === 1 ? '' : 's'}`);
  }
  const kept = p.pins.filter((x) => x.honoured);
  const lost = p.pins.filter((x) => !x.honoured);
  if (!p.pins.length) out.push('- pins: none');
  else {
    if (kept.length) out.push(`- pins honoured: ${kept.length} of ${p.pins.length} (${kept.map((x) => `${x.node} on ${x.chassis}`).join(', ')})`);
    for (const x of lost) {
      const why = p.chassis.includes(x.chassis) ? 'its server goes elsewhere, and a VM runs where its server runs' : 'no such chassis';
      out.push(`- pin NOT honoured: ${x.node} on ${x.chassis} (${why})`);
    }
  }
  return out;
}
