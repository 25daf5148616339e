// A dependency-free SVG bar chart of deploy + teardown times (log scale), drawn by the bench
// itself so BENCHMARKS.md always shows the numbers of the run that wrote it.
import { isPending, type DeployRow } from './lib/results.js';

const W_GROUP = 110;
const H = 340;
// Room above the plot for the title, the legend and the tallest bar's label, clear of each other.
const TOP = 56;
const BOTTOM = 76;
const LEFT = 60;
const COLORS = { vnetmap: '#2b6cb0', mininet: '#dd6b20' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (s: number) => (s >= 10 ? s.toFixed(0) : s >= 1 ? s.toFixed(1) : s.toFixed(2));

export function deployChart(rows: DeployRow[]): string {
  const values = rows.flatMap((r) => [r.vnetmap, r.mininet]).filter((s) => !isPending(s) && Number.isFinite(s.median)).map((s) => (s as { median: number }).median);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 1))));
  const plotH = H - TOP - BOTTOM;
  const y = (v: number) => TOP + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotH;
  const width = LEFT + rows.length * W_GROUP + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${H}" fill="white"/>`,
    `<text x="${LEFT}" y="18" font-size="13" font-weight="bold">Deploy + teardown, median seconds (log scale; lower is better)</text>`,
    `<rect x="${LEFT}" y="26" width="10" height="10" fill="${COLORS.vnetmap}"/><text x="${LEFT + 14}" y="35">vnetmap up + down</text>`,
    `<rect x="${LEFT + 140}" y="26" width="10" height="10" fill="${COLORS.mininet}"/><text x="${LEFT + 154}" y="35">Mininet</text>`,
  ];
  for (let d = lo; d <= hi; d *= 10) {
    out.push(`<line x1="${LEFT}" x2="${width - 10}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>`, `<text x="${LEFT - 6}" y="${y(d) + 4}" text-anchor="end">${fmt(d)} s</text>`);
  }
  rows.forEach((r, i) => {
    const x0 = LEFT + i * W_GROUP + 15;
    (['vnetmap', 'mininet'] as const).forEach((tool, j) => {
      const s = r[tool];
      const x = x0 + j * 40;
      if (isPending(s) || !Number.isFinite(s.median)) {
        out.push(`<text x="${x + 17}" y="${TOP + plotH - 4}" text-anchor="middle" fill="#888" transform="rotate(-90 ${x + 17} ${TOP + plotH - 4})">${isPending(s) ? 'pending' : 'failed'}</text>`);
        return;
      }
      const top = y(s.median);
      out.push(`<rect x="${x}" y="${top}" width="34" height="${TOP + plotH - top}" fill="${COLORS[tool]}"/>`, `<text x="${x + 17}" y="${top - 3}" text-anchor="middle">${fmt(s.median)}</text>`);
    });
    // Two short lines, so that neighbouring groups' labels never touch.
    out.push(`<text x="${x0 + 37}" y="${H - BOTTOM + 16}" text-anchor="middle">${esc(r.topo)}</text>`, `<text x="${x0 + 37}" y="${H - BOTTOM + 29}" text-anchor="middle">${r.hosts}h/${r.switches}sw</text>`);
    if (r.ratio) out.push(`<text x="${x0 + 37}" y="${H - BOTTOM + 44}" text-anchor="middle" font-weight="bold">${r.ratio.toFixed(1)}×</text>`);
  });
  out.push(`<line x1="${LEFT}" x2="${width - 10}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="#333"/>`, '</svg>');
  return out.join('\n') + '\n';
}
