// All-pairs reachability of the 100-host tree (depth 2, fanout 10): `vnetmap verify` on a live
// twin against Mininet's pingall inside a live Mininet network. Only the probing is timed on
// both sides (deploy is measured by the deploy suite); vnetmap's time is the whole `verify`
// process, Node start-up and design loading included. verify also checks ARP adjacency for
// every pair, which pingall does not, so vnetmap does more work than the baseline there.
// Verdicts are compared pair by pair: vnetmap's observed pings against pingall's matrix.
//
// Kernel limits: every `mn` raises the machine's neighbour table to 16,384 entries before its
// pingall (fixLimits()); on a stock table (1,024 for all namespaces together) verify must ping
// 9,900 pairs in waves. So vnetmap verifies twice: on the table the machine had when the bench
// started (what a user who never ran Mininet gets; the deploy suite's Mininet runs may have
// raised it since, so it is set back for those runs), then on the limits Mininet gives itself
// (like for like: the target is judged on these); each set by the bench for those runs only and
// restored.
import { designYaml, labName, treeTopo } from '../gen-designs.js';
import { MININET_NEIGH, raise, restore, snapshot, type Settings } from '../lib/host-settings.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { mnPingAll } from '../lib/mininet.js';
import { neighTable } from '../lib/measure.js';
import type { ReachResult, VerifyTiming } from '../lib/results.js';
import { vnDown, vnUp, vnVerify, writeDesign, type VerifyRun } from '../lib/vnetmap.js';

const describe = (v: VerifyRun, what: string) => `${v.passed} of ${v.checks} checks passed (${what}), ${v.failed} failed`;
const timing = (v: VerifyRun, what: string): VerifyTiming => ({ seconds: v.seconds, ok: v.ok, verdict: v.ok ? `pass: ${describe(v, what)}` : `FAIL: ${v.error ?? describe(v, what)}` });
const mnTable = Number(MININET_NEIGH['net/ipv4/neigh/default/gc_thresh3']);

/**
 * `atStart`: the neighbour-table sysctls as the machine had them when the bench started (by
 * default: as they are now).
 */
export async function reachSuite(log: (s: string) => void, vnetmapPending?: string, shape: [number, number] = [2, 10], atStart: Settings = snapshot(Object.keys(MININET_NEIGH))): Promise<ReachResult> {
  const t = treeTopo(...shape);
  const n = t.hosts.length;
  const pairs = n * (n - 1);
  const res: ReachResult = { shape: t.shape, hosts: n, pairs, vnetmap: { pending: vnetmapPending ?? '' }, mininet: { pending: 'not run' } };
  /** Every verify run, to compare each one's verdicts with pingall's. */
  const runs: VerifyRun[] = [];
  const both = async (table: string) => {
    const ping = await vnVerify(lab, 'ping');
    log(`reach vnetmap verify --only ping (neighbour table ${table}): ${ping.seconds.toFixed(2)} s, ${describe(ping, 'ping')}`);
    const full = await vnVerify(lab);
    log(`reach vnetmap verify (neighbour table ${table}): ${full.seconds.toFixed(2)} s, ${describe(full, 'ping + ARP')}`);
    runs.push(ping, full);
    return { ping: timing(ping, 'ping'), full: timing(full, 'ping + ARP') };
  };
  const lab = labName('r100');

  if (!vnetmapPending) {
    const file = writeDesign(lab, designYaml(t, { name: lab }));
    try {
      const up = await vnUp(file);
      if (!up.ok) res.vnetmap = { pending: `up failed: ${up.error}` };
      else {
        const now = snapshot(Object.keys(MININET_NEIGH));
        restore(atStart);
        try {
          const found = neighTable();
          if (Number(found) < mnTable) res.asFound = { neighTable: found, ...(await both(found)) };
        } finally {
          restore(now);
        }
        const before = raise(MININET_NEIGH);
        try {
          res.neighTable = neighTable();
          const same = await both(res.neighTable);
          res.vnetmapPing = same.ping;
          res.vnetmap = same.full;
        } finally {
          restore(before);
        }
      }
    } finally {
      const down = await vnDown(lab);
      const left = await vnetmapLeftovers(lab);
      if (!down.ok || left.total) res.note = `vnetmap down: ${down.error ?? 'ok'}, leftovers ${left.total}`;
    }
  }

  const mn = await mnPingAll(t);
  if (mn.ok && mn.pingSeconds !== undefined && mn.reach) {
    let reachable = 0;
    for (const s of mn.reach.values()) reachable += s.size;
    res.mininet = { seconds: mn.pingSeconds, total: mn.seconds, verdict: mn.dropped ?? '?', reachablePairs: reachable };
    log(`reach mininet pingall: ${mn.pingSeconds.toFixed(2)} s (whole mn run ${mn.seconds.toFixed(2)} s), ${mn.dropped}`);
  } else res.mininet = { pending: `mn failed: ${mn.error}` };

  if (runs.length && res.vnetmapPing && 'seconds' in res.vnetmapPing && 'seconds' in res.vnetmap && 'seconds' in res.mininet && mn.reach) {
    const mnSeconds = res.mininet.seconds;
    res.ratio = mnSeconds / res.vnetmap.seconds;
    res.ratioPing = mnSeconds / res.vnetmapPing.seconds;
    if (res.asFound) {
      res.asFound.ratio = mnSeconds / res.asFound.full.seconds;
      res.asFound.ratioPing = mnSeconds / res.asFound.ping.seconds;
    }
    // Identical = every ordered pair got the same answer from Mininet and from every verify run.
    let differ = 0;
    for (const a of t.hosts)
      for (const b of t.hosts) {
        if (a === b) continue;
        const m = mn.reach.get(a)?.has(b) ?? false;
        if (runs.some((v) => (v.reach.get(a)?.has(b) ?? false) !== m)) differ++;
      }
    const vnPairs = [...runs[runs.length - 1]!.reach.values()].reduce((s, x) => s + x.size, 0);
    res.identical = differ === 0 && runs.every((v) => v.reach.size === n);
    res.note = `${res.note ? res.note + '; ' : ''}vnetmap's last verify saw ${vnPairs}/${pairs} pairs answer ping, Mininet ${res.mininet.reachablePairs}/${pairs}; ${differ} pairs got a different answer from Mininet in at least one of vnetmap's ${runs.length} verify runs.`;
  }
  return res;
}
