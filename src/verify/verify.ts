// verifyLive: probe a running twin with real packets and compare every observation with what
// the semantics engine expects (the design, adjusted where the plan declares a deviation):
//   ping - one fping per source namespace towards every other endpoint;
//   arp  - one arp-scan per source endpoint: an ARP request towards every endpoint of another
//          namespace, answered by the target interface's own MAC only when both are in one
//          broadcast domain, whatever their subnets;
//   tcp  - a connection through every port forward / redirect from every endpoint, with a
//          short-lived listener on the target that answers with a token.
import { randomBytes } from 'node:crypto';
import type { Runner } from '../exec/runner.js';
import { formatIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import type { EndpointLocation, Plan } from '../plan/types.js';
import { compare, type Comparison } from '../semantics/compare.js';
import type { Endpoint } from '../semantics/net-model.js';
import { mapPool } from '../exec/pool.js';
import { arpMany, connect, listen, macsIn, pingMany, type Pace } from './probes.js';
import { FIT, flushCommand, NeighWaves, readNeighLimits, tableFulls, type NeighLimits } from './neigh-budget.js';
import { runAll } from '../exec/runner.js';
import { backlogDrops, backlogSysctl, floodMs, floodSize, readBacklog } from './backlog.js';
import { ALL_PAIRS_MAX, DEFAULT_SAMPLE, defaultSample, sourcesToProbe, targetsToProbe } from './sample.js';

export type CheckKind = 'ping' | 'arp' | 'tcp';

export interface Check {
  kind: CheckKind;
  from: string;
  to: string;
  expected: boolean;
  observed: boolean;
  ok: boolean;
  /**
   * Set on a failed check whose answer went missing while the kernel dropped frames at a full
   * input backlog (backlog.ts): the twin may be right, the host could not carry the probe.
   */
  inconclusive?: string;
}

export interface Skipped {
  kind: CheckKind;
  from: string;
  to: string;
  why: string;
}

export interface VerifyReport {
  lab: string;
  endpoints: string[];
  checks: Check[];
  /** Probes left out because their outcome depends on the order of earlier traffic. */
  skipped: Skipped[];
  /** Present when only a sample of the pairs was probed (sample.ts). */
  sampled?: { perSource: number; pairs: number; ofPairs: number };
  /** What a reader should know about how this run probed (pacing, sampling), in words. */
  notes?: string[];
  /** inconclusive: failed checks that may be the host's fault, not the twin's (Check.inconclusive). */
  summary: { passed: number; failed: number; inconclusive?: number };
  /** Differences between design and plan that no deviation explains (mapping bugs). */
  unexplained: number;
  ms: number;
}

export interface VerifyOptions {
  concurrency?: number;
  /** Only these probe kinds (default: all). */
  kinds?: CheckKind[];
  /**
   * Targets per source: 'all' pairs, or a sample of this many (sample.ts). Default: all pairs
   * up to ALL_PAIRS_MAX endpoints, defaultSample(N) beyond.
   */
  sample?: number | 'all';
  /** The kernel's neighbour table limits (default: read from /proc); false: do not pace. */
  neigh?: NeighLimits | false;
  /** net.core.netdev_max_backlog (default: read from /proc); false: do not take it into account. */
  backlog?: number | false;
  /** Frames dropped at full input backlogs so far (default: /proc/net/softnet_stat); tests simulate it. */
  drops?: () => number;
  /**
   * What the twin must show, when its plan is not a kernel plan (the OVN engine compares its
   * logical network with the design itself); default: compare(design, plan).
   */
  comparison?: Comparison;
}

/** Waves of the neighbour table (see NeighWaves) the default probes may take; beyond, a sample. */
const MAX_WAVES = 16;
/** Frame deliveries a millisecond that the floods of all probes at once may cause (see spacing). */
const DELIVERIES_PER_MS = 2000;

interface Live {
  ep: Endpoint;
  loc: EndpointLocation;
  src: string;
}

export async function verifyLive(plan: Plan, design: Design, runner: Runner, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const t0 = Date.now();
  const limit = opts.concurrency ?? 16;
  const second = Math.max(1, limit >> 2);
  const kinds = new Set(opts.kinds ?? ['ping', 'arp', 'tcp']);
  const cmp = opts.comparison ?? compare(design, plan);
  const locs = new Map(plan.endpoints.map((l) => [l.ref, l]));
  const live: Live[] = cmp.design.endpoints.flatMap((ep) => {
    const loc = locs.get(ep.ref);
    return loc ? [{ ep, loc, src: formatIp(ep.addr.ip) }] : [];
  });
  const notes: string[] = [];
  const limits = opts.neigh === false ? undefined : (opts.neigh ?? readNeighLimits());
  const n = live.length;
  // Room in the kernel's neighbour table (neigh-budget.ts): each pair in one domain needs an
  // entry on each side. Probes that do not fit go in waves of `room` entries; where all pairs
  // would take more than MAX_WAVES of them, the default is a sample that takes at most that.
  // Entries already there are mostly idle and reclaimable, so the table's size is what counts.
  const room = limits ? Math.floor(FIT * limits.thresh3) : Infinity;
  const fitting = Math.floor((MAX_WAVES * room) / (2 * Math.max(1, n)));
  const auto = n > ALL_PAIRS_MAX ? Math.min(defaultSample(n), Math.max(2, fitting)) : n * (n - 1) > MAX_WAVES * room ? Math.max(2, Math.min(DEFAULT_SAMPLE, fitting)) : undefined;
  const k = opts.sample === 'all' ? undefined : (opts.sample ?? auto);
  if (opts.sample === undefined && auto !== undefined && n <= ALL_PAIRS_MAX)
    notes.push(`sampled: all ${(n * (n - 1)).toLocaleString('en')} pairs need about as many neighbour entries, ${Math.ceil((n * (n - 1)) / room)} times what fits in ${FIT * 100}% of the kernel's neighbour table, shared by every namespace (${limits!.thresh3.toLocaleString('en')}, net.ipv4.neigh.default.gc_thresh3); pass --all to probe every pair in about that many waves, or raise the table (sysctl -w net.ipv4.neigh.default.gc_thresh3=${2 ** Math.ceil(Math.log2((n * (n - 1)) / (MAX_WAVES * FIT)))}).`);
  // Floods bigger than the kernel's input backlog lose copies whatever the pacing (backlog.ts).
  const backlog = opts.backlog === false ? undefined : (opts.backlog ?? readBacklog());
  const flood = floodSize(cmp.plan);
  const tooBig = backlog !== undefined && flood > backlog;
  if (tooBig && (kinds.has('ping') || kinds.has('arp')))
    notes.push(`a broadcast in the twin's largest broadcast domain is copied to at least ${flood.toLocaleString('en')} ports at once, more than the kernel's per-CPU input backlog holds (net.core.netdev_max_backlog = ${backlog!.toLocaleString('en')}): the copies beyond it are dropped, so ARP requests miss targets that real switches would reach. To probe this twin, raise it: ${backlogSysctl(flood)}.`);
  const stratum = (i: number): string => `${cmp.design.classOf.get(live[i]!.ep.ref)}|${cmp.plan.classOf.get(live[i]!.ep.ref)}`;
  const probe = targetsToProbe(n, k, plan.lab, stratum).map((ts) => ts.map((t) => live[t]!));
  const probed = probe.reduce((x, ts) => x + ts.length, 0);
  // Pairs in one broadcast domain: what the pings need from the neighbour table (ARP probes need
  // none, see arpMany). When they fit at once nothing waits; otherwise they go in waves.
  const l2Pairs = new Set<string>();
  const at = new Map(live.map((l, i) => [l, i]));
  if (kinds.has('ping')) probe.forEach((ts, i) => {
    for (const b of ts) {
      const j = at.get(b)!;
      if (cmp.expected(live[i]!.ep.ref, b.ep.ref).l2) l2Pairs.add(i < j ? `${i} ${j}` : `${j} ${i}`);
    }
  });
  // Pings that do not fit in the table at once go in waves (NeighWaves), the twin's caches
  // emptied between two; otherwise they go at full speed, and only if the table overflowed
  // meanwhile (fulls counted by the kernel) does the second pass over doubtful pairs use waves.
  const flush = async (nss: string[]): Promise<number> => {
    // A namespace gone meanwhile (the lab taken down) has nothing left to empty.
    await runAll(runner, nss.map(flushCommand), 4).catch(() => undefined);
    return readNeighLimits()?.entries ?? 0;
  };
  const nsAll = [...new Set(live.map((l) => l.loc.namespace))];
  let waves = limits && 2 * l2Pairs.size > room ? new NeighWaves(room, flush, { entries: limits.entries }) : undefined;
  const needWaves = !!waves;
  const fulls = tableFulls();
  /** Before the second pass of pings: did the table overflow during the first? Then go in waves from now on. */
  const overflowed = (): void => {
    const now = tableFulls();
    if (limits && now > fulls && !waves) {
      waves = new NeighWaves(room, flush, { entries: limits.thresh3, touched: nsAll });
      notes.push(`the kernel's neighbour table (gc_thresh3 = ${limits.thresh3}, shared by every namespace) overflowed ${now - fulls} time(s) during the ping probes: doubtful pairs were probed again in waves that fit.`);
    }
  };
  // New neighbour entries a ping creates: one in each namespace for a pair in one broadcast
  // domain, counted every time because a wave's end empties them. Sources wait their turn for room.
  const l2 = (i: number, bs: Live[]): number => bs.filter((b) => cmp.expected(live[i]!.ep.ref, b.ep.ref).l2).length;
  // Each probe to a new neighbour may be an ARP broadcast that every endpoint of its domain
  // receives (`flood` of them at most): spacing a source's targets so that the sources probing at
  // once cause at most ~2 million frame deliveries a second keeps replies from drowning. In
  // waves, fewer sources probe at once than `limit`: as many as a wave holds (a 100-host domain
  // on a stock kernel: 4, so 0.2 ms between targets where 16 sources would need 0.8 ms).
  const spacing = (sources: number): number => (sources * Math.max(1, flood)) / DELIVERIES_PER_MS;
  const inWave = waves ? Math.max(1, Math.floor(room / Math.max(1, (2 * l2Pairs.size) / Math.max(1, n)))) : limit;
  const arpPace: Pace = { intervalMs: spacing(limit) };
  const pingPace: Pace = { intervalMs: spacing(Math.min(limit, inWave)) };
  const patient: Pace = { intervalMs: spacing(second), patient: true };
  /** Runs probe() once its `entries` new neighbours in namespaces `nss` fit in the current wave. */
  const inRoom = async <T>(entries: number, nss: string[], probe: () => Promise<T>): Promise<T> => {
    if (!waves) return probe();
    const release = await waves.take(entries, nss);
    try {
      return await probe();
    } finally {
      release();
    }
  };
  // Frames the kernel dropped at a full input backlog (machine-wide) since the last look.
  const dropCount = opts.drops ?? backlogDrops;
  let drops = dropCount();
  const dropped = (): number => {
    const now = dropCount();
    const d = now - drops;
    drops = now;
    return d;
  };
  /**
   * How the second pass over doubtful pairs goes after a first one in which the kernel dropped
   * `lost` frames: floods that fit in the backlog go few at a time, spaced by their CPU cost, so
   * they no longer overlap; floods that cannot fit would lose the same copies again, so that
   * pass is skipped and its failures are inconclusive.
   */
  const secondPass = (kind: string, lost: number): { limit: number; pace: Pace } | undefined => {
    if (!lost || backlog === undefined) return { limit: second, pace: patient };
    if (tooBig) {
      notes.push(`the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog during the ${kind} probes: what failed is inconclusive and was not probed again (see the note on net.core.netdev_max_backlog).`);
      return undefined;
    }
    const at = Math.max(1, Math.min(second, Math.floor(backlog / Math.max(1, flood))));
    const intervalMs = Math.max(patient.intervalMs, at * floodMs(flood));
    notes.push(`the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog (net.core.netdev_max_backlog = ${backlog.toLocaleString('en')}, per CPU) during the ${kind} probes, where floods overlapped: doubtful pairs were probed again ${at} source(s) at a time, ${intervalMs} ms between targets.`);
    return { limit: at, pace: { intervalMs, patient: true } };
  };
  /**
   * A first pass over every probe, then (where secondPass allows) a patient second one over the
   * doubtful pairs. Resolves to why a missing answer proves nothing: frames were dropped during
   * the last pass that ran (undefined when none were).
   */
  const twoPasses = async (kind: string, first: () => Promise<unknown>, again: (limit: number, pace: Pace) => Promise<unknown>): Promise<string | undefined> => {
    dropped();
    await first();
    let lost = dropped();
    const then = secondPass(kind, lost);
    if (then) {
      await again(then.limit, then.pace);
      lost = dropped();
    }
    return lost ? `the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog while the ${kind} probes ran` : undefined;
  };
  const nssOf = (a: Live, bs: Live[]): string[] => [a.loc.namespace, ...bs.map((b) => b.loc.namespace)];
  const checks: Check[] = [];
  const skipped: Skipped[] = [];
  /** `doubt`: why an answer the design expects but that went missing proves nothing (Check.inconclusive). */
  const add = (kind: CheckKind, from: string, to: string, expected: boolean, observed: boolean, doubt?: string) =>
    checks.push({ kind, from, to, expected, observed, ok: expected === observed, ...(doubt && expected && !observed ? { inconclusive: doubt } : {}) });

  const pingPhase = async () => {
    if (!kinds.has('ping')) return;
    let alive: Set<string>[] = [];
    // A loaded machine can be slow to answer a first packet (ARP floods of a big domain, OVS
    // upcalls): before reporting a missing reply as a mismatch, ask those targets once more,
    // once the first pass is over, with fewer sources at once and patient timeouts.
    const doubt = await twoPasses(
      'ping',
      async () => {
        alive = await mapPool(live, limit, async (a, i) => inRoom(2 * l2(i, probe[i]!), nssOf(a, probe[i]!), () => pingMany(runner, a.loc.namespace, a.src, probe[i]!.map((b) => b.src), pingPace)));
        overflowed();
      },
      (at, slow) =>
        mapPool(live, at, async (a, i) => {
          const ts = probe[i]!.filter((b) => !alive[i]!.has(b.src) && cmp.expected(a.ep.ref, b.ep.ref).reach);
          if (!ts.length) return;
          const again = await inRoom(2 * l2(i, ts), nssOf(a, ts), () => pingMany(runner, a.loc.namespace, a.src, ts.map((b) => b.src), slow));
          for (const t of again) alive[i]!.add(t);
        }),
    );
    live.forEach((a, i) =>
      probe[i]!.forEach((b) => {
        const want = cmp.expected(a.ep.ref, b.ep.ref);
        if (want.unstable) skipped.push({ kind: 'ping', from: a.ep.name, to: b.ep.name, why: want.unstable });
        else add('ping', a.ep.name, b.ep.name, want.reach, alive[i]!.has(b.src), doubt);
      }),
    );
  };

  const arpPhase = async () => {
    if (!kinds.has('arp')) return;
    const nss = [...new Set(live.map((l) => l.loc.namespace))];
    const macs = await macsIn(runner, nss, limit);
    const mac = (b: Live): string | undefined => macs.get(b.loc.namespace)?.get(b.loc.dev) || undefined;
    // One arp-scan per source endpoint towards the endpoints of other namespaces it probes.
    const others = live.map((a, i) => probe[i]!.filter((b) => b.loc.namespace !== a.loc.namespace));
    let got: Map<string, string[]>[] = [];
    const answered = (i: number, b: Live): boolean => !!mac(b) && (got[i]!.get(b.src) ?? []).includes(mac(b)!);
    // The same patient second chance as pings, only where a missing answer would be a mismatch.
    const doubt = await twoPasses(
      'ARP',
      async () =>
        (got = await mapPool(live, limit, async (a, i) => {
          const ts = others[i]!.filter((b) => mac(b));
          return arpMany(runner, a.loc.namespace, a.loc.dev, ts.map((b) => b.src), arpPace);
        })),
      (at, slow) =>
        mapPool(live, at, async (a, i) => {
          const ts = others[i]!.filter((b) => mac(b) && !answered(i, b) && cmp.expected(a.ep.ref, b.ep.ref).l2);
          if (!ts.length) return;
          const again = await arpMany(runner, a.loc.namespace, a.loc.dev, ts.map((b) => b.src), slow);
          for (const [t, m] of again) got[i]!.get(t)!.push(...m);
        }),
    );
    live.forEach((a, i) => {
      for (const b of others[i]!) add('arp', a.ep.name, b.ep.name, cmp.expected(a.ep.ref, b.ep.ref).l2, answered(i, b), doubt);
    });
  };

  const tcpPhase = async () => {
    if (!kinds.has('tcp') || !cmp.design.tcp.length) return;
    const token = `vnetmap-verify-${randomBytes(4).toString('hex')}`;
    const probes = cmp.design.tcp.flatMap((t) => {
      const target = plan.endpoints.find((l) => l.addresses.some((x) => x.split('/')[0] === formatIp(t.target.addr)));
      const explained = new Set(cmp.differences.filter((x) => x.kind === 'tcp' && x.explainedBy && x.to.startsWith(`${t.rule} `)).map((x) => x.from));
      return sourcesToProbe(live.length, k, stratum).map((i) => {
        const a = live[i]!;
        const design = t.fromClass.get(cmp.design.classOf.get(a.ep.ref)!)!;
        return { t, a, target, expected: explained.has(a.ep.ref) ? !design : design };
      });
    });
    const targets = [...new Map(probes.filter((p) => p.target).map((p) => [`${p.target!.namespace} ${p.t.target.port}`, p] as const)).values()];
    // Listeners are stopped once every connection was tried; their lifetime (every round of
    // connections, 2 s connect timeout each, plus one retry round) only bounds a stuck run.
    const lifetime = 3_000 + Math.ceil(probes.length / limit) * 2_500 + 2_500;
    const listeners = await Promise.all(targets.map((p) => listen(runner, p.target!.namespace, p.t.target.port, token, lifetime)));
    try {
      const attempt = (p: (typeof probes)[number]) => connect(runner, p.a.loc.namespace, p.a.src, formatIp(p.t.addr), p.t.port);
      const got = await mapPool(probes, limit, async (p) => {
        const first = await attempt(p);
        return first === token || !p.expected ? first : attempt(p); // second chance for a would-be mismatch
      });
      probes.forEach((p, k) => add('tcp', p.a.ep.name, `${p.t.node} ${formatIp(p.t.addr)}:${p.t.port} -> ${p.t.target.node}:${p.t.target.port}`, p.expected, got[k] === token));
    } finally {
      for (const l of listeners) l?.stop();
      await Promise.all(listeners.map((l) => l?.done));
    }
  };

  // One kind at a time, in every lab. Probes of different kinds share the kernel's neighbour
  // state: a ping's ARP exchange running beside an ARP probe handed arp-scan a reply it had not
  // earned (a private macvlan child "reached" its parent), and in big domains ping and ARP
  // floods together overran the packet backlog (1,000 hosts: 20% false failures).
  await pingPhase();
  await arpPhase();
  await tcpPhase();
  await waves?.end(); // leave the table as roomy as it was found
  if (needWaves && limits)
    notes.push(`the ${(2 * l2Pairs.size).toLocaleString('en')} neighbour entries these probes need do not fit in the kernel's neighbour table (${limits.thresh3.toLocaleString('en')}, net.ipv4.neigh.default.gc_thresh3, shared by every namespace): they went in ${waves!.flushes + 1} waves, the twin's neighbour caches emptied after each.`);
  const order: Record<CheckKind, number> = { ping: 0, arp: 1, tcp: 2 };
  checks.sort((x, y) => order[x.kind] - order[y.kind]);
  const failed = checks.filter((c) => !c.ok).length;
  const doubtful = checks.filter((c) => c.inconclusive).length;
  return {
    lab: plan.lab,
    endpoints: live.map((l) => l.ep.name),
    checks,
    skipped,
    ...(k !== undefined ? { sampled: { perSource: k, pairs: probed, ofPairs: live.length * (live.length - 1) } } : {}),
    ...(notes.length ? { notes } : {}),
    summary: { passed: checks.length - failed, failed, ...(doubtful ? { inconclusive: doubtful } : {}) },
    unexplained: cmp.bugs.length,
    ms: Date.now() - t0,
  };
}
