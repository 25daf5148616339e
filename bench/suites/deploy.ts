// Deploy + teardown, vnetmap `up`/`down` against `mn --switch lxbr --controller none --test none`,
// for linear and tree topologies of the same size. The two tools alternate run by run (and
// swap who goes first) so that both see the same machine conditions.
import { designYaml, labName, linearTopo, treeForHosts, treeTopo, type Topo } from '../gen-designs.js';
import { mnDeployTeardown } from '../lib/mininet.js';
import { median, settle } from '../lib/measure.js';
import type { DeployRow, Pending, ToolSeries } from '../lib/results.js';
import { vnDeployTeardown, writeDesign } from '../lib/vnetmap.js';

export interface DeployOptions {
  sizes: number[];
  /** Runs per size; fewer for the largest sizes, where one run takes minutes. */
  reps: (size: number, topo: 'linear' | 'tree') => number;
  /** Reason vnetmap up/down cannot run yet, if so. */
  vnetmapPending?: string;
  log: (s: string) => void;
  /** Called after each topology, so a long run saves what it has. */
  onRow?: (r: DeployRow) => void;
  /** Only these topologies (default both). */
  topos?: ReadonlySet<string>;
}

export function topologiesFor(size: number): { topo: 'linear' | 'tree'; t: Topo }[] {
  const { depth, fanout } = treeForHosts(size);
  return [
    { topo: 'linear', t: linearTopo(size) },
    { topo: 'tree', t: treeTopo(depth, fanout) },
  ];
}

const series = (): ToolSeries => ({ runs: [], median: NaN, leftovers: [], failures: [], settles: [] });

export async function deploySuite(o: DeployOptions): Promise<DeployRow[]> {
  const rows: DeployRow[] = [];
  for (const size of o.sizes) {
    for (const { topo, t } of topologiesFor(size).filter((x) => !o.topos || o.topos.has(x.topo))) {
      const vn = series();
      const mn = series();
      const ups: number[] = [];
      const downs: number[] = [];
      const reps = o.reps(size, topo);
      for (let rep = 0; rep < reps; rep++) {
        const order = rep % 2 === 0 ? ['vnetmap', 'mininet'] : ['mininet', 'vnetmap'];
        for (const tool of order) {
          if (tool === 'vnetmap') {
            if (o.vnetmapPending) continue;
            const lab = labName(`${topo[0]}${size}`);
            const file = writeDesign(lab, designYaml(t, { name: lab }));
            const r = await vnDeployTeardown(lab, file);
            o.log(`deploy ${t.shape} vnetmap #${rep + 1}: up ${r.up.toFixed(2)} s + down ${r.down.toFixed(2)} s, leftovers ${r.leftovers}${r.error ? `, FAILED ${r.error}` : ''}`);
            vn.leftovers.push(r.leftovers);
            vn.maxRssKb = Math.max(vn.maxRssKb ?? 0, r.maxRssKb);
            if (r.ok) {
              vn.runs.push(r.seconds);
              ups.push(r.up);
              downs.push(r.down);
            } else vn.failures.push(r.error ?? 'failed');
          } else {
            const r = await mnDeployTeardown(t);
            o.log(`deploy ${t.shape} mininet #${rep + 1}: ${r.seconds.toFixed(2)} s, leftovers ${r.leftovers}${r.error ? `, FAILED ${r.error}` : ''}`);
            mn.leftovers.push(r.leftovers);
            mn.maxRssKb = Math.max(mn.maxRssKb ?? 0, r.maxRssKb);
            if (r.ok) mn.runs.push(r.seconds);
            else mn.failures.push(r.error ?? 'failed');
          }
          // The kernel frees deleted namespaces and devices afterwards: wait for it, and count
          // the wait against the tool that left it, so the next run starts on a quiet machine.
          const s = await settle();
          (tool === 'vnetmap' ? vn : mn).settles!.push(s);
          o.log(`  kernel clean-up after ${tool}: ${s.toFixed(2)} s`);
        }
      }
      vn.median = median(vn.runs);
      vn.upMedian = median(ups);
      vn.downMedian = median(downs);
      mn.median = median(mn.runs);
      vn.settleMedian = median(vn.settles!);
      mn.settleMedian = median(mn.settles!);
      const vnetmap: ToolSeries | Pending = o.vnetmapPending ? { pending: o.vnetmapPending } : vn;
      const row: DeployRow = { shape: t.shape, topo, size, hosts: t.hosts.length, switches: t.switches.length, vnetmap, mininet: mn };
      if (!o.vnetmapPending && vn.runs.length && mn.runs.length) {
        row.ratio = mn.median / vn.median;
        row.ratioSettled = (mn.median + mn.settleMedian) / (vn.median + vn.settleMedian);
      }
      rows.push(row);
      o.onRow?.(row);
    }
  }
  return rows;
}
