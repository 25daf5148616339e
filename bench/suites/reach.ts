// All-pairs reachability of the 100-host tree (depth 2, fanout 10): `vnetmap verify` on a live
// twin against Mininet's pingall inside a live Mininet network. Only the probing is timed on
// both sides (deploy is measured by the deploy suite). The verdicts must agree: in this design
// every host reaches every other, so Mininet must see 0% loss and vnetmap verify must pass.
import { designYaml, labName, treeTopo } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { mnPingAll } from '../lib/mininet.js';
import type { Pending, ReachResult } from '../lib/results.js';
import { vnDown, vnUp, vnVerify, writeDesign } from '../lib/vnetmap.js';

export async function reachSuite(log: (s: string) => void, vnetmapPending?: string): Promise<ReachResult> {
  const t = treeTopo(2, 10);
  const n = t.hosts.length;
  const pairs = n * (n - 1);
  const res: ReachResult = { shape: t.shape, hosts: n, pairs, vnetmap: { pending: vnetmapPending ?? '' }, mininet: { pending: 'not run' } };

  if (!vnetmapPending) {
    const lab = labName('r100');
    const file = writeDesign(lab, designYaml(t, { name: lab }));
    try {
      const up = await vnUp(file);
      if (!up.ok) res.vnetmap = { pending: `up failed: ${up.error}` };
      else {
        const v = await vnVerify(file);
        const summary = (v.res.stdout + v.res.stderr).trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
        res.vnetmap = { seconds: v.seconds, ok: v.ok, verdict: v.ok ? `pass (${summary.slice(0, 160)})` : `FAIL (${(v.error ?? summary).slice(0, 200)})` };
        log(`reach vnetmap verify: ${v.seconds.toFixed(2)} s, ${v.ok ? 'pass' : 'FAIL'}: ${summary}`);
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

  const v = res.vnetmap as ReachResult['vnetmap'] | Pending;
  const m = res.mininet;
  if ('seconds' in v && 'seconds' in m) {
    res.ratio = m.seconds / v.seconds;
    // The design expects all pairs to reach: Mininet agrees iff every pair answered.
    const mnAll = m.reachablePairs === pairs;
    res.identical = v.ok === mnAll;
  }
  return res;
}
