// The live probes, each one bounded in count and time, run inside the twin's namespaces
// through the Runner. Only addresses of the twin are ever probed.
import { enterNs, netnsFile } from '../exec/netns.js';
import { linksVia, NETLINK_MIN_BATCHES, netlinkHelper } from '../exec/netlink.js';
import { mapPool } from '../exec/pool.js';
import { ToolError } from '../errors.js';
import type { Runner } from '../exec/runner.js';

const inNs = (ns: string, argv: string[]): string[] => [...enterNs(ns), ...argv];

/** How a probe paces itself: ms between two targets, and whether this is the patient second pass. */
export interface Pace {
  intervalMs: number;
  patient?: boolean;
}

/** The spacing in whole microseconds, at least one (both tools take fractions of a millisecond). */
const micros = (p: Pace): number => Math.max(1, Math.round(p.intervalMs * 1000));

/**
 * Which of `targets` answer an ICMP echo from `src` in namespace `ns`: two tries, 400 ms each,
 * or (patient, for a second chance) three tries from 1.5 s.
 */
export async function pingMany(runner: Runner, ns: string, src: string, targets: string[], pace: Pace = { intervalMs: 1 }): Promise<Set<string>> {
  const uniq = [...new Set(targets)];
  if (!uniq.length) return new Set();
  // One fping per source namespace probes every target: -a lists the alive ones; -i spaces the
  // targets (fping's default, 10 ms, made 100 targets take a second).
  const tries = pace.patient ? ['-r', '2', '-t', '1500'] : ['-r', '1', '-t', '400'];
  const argv = ['fping', '-a', ...tries, '-B', '1', '-i', String(micros(pace) / 1000), '-S', src, ...uniq];
  const r = await runner.run(inNs(ns, argv), { allowFail: true, timeoutMs: 15_000 + Math.ceil(uniq.length * (20 + pace.intervalMs * 3)) });
  if (r.code === 127 || /command not found/.test(r.stderr)) return pingEach(runner, ns, src, uniq);
  const asked = new Set(uniq);
  return new Set(r.stdout.split('\n').map((l) => l.trim()).filter((l) => asked.has(l)));
}

/** Fallback without fping: one bounded ping per target. */
async function pingEach(runner: Runner, ns: string, src: string, targets: string[]): Promise<Set<string>> {
  const alive = new Set<string>();
  for (const t of targets) {
    const r = await runner.run(inNs(ns, ['ping', '-c', '1', '-W', '1', '-I', src, t]), { allowFail: true, timeoutMs: 5_000 });
    if (r.code === 0) alive.add(t);
  }
  return alive;
}

/** Sender address of ARP probes (arpMany). */
const PROBE_SENDER = '0.0.0.0';

/** Retries of an arp-scan that the kernel refused a frame (ENOBUFS), pausing 0.2, 0.4, 0.8, 1.6 s. */
const ARP_BUSY_RETRIES = 4;
const ARP_BUSY_PAUSE_MS = 200;

/**
 * MAC addresses answering an ARP request for each of `targets`, sent out of `dev` (two tries,
 * 400 ms then 600 ms; patient: three from 1.5 s), whatever the subnets. The caller compares
 * them with the target interface's MAC: Linux answers for any of its addresses on any
 * interface, so "someone answered" is not yet "the target is adjacent". One arp-scan per
 * source probes every target and reports every reply (duplicates too); without arp-scan,
 * one arping per target.
 *
 * The requests are ARP probes (RFC 5227: sender address 0.0.0.0). Linux answers them like any
 * request for its address, to the sender's MAC, but learns nothing from them: a request from a
 * real sender address makes the target create a neighbour entry for it, and that table is one
 * for all namespaces (neigh-budget.ts), so probing all pairs of 100 hosts took 9,900 entries,
 * ten times a stock kernel's limit, and waves with the caches emptied between them. Nor does the
 * answer then depend on the target's route back to a sender in another subnet.
 */
export async function arpMany(runner: Runner, ns: string, dev: string, targets: string[], pace: Pace = { intervalMs: 1 }): Promise<Map<string, string[]>> {
  const uniq = [...new Set(targets)];
  const out = new Map<string, string[]>(uniq.map((t) => [t, []]));
  if (!uniq.length) return out;
  const argv = inNs(ns, ['arp-scan', '-I', dev, `--arpspa=${PROBE_SENDER}`, ...(pace.patient ? ['--retry=3', '--timeout=1500'] : ['--retry=2', '--timeout=400']), `--interval=${micros(pace)}u`, '--plain', '--quiet', ...uniq]);
  const opts = { allowFail: true, timeoutMs: 15_000 + Math.ceil(uniq.length * (20 + pace.intervalMs * 3)) };
  let r = await runner.run(argv, opts);
  // "No buffer space available": a queue on the frame's way was full (in a broadcast domain
  // of thousands, every request is copied to every port, and 16 sources flood at once), and
  // arp-scan gives up on the first such send. Transient: the same scan again, after a pause.
  for (let k = 0; r.code !== 0 && /No buffer space available/i.test(r.stderr) && k < ARP_BUSY_RETRIES; k++) {
    await new Promise((res) => setTimeout(res, ARP_BUSY_PAUSE_MS * 2 ** k));
    r = await runner.run(argv, opts);
  }
  if (r.code === 127 || /command not found/.test(r.stderr)) {
    for (const t of uniq) out.set(t, await arpFrom(runner, ns, dev, t));
    return out;
  }
  // A source interface that is gone (a cable unplugged behind our back) hears nothing.
  if (r.code !== 0 && /No such device/i.test(r.stderr)) return out;
  if (r.code !== 0) throw new ToolError(argv, r.code, r.stderr, 'arp-scan could not probe from this interface; run the same command by hand to see why.');
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+([0-9A-Fa-f:]{17})/.exec(line);
    if (m && out.has(m[1]!)) out.get(m[1]!)!.push(m[2]!.toLowerCase());
  }
  return out;
}

/** One arping (fallback): the MACs answering a single request for `target`. */
async function arpFrom(runner: Runner, ns: string, dev: string, target: string): Promise<string[]> {
  const r = await runner.run(inNs(ns, ['arping', '-c', '1', '-w', '1', '-I', dev, '-s', PROBE_SENDER, target]), { allowFail: true, timeoutMs: 5_000 });
  if (r.code === 127 || /command not found/.test(r.stderr)) throw new Error('neither arp-scan nor arping is installed (Debian: arp-scan); run scripts/setup.sh');
  return [...r.stdout.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1]!.toLowerCase());
}

/**
 * Device name -> MAC address for every link of each namespace (an empty map where it cannot be
 * read): from NETLINK_MIN_BATCHES namespaces on, through the netlink helper in one process
 * (1,000 hosts: one `ip` each took 2.7 s), else or if that fails, one `ip -j link` each.
 */
export async function macsIn(runner: Runner, nss: readonly string[], parallel: number): Promise<Map<string, Map<string, string>>> {
  const helper = nss.length >= NETLINK_MIN_BATCHES ? netlinkHelper() : undefined;
  if (helper) {
    const got = await linksVia((argv, o) => runner.run(argv, o), helper, nss.map(netnsFile)).catch(() => undefined);
    if (got) return new Map(nss.map((ns, i) => [ns, got[i] ?? new Map<string, string>()]));
  }
  return new Map(await mapPool([...nss], parallel, async (ns) => [ns, await macsOf(runner, ns)] as const));
}

/** Device name -> MAC address for every link of a namespace. */
export async function macsOf(runner: Runner, ns: string): Promise<Map<string, string>> {
  const r = await runner.run(inNs(ns, ['ip', '-j', 'link', 'show']), { allowFail: true, timeoutMs: 10_000 });
  if (r.code !== 0) return new Map();
  const links = JSON.parse(r.stdout || '[]') as { ifname: string; address?: string }[];
  return new Map(links.map((l) => [l.ifname, (l.address ?? '').toLowerCase()]));
}

export interface Listener {
  /** Resolves when the listener has exited. */
  done: Promise<unknown>;
  /** Kill it now (it is killed after `lifetimeMs` anyway). */
  stop(): void;
}

/**
 * A TCP listener in `ns` on `port` that answers every connection with `token`, stopped on
 * stop() or after `lifetimeMs`. coreutils `timeout` bounds it by itself, so it cannot outlive a
 * vnetmap that dies (a listener orphaned that way once kept a deleted lab's namespace alive);
 * stop() sends it SIGTERM, which `timeout` passes on to socat.
 * Returns once the port is listening, or undefined (listener stopped) if it never did.
 */
export async function listen(runner: Runner, ns: string, port: number, token: string, lifetimeMs: number): Promise<Listener | undefined> {
  const abort = new AbortController();
  const secs = String(Math.ceil(lifetimeMs / 1000));
  const argv = inNs(ns, ['timeout', '-k', '1', secs, 'socat', `TCP-LISTEN:${port},reuseaddr,fork`, `EXEC:echo ${token}`]);
  const done = runner.run(argv, { allowFail: true, timeoutMs: lifetimeMs + 3_000, signal: abort.signal });
  const listener: Listener = { done, stop: () => abort.abort() };
  for (let k = 0; k < 40; k++) {
    const r = await runner.run(inNs(ns, ['ss', '-Hltn', `sport = :${port}`]), { allowFail: true, timeoutMs: 5_000 });
    if (r.code === 0 && r.stdout.trim()) return listener;
    await new Promise((res) => setTimeout(res, 50));
  }
  listener.stop();
  await done;
  return undefined;
}

/** Connect from `ns` (source address `src`) to addr:port; returns what the server sent. */
export async function connect(runner: Runner, ns: string, src: string, addr: string, port: number): Promise<string> {
  const r = await runner.run(inNs(ns, ['socat', '-T', '2', 'STDIO', `TCP:${addr}:${port},connect-timeout=2,bind=${src}`]), { allowFail: true, timeoutMs: 6_000 });
  return r.code === 0 ? r.stdout.trim() : '';
}
