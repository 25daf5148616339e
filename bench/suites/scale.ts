// Scale: the largest tree that vnetmap deploys and verifies on this machine, with vnetmap's
// peak memory (GNU time, max RSS of the `up` process) and the time per realised object.
// Sizes are tried in increasing order; the first failure ends the climb.
import { designYaml, labName, treeForHosts, treeTopo } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import type { ScaleRow } from '../lib/results.js';
import { vnDown, vnUp, vnVerify, writeDesign } from '../lib/vnetmap.js';

export async function scaleSuite(sizes: number[], log: (s: string) => void, withVerify: boolean, planObjects?: (yaml: string) => Promise<number | undefined>): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const size of sizes) {
    const { depth, fanout } = treeForHosts(size);
    const t = treeTopo(depth, fanout);
    const lab = labName(`s${size}`);
    const yaml = designYaml(t, { name: lab });
    const file = writeDesign(lab, yaml);
    const row: ScaleRow = { shape: t.shape, hosts: t.hosts.length, switches: t.switches.length, elements: t.hosts.length + t.switches.length + t.links.length };
    const objs = planObjects ? await planObjects(yaml) : undefined;
    if (objs !== undefined) row.planObjects = objs;
    try {
      const up = await vnUp(file);
      row.up = up.seconds;
      row.maxRssKb = up.maxRssKb;
      row.msPerObject = (up.seconds * 1000) / (row.planObjects ?? row.elements);
      if (!up.ok) row.error = `up: ${up.error}`;
      else if (withVerify) {
        const v = await vnVerify(file);
        row.verify = v.seconds;
        row.verifyOk = v.ok;
        row.maxRssKb = Math.max(row.maxRssKb, v.maxRssKb);
        if (!v.ok) row.error = `verify: ${v.error}`;
      }
    } finally {
      const down = await vnDown(lab);
      row.down = down.seconds;
      if (!down.ok) row.error = `${row.error ? row.error + '; ' : ''}down: ${down.error}`;
      row.leftovers = (await vnetmapLeftovers(lab)).total;
    }
    log(`scale ${t.shape}: up ${row.up?.toFixed(2)} s, verify ${row.verify?.toFixed(2) ?? '-'} s, down ${row.down?.toFixed(2)} s, rss ${row.maxRssKb} KiB, leftovers ${row.leftovers}${row.error ? `, FAILED ${row.error}` : ''}`);
    rows.push(row);
    if (row.error) break;
  }
  return rows;
}
