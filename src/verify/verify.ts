// verifyLive: probe a running twin with real packets and compare every observation with what
// the semantics engine expects (the design, adjusted where the plan declares a deviation):
//   ping - echo requests from every source endpoint to its targets; each passes only when the
//          reply came back and the request landed in the target's own namespace (ping-phase.ts);
//   arp  - an ARP request from every source interface towards the endpoints of other namespaces,
//          answered by the target interface's own MAC, and no other node's, when both are in one
//          broadcast domain, whatever their subnets (arp-phase.ts);
//   tcp  - a connection through every port forward / redirect from every endpoint, landing on
//          the target's own listener, which says the peer address it saw (tcp-phase.ts).
// All three go through one helper process (prober.ts). A probe that cannot be made becomes
// failed checks that say why; the rest goes on. A lab that is gone or not ours to probe is an
// error (lab-check.ts), never a verdict.
import type { DaemonIdentity } from '../apply/state.js';
import type { Runner } from '../exec/runner.js';
import { formatIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { compare, type Comparison } from '../semantics/compare.js';
import { designModel } from '../semantics/from-design.js';
import { arpPhase } from './arp-phase.js';
import { backlogDrops, backlogSysctl, floodMs, floodSize, readBacklog } from './backlog.js';
import type { Check, CheckKind, Live, PhaseContext, Skipped } from './checks.js';
import { diagnose } from './diagnose.js';
import { FIT, readNeighLimits, type NeighLimits } from './neigh-budget.js';
import { pingPhase } from './ping-phase.js';
import { routesPhase } from './routes-phase.js';
import { leasePhase } from './dhcp-phase.js';
import { dnsPhase } from './dns-phase.js';
import { ALL_PAIRS_MAX, DEFAULT_SAMPLE, defaultSample, targetsToProbe } from './sample.js';
import { tcpPhase } from './tcp-phase.js';

export type { Check, CheckKind, Skipped } from './checks.js';

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
  /** inconclusive: failed checks that may be the host's fault, not the twin's (Check.inconclusive); errors: checks whose probe could not be made. */
  summary: { passed: number; failed: number; inconclusive?: number; errors?: number };
  /** Differences between design and plan that no deviation explains (mapping bugs). */
  unexplained: number;
  /** ms the routing daemons took to converge (routes phase), when the twin runs any. */
  convergedMs?: number;
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
   * What the design means against what the twin was built as, when the caller has it already
   * (the OVN engine compares the design with its own plan); default: compare(design, plan).
   * A function is given the design and plan with the DHCP clients' leases in place (dhcp-phase.ts).
   */
  comparison?: Comparison | ((design: Design, plan: Plan) => Comparison);
  /** Throws when the lab is no longer the one the plan describes (lab-check.ts): called before, between and after the phases. */
  intact?: () => void;
  /** Where to say what is being probed, for long runs (the CLI: stderr, on a terminal or with --progress). */
  progress?: (line: string) => void;
  /**
   * Explains failed checks by what differs between the live twin and the plan (diagnose.ts);
   * the CLI passes the drift of `vnetmap status`. Default: no explanation.
   */
  drift?: () => Promise<import('./diagnose.js').DriftItem[]>;
  /** How long the routes phase waits for the routing daemons to converge (default routes-phase.ts's CONVERGE_TIMEOUT_MS). */
  convergeMs?: number;
  /**
   * The lab's daemons as `up` started them (its state): a workload's UDP port then counts as
   * reached only through a socket that workload (or a child of it) holds. Default: any socket
   * bound to the port, named in the check's detail with the processes holding it.
   */
  daemons?: Record<string, DaemonIdentity>;
}

/** Waves of the kernel's neighbour table the default probes may take; beyond, a sample. */
const MAX_WAVES = 16;
/** Frame deliveries a millisecond that the floods of all probes at once may cause (see floodUs). */
const DELIVERIES_PER_MS = 2000;
/** The concurrency the pacing is made for: more goes faster, less slower. */
const BASE_CONCURRENCY = 16;

export async function verifyLive(plannedAs: Plan, designed: Design, runner: Runner, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const t0 = Date.now();
  const intact = opts.intact ?? (() => undefined);
  const progress = opts.progress ?? (() => undefined);
  intact();
  const limit = opts.concurrency ?? BASE_CONCURRENCY;
  const kinds = new Set(opts.kinds ?? ['route', 'dhcp', 'ping', 'arp', 'tcp', 'udp', 'dns']);
  // DHCP clients: probe from and to the addresses they leased (dhcp-phase.ts).
  const t1 = Date.now();
  const { plan, design, checks: leaseChecks } = await leasePhase(plannedAs, designed, runner);
  if (leaseChecks.length) progress(`dhcp: ${leaseChecks.length} clients read in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  // A comparison made beforehand holds the addresses the design assumed, not the leases.
  const cmp = typeof opts.comparison === 'function' ? opts.comparison(design, plan) : opts.comparison && !leaseChecks.length ? opts.comparison : compare(design, plan);
  const locs = new Map(plan.endpoints.map((l) => [l.ref, l]));
  const live: Live[] = cmp.design.endpoints.flatMap((ep) => {
    const loc = locs.get(ep.ref);
    return loc ? [{ ep, loc, src: formatIp(ep.addr.ip), index: 0 }] : [];
  });
  live.forEach((l, i) => (l.index = i));
  const notes: string[] = [];
  const limits = opts.neigh === false ? undefined : (opts.neigh ?? readNeighLimits());
  const n = live.length;
  // Room in the kernel's neighbour table (neigh-budget.ts): each pair in one domain needs an
  // entry on each side, shared by both directions (waves.ts): all pairs of N endpoints in one
  // domain, N(N-1) entries. Where that takes more than MAX_WAVES waves, the default is a sample
  // that takes at most that (K targets per source: up to 2NK entries, pairs seldom go both ways).
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
  // Each probe to a new neighbour may be an ARP broadcast that every endpoint of its domain
  // receives (`flood` of them at most): spacing all sends so that together they cause at most
  // ~2 million frame deliveries a second keeps replies from drowning; --concurrency scales it.
  const floodUs = (Math.max(1, flood) * 1000) / DELIVERIES_PER_MS / (limit / BASE_CONCURRENCY);
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
   * `lost` frames: floods that fit in the backlog go one at a time, spaced by their CPU cost,
   * so they no longer overlap; floods that cannot fit would lose the same copies again, so that
   * pass is skipped and its failures are inconclusive.
   */
  const patientUs = floodUs * 4;
  const secondPass = (kind: string, lost: number): number | undefined => {
    if (!lost || backlog === undefined) return patientUs;
    if (tooBig) {
      notes.push(`the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog during the ${kind} probes: what failed is inconclusive and was not probed again (see the note on net.core.netdev_max_backlog).`);
      return undefined;
    }
    const us = Math.max(patientUs, floodMs(flood) * 1000);
    notes.push(`the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog (net.core.netdev_max_backlog = ${backlog.toLocaleString('en')}, per CPU) during the ${kind} probes, where floods overlapped: doubtful pairs were probed again one flood at a time, ${us / 1000} ms apart.`);
    return us;
  };
  const checks: Check[] = kinds.has('dhcp') ? [...leaseChecks] : [];
  const skipped: Skipped[] = [];
  const nodeOfNs = new Map(plan.objects.flatMap((o) => (o.kind === 'netns' ? [[o.name, o.node ?? o.name] as const] : [])));
  const ctx: PhaseContext = {
    runner,
    plan,
    cmp,
    live,
    probe,
    notes,
    floodUs,
    floodCostUs: floodMs(flood) * 1000,
    spaces: [...new Set([...nodeOfNs.keys(), ...live.map((l) => l.loc.namespace)])],
    nodeOf: (ns) => nodeOfNs.get(ns) ?? ns,
    add: (c) => checks.push(c),
    skip: (s) => skipped.push(s),
    progress,
    ...(opts.daemons ? { daemons: opts.daemons } : {}),
    twoPasses: async (kind, first, again) => {
      dropped();
      await first();
      let lost = dropped();
      const us = secondPass(kind, lost);
      if (us !== undefined) {
        await again(us);
        lost = dropped();
      }
      return lost ? `the kernel dropped ${lost.toLocaleString('en')} frames at a full input backlog while the ${kind} probes ran` : undefined;
    },
  };
  // One kind at a time. Probes of different kinds share the kernel's neighbour state: a ping's
  // ARP exchange running beside an ARP probe handed an answer it had not earned (a private
  // macvlan child "reached" its parent), and in big domains ping and ARP floods together
  // overran the packet backlog (1,000 hosts: 20% false failures).
  const phase = async (kind: CheckKind, run: () => Promise<void>) => {
    if (!kinds.has(kind)) return;
    const t = Date.now();
    await run();
    progress(`${kind}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    intact();
  };
  // Routing daemons first: probes mean something only once their routes are in place.
  let convergedMs: number | undefined;
  if (plan.objects.some((o) => o.kind === 'routing')) await phase('route', async () => {
    convergedMs = await routesPhase(runner, plan, designModel(design).routing, ctx.add, { ...(opts.convergeMs !== undefined ? { timeoutMs: opts.convergeMs } : {}), progress });
    if (plan.objects.some((o) => o.kind === 'routing')) notes.push(convergedMs === undefined ? 'the routing daemons did not converge to the expected routes within the bound: the differences are the failed route checks.' : `the routing daemons had converged to the expected routes ${(convergedMs / 1000).toFixed(1)} s after verify began.`);
  });
  await phase('ping', () => pingPhase(ctx, limits));
  await phase('arp', () => arpPhase(ctx));
  // TCP and UDP go through the prober's listeners in one run (tcp-phase.ts).
  if (kinds.has('udp') && !kinds.has('tcp')) await phase('udp', () => tcpPhase(ctx, k, stratum, new Set(['udp'])));
  else await phase('tcp', () => tcpPhase(ctx, k, stratum, new Set([...kinds].filter((x) => x === 'tcp' || x === 'udp') as ('tcp' | 'udp')[])));
  await phase('dns', () => dnsPhase(ctx, design, opts.sample === 'all'));
  const order: Record<CheckKind, number> = { route: -1, dhcp: 0, ping: 1, arp: 2, tcp: 3, udp: 4, dns: 5 };
  checks.sort((x, y) => order[x.kind] - order[y.kind]);
  if (opts.drift && checks.some((c) => !c.ok)) {
    // The explanation is extra: a twin too broken to read leaves the verdict as it is.
    const drift = await opts.drift().catch((e: unknown) => {
      notes.push(`failed checks are not explained: the live twin could not be compared with its plan (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    });
    if (drift) diagnose(checks, plan, drift);
  }
  const failed = checks.filter((c) => !c.ok).length;
  const doubtful = checks.filter((c) => c.inconclusive).length;
  const errors = checks.filter((c) => c.error).length;
  return {
    lab: plan.lab,
    endpoints: live.map((l) => l.ep.name),
    checks,
    skipped,
    ...(k !== undefined ? { sampled: { perSource: k, pairs: probed, ofPairs: live.length * (live.length - 1) } } : {}),
    ...(notes.length ? { notes } : {}),
    summary: { passed: checks.length - failed, failed, ...(doubtful ? { inconclusive: doubtful } : {}), ...(errors ? { errors } : {}) },
    unexplained: cmp.bugs.length,
    ...(convergedMs !== undefined ? { convergedMs } : {}),
    ms: Date.now() - t0,
  };
}
