// All-pairs reachability of the 100-host tree (depth 2, fanout 10): `vnetmap verify` on a live
// twin against Mininet's pingall inside a live Mininet network. Only the probing is timed on
// both sides (deploy is measured by the deploy suite); vnetmap's time is the whole `verify`
// process, Node start-up and design loading included. verify also checks ARP adjacency for
// every pair, which pingall does not, so vnetmap does more work than the baseline here.
// Verdicts are compared pair by pair: vnetmap's observed pings against pingall's matrix.
import { designYaml, labName, treeTopo } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { mnPingAll } from '../lib/mininet.js';
import { neighTable } from '../lib/measure.js';
import type { ReachResult } from '../lib/results.js';

const describe = (v: VerifyRun, what: string) => `${v.passed} of ${v.checks} checks passed (${what}), ${v.failed} failed`;
import { vnDown, vnUp, vnVerify, writeDesign, type VerifyRun } from '../lib/vnetmap.js';

export async function reachSuite(log: (s: string) => void, vnetmapPending?: string, shape: [number, number] = [2, 10]): Promise<ReachResult> {
  const t = treeTopo(...shape);
  const n = t.hosts.length;
  const pairs = n * (n - 1);
  const res: ReachResult = { shape: t.shape, hosts: n, pairs, vnetmap: { pending: vnetmapPending ?? '' }, mininet: { pending: 'not run' } };
  let vn: VerifyRun | undefined;
  let vnPing: VerifyRun | undefined;

  if (!vnetmapPending) {
    const lab = labName('r100');
    const file = writeDesign(lab, designYaml(t, { name: lab }));
    try {
      const up = await vnUp(file);
      if (!up.ok) res.vnetmap = { pending: `up failed: ${up.error}` };
      else {
        res.neighTable = neighTable();
        vnPing = await vnVerify(lab, 'ping');
        const sp = describe(vnPing, 'ping');
        res.vnetmapPing = { seconds: vnPing.seconds, ok: vnPing.ok, verdict: vnPing.ok ? `pass: ${sp}` : `FAIL: ${vnPing.error ?? sp}` };
        log(`reach vnetmap verify --only ping: ${vnPing.seconds.toFixed(2)} s, ${sp}`);
        vn = await vnVerify(lab);
        const summary = describe(vn, 'ping + ARP');
        res.vnetmap = { seconds: vn.seconds, ok: vn.ok, verdict: vn.ok ? `pass: ${summary}` : `FAIL: ${vn.error ?? summary}` };
        log(`reach vnetmap verify: ${vn.seconds.toFixed(2)} s, ${summary}`);
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

  if (vn && vnPing && 'seconds' in res.vnetmap && 'seconds' in res.mininet && mn.reach) {
    res.ratio = res.mininet.seconds / res.vnetmap.seconds;
    res.ratioPing = res.mininet.seconds / vnPing.seconds;
    // Identical = every ordered pair got the same answer from Mininet and from both verify runs.
    let differ = 0;
    for (const a of t.hosts)
      for (const b of t.hosts) {
        if (a === b) continue;
        const m = mn.reach.get(a)?.has(b) ?? false;
        if ((vn.reach.get(a)?.has(b) ?? false) !== m || (vnPing.reach.get(a)?.has(b) ?? false) !== m) differ++;
      }
    const vnPairs = [...vn.reach.values()].reduce((s, x) => s + x.size, 0);
    res.identical = differ === 0 && vn.reach.size === n && vnPing.reach.size === n;
    res.note = `${res.note ? res.note + '; ' : ''}vnetmap saw ${vnPairs}/${pairs} pairs answer ping, Mininet ${res.mininet.reachablePairs}/${pairs}; ${differ} pairs differ.`;
  }
  return res;
}
