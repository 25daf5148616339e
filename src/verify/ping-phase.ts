// Pings with proof of identity: every echo request carries a token, and the prober watches every
// namespace of the twin, so a ping check passes only when the reply came back AND the request
// was received by the target's own namespace (from the source address the design implies, after
// any NAT) and by no other. A reply from "the address" proves nothing where sites reuse private
// ranges: site B's host pinging 192.168.1.10 is answered by site B's .10.
import { netnsFile } from '../exec/netns.js';
import { check, type PhaseContext } from './checks.js';
import { FIT, tableFulls, type NeighLimits } from './neigh-budget.js';
import { FIRST, PATIENT, probePings, type PingOutcome, type PingWave } from './prober.js';
import { bySource, entries, planWaves, type Pair } from './waves.js';

export async function pingPhase(c: PhaseContext, limits: NeighLimits | undefined): Promise<void> {
  const space = new Map(c.spaces.map((s, i) => [s, i]));
  const sources = c.live.map((l) => ({ space: space.get(l.loc.namespace)!, src: l.src }));
  const pairs: Pair[] = c.probe.flatMap((ts, i) => ts.map((b) => [i, b.index] as const));
  const want = (p: Pair) => c.cmp.expected(c.live[p[0]]!.ep.ref, c.live[p[1]]!.ep.ref);
  // A ping inside one broadcast domain leaves a neighbour entry on each side (waves.ts).
  const cost = (a: number, b: number): number => (c.cmp.expected(c.live[a]!.ep.ref, c.live[b]!.ep.ref).l2 ? 2 : 0);
  // Routers learn every host they forward to: their caches are emptied with each wave's.
  const forwarding = c.plan.objects.flatMap((o) => (o.kind === 'sysctl' && o.key === 'net.ipv4.ip_forward' && o.value === '1' && o.namespace !== null && space.has(o.namespace) ? [space.get(o.namespace)!] : []));
  const room = limits ? Math.max(2, Math.floor(FIT * limits.thresh3) - limits.entries) : Infinity;
  const waves = (ps: readonly Pair[], inWaves: boolean): { waves: PingWave[]; order: Pair[] } => {
    const ws = planWaves(ps, cost, inWaves ? room : Infinity);
    const order: Pair[] = [];
    const out = ws.map((w) => {
      const probes = bySource(w).map(([s, ts]) => {
        for (const t of ts) order.push([s, t]);
        return [s, ts.map((t) => c.live[t]!.src)] as [number, string[]];
      });
      return { probes, flush: [...new Set([...w.flatMap(([a, b]) => [sources[a]!.space, sources[b]!.space]), ...forwarding])] };
    });
    return { waves: out, order };
  };
  const needWaves = limits !== undefined && entries(pairs, cost) > room;
  c.neighTight = needWaves;
  const fulls = tableFulls();
  const outcome = new Map<string, PingOutcome>();
  const errors = new Map<number, string>();
  const spaceErrors = new Map<number, string>();
  let failed: string | undefined;
  const probeAll = async (ps: readonly Pair[], inWaves: boolean, intervalUs: number, patient: boolean): Promise<void> => {
    if (!ps.length) return;
    const { waves: ws, order } = waves(ps, inWaves);
    c.progress(`ping: ${order.length.toLocaleString('en')} probes${ws.length > 1 ? ` in ${ws.length} waves of the neighbour table` : ''}${patient ? ' (second chance)' : ''}`);
    const r = await probePings(c.runner, { spaces: c.spaces.map(netnsFile), sources, waves: ws, flush: inWaves }, { intervalUs, sendCostUs: c.floodCostUs, ...(patient ? PATIENT : FIRST) });
    if (r.failed) failed ??= r.failed;
    for (const [k, v] of r.errors) errors.set(k, v);
    for (const [k, v] of r.spaceErrors) spaceErrors.set(k, v);
    order.forEach((p, k) => {
      const o = r.outcomes[k];
      if (!o) return;
      const was = outcome.get(`${p[0]} ${p[1]}`);
      outcome.set(`${p[0]} ${p[1]}`, was ? { replied: was.replied || o.replied, seen: [...was.seen, ...o.seen] } : o);
    });
  };
  const landed = (p: Pair): boolean => {
    const o = outcome.get(`${p[0]} ${p[1]}`);
    return !!o?.replied && o.seen.some(([s]) => s === sources[p[1]]!.space);
  };
  // Each ping may start an ARP flood of the largest domain, but only one per pair: the ping
  // back finds the entry the request left.
  const doubt = await c.twoPasses(
    'ping',
    () => probeAll(pairs, needWaves, c.floodUs / 2, false),
    async (intervalUs) => {
      const overflowed = limits !== undefined && tableFulls() > fulls;
      if (overflowed && !needWaves) c.notes.push(`the kernel's neighbour table (gc_thresh3 = ${limits.thresh3}, shared by every namespace) overflowed ${tableFulls() - fulls} time(s) during the ping probes: doubtful pairs were probed again in waves that fit.`);
      await probeAll(pairs.filter((p) => !landed(p) && want(p).reach && !errors.has(p[0])), needWaves || overflowed, intervalUs, true);
    },
  );
  if (needWaves && limits) {
    const w = waves(pairs, true).waves.length;
    c.notes.push(`the ${entries(pairs, cost).toLocaleString('en')} neighbour entries these pings need do not fit in the kernel's neighbour table (${limits.thresh3.toLocaleString('en')}, net.ipv4.neigh.default.gc_thresh3, shared by every namespace): they went in ${w} waves, the twin's neighbour caches emptied after each (both directions of a pair in one wave: they share their entries).`);
  }
  for (const p of pairs) {
    const [a, b] = [c.live[p[0]]!, c.live[p[1]]!];
    const w = want(p);
    if (w.unstable) {
      c.skip({ kind: 'ping', from: a.ep.name, to: b.ep.name, why: w.unstable });
      continue;
    }
    const target = sources[p[1]]!.space;
    const error = failed ?? errors.get(p[0]) ?? (spaceErrors.has(target) ? `cannot watch ${b.loc.namespace}: ${spaceErrors.get(target)}` : undefined);
    const o = outcome.get(`${p[0]} ${p[1]}`) ?? { replied: false, seen: [] };
    const at = o.seen.filter(([s]) => s === target).map(([, from]) => from);
    const elsewhere = [...new Set(o.seen.filter(([s]) => s !== target).map(([s]) => c.nodeOf(c.spaces[s]!)))];
    const observed = o.replied && at.length > 0;
    const from = w.seenFrom ?? a.src;
    let detail: string | undefined;
    let wrong = false;
    if (o.replied && !at.length) detail = elsewhere.length ? `answered by ${elsewhere.join(', ')}, not ${b.ep.node} (another node with the address ${b.src})` : `a reply came from ${b.src}, but ${b.ep.node} never received the request`;
    else if (observed && elsewhere.length) [detail, wrong] = [`the request also landed on ${elsewhere.join(', ')}`, true];
    else if (observed && w.reach && !at.includes(from)) [detail, wrong] = [`${b.ep.node} saw the request from ${at.join(', ')}; the design implies ${from}${w.seenFrom ? ' (after NAT)' : " (the sender's own address)"}`, true];
    c.add(check('ping', a.ep.name, b.ep.name, w.reach, observed, { ...(error ? { error } : {}), ...(detail ? { detail } : {}), wrong, doubt }));
  }
}
