// Scale: the largest tree that vnetmap deploys and verifies (up to `verifyMaxHosts`) on this
// machine, with vnetmap's peak memory (GNU time, max RSS of the process) and `up` time per plan
// object. Sizes are tried in increasing order, each the smallest tree with at least that many
// hosts (treeAtLeast); a failed `up` ends the climb, a failed verify ends verifying (bigger trees
// are still deployed).
//
// A broadcast in a flat domain of N hosts is copied to every port at once, and the kernel drops
// the copies beyond its per-CPU input backlog (net.core.netdev_max_backlog: 1,000 stock, 5,000
// after Mininet): 5,832 hosts cannot be verified without raising it, and verify says so and by
// how much (src/verify/backlog.ts). vnetmap changes no host setting; the bench does what a user
// would on reading that advice, for that row's verify only, restores it, and the row says so.
//
// verify runs as users run it (ping + ARP): every ordered pair up to 300 endpoints, beyond that
// its default balanced sample (src/verify/sample.ts) — in one flat broadcast domain all N²
// pairs would cost N³ frame deliveries. The row says which.
import { designYaml, labName, treeAtLeast, treeTopo } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { raise, restore } from '../lib/host-settings.js';
import { neighTable, settle } from '../lib/measure.js';
import { deployed, type ScaleRow } from '../lib/results.js';
import { vnDown, vnUp, vnVerify, writeDesign } from '../lib/vnetmap.js';
import { backlogFor, readBacklog } from '../../src/verify/backlog.js';

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
  let verifyFailed: string | undefined;
  for (const size of o.sizes) {
    const { depth, fanout } = treeAtLeast(size);
    const t = treeTopo(depth, fanout);
    const lab = labName(`s${size}`);
    const yaml = designYaml(t, { name: lab });
    const file = writeDesign(lab, yaml);
    const row: ScaleRow = { size, shape: t.shape, hosts: t.hosts.length, switches: t.switches.length, elements: t.hosts.length + t.switches.length + t.links.length };
    const objs = o.planObjects ? await o.planObjects(yaml) : undefined;
    if (objs !== undefined) row.planObjects = objs;
    try {
      const up = await vnUp(file);
      row.up = up.seconds;
      row.maxRssKb = up.maxRssKb;
      row.msPerObject = (up.seconds * 1000) / (row.planObjects ?? row.elements);
      if (!up.ok) row.error = `up: ${up.error}`;
      else if (!o.withVerify) row.verifyNote = 'verify not built';
      else if (verifyFailed) row.verifyNote = `not run (verify failed at ${verifyFailed})`;
      else if (t.hosts.length > o.verifyMaxHosts) row.verifyNote = `not run (limit ${o.verifyMaxHosts.toLocaleString('en')} hosts, --verify-max)`;
      else {
        const table = neighTable(); // Mininet raises it: the sample and the waves depend on it
        const was = readBacklog();
        if (was !== undefined && t.hosts.length > was) row.backlog = { from: was, to: backlogFor(t.hosts.length) }; // verify's advice for a flat domain this big
        const before = row.backlog ? raise({ [BACKLOG]: String(row.backlog.to) }) : {};
        let v: Awaited<ReturnType<typeof vnVerify>>;
        try {
          v = await vnVerify(lab, undefined, VERIFY_LIMIT_MS);
        } finally {
          restore(before);
        }
        row.verify = v.seconds;
        row.verifyOk = v.ok;
        row.verifyFinished = v.finished;
        const pairs = v.sampled ? `a sample of ${v.sampled.pairs.toLocaleString('en')} of ${v.sampled.ofPairs.toLocaleString('en')} pairs, ${v.sampled.perSource} per source` : 'all pairs';
        const fit = v.waves && v.waves > 1 ? `in ${v.waves} waves of` : 'fitting at once in';
        const raised = row.backlog ? `; net.core.netdev_max_backlog raised from ${row.backlog.from.toLocaleString('en')} to ${row.backlog.to.toLocaleString('en')} for this verify, as verify advises for floods of ${t.hosts.length.toLocaleString('en')} copies, then restored` : '';
        const doubt = v.inconclusive ? ` (${v.inconclusive.toLocaleString('en')} inconclusive: frames dropped by the host)` : '';
        const tableSize = /^\d+$/.test(table) ? Number(table).toLocaleString('en') : table;
        row.verifyNote = v.finished
          ? `${v.passed.toLocaleString('en')}/${v.checks.toLocaleString('en')} ping + ARP checks passed${doubt}, ${pairs}; ${fit} a neighbour table of ${tableSize}${raised}`
          : `did not finish: ${v.error ?? 'no result'}; a neighbour table of ${tableSize}${raised}`;
        row.maxRssKb = Math.max(row.maxRssKb, v.maxRssKb);
        if (!v.ok) {
          row.error = `verify: ${v.error}`;
          verifyFailed = `${t.hosts.length.toLocaleString('en')} hosts`;
        }
      }
    } finally {
      const down = await vnDown(lab);
      row.down = down.seconds;
      row.maxRssKb = Math.max(row.maxRssKb ?? 0, down.maxRssKb);
      if (!down.ok) row.error = `${row.error ? row.error + '; ' : ''}down: ${down.error}`;
      row.leftovers = (await vnetmapLeftovers(lab)).total;
      row.settle = await settle();
    }
    o.log(`scale ${t.shape}: up ${row.up?.toFixed(2)} s, verify ${row.verify?.toFixed(2) ?? row.verifyNote} , down ${row.down?.toFixed(2)} s (+ kernel clean-up ${row.settle?.toFixed(2)} s), rss ${row.maxRssKb} KiB, leftovers ${row.leftovers}${row.error ? `, FAILED ${row.error}` : ''}`);
    rows.push(row);
    o.onRow?.(row);
    if (!deployed(row) || /down:/.test(row.error ?? '') || row.leftovers) break;
  }
  return rows;
}

/** How long one scale row's verify may run: the 10,648-host tree took 1,522 s and 1,626 s, and once over 1,800 s. */
const VERIFY_LIMIT_MS = 45 * 60_000;

/** net.core.netdev_max_backlog, machine-wide (see the header), as a /proc/sys path. */
const BACKLOG = 'net/core/netdev_max_backlog';
