// Scale: the largest tree that vnetmap deploys (and, up to `verifyMaxHosts`, verifies) on this
// machine, with vnetmap's peak memory (GNU time, max RSS of the process) and `up` time per plan
// object. Sizes are tried in increasing order; the first failure ends the climb.
//
// verify probes every ordered pair (N² pings, and as many ARP probes), so beyond a few hundred
// hosts a full verify is a cost of the design, not of the tool; above `verifyMaxHosts` the row
// says so instead of timing it.
import { designYaml, labName, treeForHosts, treeTopo } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import type { ScaleRow } from '../lib/results.js';
import { vnDown, vnUp, vnVerify, writeDesign } from '../lib/vnetmap.js';

export interface ScaleOptions {
  sizes: number[];
  withVerify: boolean;
  verifyMaxHosts: number;
  planObjects?: (yaml: string) => Promise<number | undefined>;
  log: (s: string) => void;
  onRow?: (r: ScaleRow) => void;
}

export async function scaleSuite(o: ScaleOptions): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const size of o.sizes) {
    const { depth, fanout } = treeForHosts(size);
    const t = treeTopo(depth, fanout);
    const lab = labName(`s${size}`);
    const yaml = designYaml(t, { name: lab });
    const file = writeDesign(lab, yaml);
    const row: ScaleRow = { shape: t.shape, hosts: t.hosts.length, switches: t.switches.length, elements: t.hosts.length + t.switches.length + t.links.length };
    const objs = o.planObjects ? await o.planObjects(yaml) : undefined;
    if (objs !== undefined) row.planObjects = objs;
    try {
      const up = await vnUp(file);
      row.up = up.seconds;
      row.maxRssKb = up.maxRssKb;
      row.msPerObject = (up.seconds * 1000) / (row.planObjects ?? row.elements);
      if (!up.ok) row.error = `up: ${up.error}`;
      else if (!o.withVerify) row.verifyNote = 'verify not built';
      else if (t.hosts.length > o.verifyMaxHosts) row.verifyNote = `not run: ${t.hosts.length.toLocaleString('en')}² pings (limit ${o.verifyMaxHosts} hosts)`;
      else {
        const v = await vnVerify(lab, 'ping', 15 * 60_000);
        row.verify = v.seconds;
        row.verifyOk = v.ok;
        row.verifyNote = `${v.passed}/${v.checks} ping checks passed`;
        row.maxRssKb = Math.max(row.maxRssKb, v.maxRssKb);
        if (!v.ok) row.error = `verify: ${v.error}`;
      }
    } finally {
      const down = await vnDown(lab);
      row.down = down.seconds;
      row.maxRssKb = Math.max(row.maxRssKb ?? 0, down.maxRssKb);
      if (!down.ok) row.error = `${row.error ? row.error + '; ' : ''}down: ${down.error}`;
      row.leftovers = (await vnetmapLeftovers(lab)).total;
    }
    o.log(`scale ${t.shape}: up ${row.up?.toFixed(2)} s, verify ${row.verify?.toFixed(2) ?? row.verifyNote} , down ${row.down?.toFixed(2)} s, rss ${row.maxRssKb} KiB, leftovers ${row.leftovers}${row.error ? `, FAILED ${row.error}` : ''}`);
    rows.push(row);
    o.onRow?.(row);
    if (row.error) break;
  }
  return rows;
}
