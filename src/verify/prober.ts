// The live probes go through one process, libexec/probe.py (Python 3, standard library only,
// run as /usr/bin/python3 -I -S): it holds a socket in every namespace it probes from or
// watches, so it can say *who* answered — the namespace that received an echo request and the
// source address it saw, the MAC that answered an ARP request, the node whose listener accepted
// a connection and the peer address it saw — where fping, arp-scan and socat could only say
// that an address answered. It also costs no process per source: all pairs of a 100-host tree,
// ping and ARP, are two runs of it.
//
// A failure concerning one source, target or listener comes back as data for it; a failure of
// the whole run (the helper crashed, was killed, printed no answer) becomes a `failed` sentence
// that the caller puts on every check of that run. Nothing here throws for a broken twin.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../exec/runner.js';
import { packageRoot } from '../package-root.js';

const PYTHON = '/usr/bin/python3';

/** argv of the prober, or undefined where it cannot run (no /usr/bin/python3: Debian's python3 package). */
export function proberArgv(): string[] | undefined {
  const script = join(packageRoot(), 'libexec', 'probe.py');
  // -I: no user site-packages, no PYTHON* variables, no script directory on the path; -S: no site module.
  return existsSync(PYTHON) && existsSync(script) ? [PYTHON, '-I', '-S', script] : undefined;
}

/** Spacing and patience of a run: µs between two sends (all sources together), first wait, tries, growth of each wait. */
export interface Pacing {
  intervalUs: number;
  timeoutMs: number;
  tries: number;
  backoff: number;
  /**
   * What one send may cost the kernel, in µs (a flood of the largest broadcast domain, ~3 µs a
   * copy here: 3 ms in a 1,000-host domain, far more than the spacing): only bounds the run.
   */
  sendCostUs?: number;
}

export const FIRST: Omit<Pacing, 'intervalUs'> = { timeoutMs: 400, tries: 2, backoff: 1.5 };
/** A second chance: a loaded machine can be slow to answer a first packet. */
export const PATIENT: Omit<Pacing, 'intervalUs'> = { timeoutMs: 1500, tries: 3, backoff: 1 };

export interface PingWave {
  /** [source index, target addresses] */
  probes: [number, string[]][];
  /** Namespaces (indices into spaces) whose neighbour caches this wave fills. */
  flush: number[];
}

export interface PingRequest {
  /** Namespace files: every namespace a source sends from or a request may land in. */
  spaces: string[];
  sources: { space: number; src: string }[];
  waves: PingWave[];
  /** Empty the neighbour caches between waves and at the end. */
  flush: boolean;
}

export interface PingOutcome {
  /** The source got the echo reply, from the address it asked. */
  replied: boolean;
  /** Every watched namespace that received the request, and the source address it saw. */
  seen: [space: number, from: string][];
}

export interface PingResult {
  failed?: string;
  /** Per source index: why it could not probe. */
  errors: Map<number, string>;
  /** Per space index: why it could not be watched. */
  spaceErrors: Map<number, string>;
  /** In request order: waves, then probes, then targets. */
  outcomes: PingOutcome[];
  flushes: number;
}

export interface ArpRequest {
  sources: { netns: string; dev: string }[];
  targets: string[][];
  /** Namespace files whose devices' MACs to report. */
  links: string[];
}

export interface ArpResult {
  failed?: string;
  errors: Map<number, string>;
  /** Per source, per target: every MAC that answered. */
  answers: string[][][];
  /** Per links namespace: device -> MAC, undefined where it could not be read. */
  links: (Map<string, string> | undefined)[];
}

export interface TcpRequest {
  /** protocol: tcp when absent; a UDP listener answers each datagram, a UDP client asks until answered. */
  listeners: { netns: string; port: number; node: string; protocol?: 'tcp' | 'udp' }[];
  /** open: a workload's own port (no listener of ours): answered "OPEN" once the connection is accepted. */
  connects: { netns: string; src: string; addr: string; port: number; protocol?: 'tcp' | 'udp'; open?: boolean }[];
  token: string;
  timeoutMs: number;
  /** Namespace files whose neighbour caches to empty afterwards. */
  flush?: string[];
}

export interface TcpResult {
  failed?: string;
  listenerErrors: Map<number, string>;
  /** What each connection read back ('' when it did not complete), or why it could not be tried. */
  connects: { answer: string; error?: string }[];
}

const indexed = (o: Record<string, string> | undefined): Map<number, string> => new Map(Object.entries(o ?? {}).map(([k, v]) => [Number(k), v]));

/** One run of the prober; `failed` says why there is no answer at all. */
async function run<T>(runner: Runner, request: Record<string, unknown>, deadlineMs: number): Promise<{ out?: T; failed?: string }> {
  const argv = proberArgv();
  if (!argv) return { failed: `the prober needs ${PYTHON} (Debian: python3)` };
  const r = await runner.run(argv, { input: JSON.stringify({ ...request, deadline_ms: deadlineMs }), allowFail: true, timeoutMs: deadlineMs + 5_000 });
  const said = r.stderr.trim().split('\n').pop() ?? '';
  if (r.code !== 0) return { failed: `the prober ${r.code === null ? 'was stopped' : `exited with ${r.code}`}${said ? `: ${said}` : ''}` };
  try {
    return { out: JSON.parse(r.stdout) as T };
  } catch {
    return { failed: `the prober gave no readable answer${said ? `: ${said}` : ''}` };
  }
}

const pacing = (p: Pacing) => ({ interval_us: Math.max(1, Math.round(p.intervalUs)), timeout_ms: p.timeoutMs, tries: p.tries, backoff: p.backoff });
/**
 * How long a run of `sends` probes may take at most: twice what every send, every try waited
 * out and every wave's emptied caches (~1 ms a namespace) would take on a busy machine, and
 * half a minute more. It only bounds a stuck run; a run cut short is failed checks that say so.
 */
const deadline = (sends: number, p: Pacing, waves = 1, namespaces = 0): number => {
  let wait = 0;
  for (let k = 0; k < p.tries; k++) wait += p.timeoutMs * p.backoff ** k;
  const send = Math.max(p.intervalUs, p.sendCostUs ?? 0);
  return 30_000 + 2 * Math.ceil((sends * p.tries * send) / 1000 + waves * (wait + namespaces));
};

export async function probePings(runner: Runner, q: PingRequest, p: Pacing): Promise<PingResult> {
  const sends = q.waves.reduce((s, w) => s + w.probes.reduce((x, [, ts]) => x + ts.length, 0), 0);
  const { out, failed } = await run<{ errors: Record<string, string>; spaceErrors: Record<string, string>; probes: [boolean, [number, string][]][]; flushes: number }>(runner, { kind: 'ping', ...q, ...pacing(p) }, deadline(sends, p, q.waves.length, q.flush ? q.spaces.length : 0));
  if (!out) return { failed: failed!, errors: new Map(), spaceErrors: new Map(), outcomes: [], flushes: 0 };
  return { errors: indexed(out.errors), spaceErrors: indexed(out.spaceErrors), outcomes: out.probes.map(([replied, seen]) => ({ replied, seen })), flushes: out.flushes };
}

export async function probeArps(runner: Runner, q: ArpRequest, p: Pacing): Promise<ArpResult> {
  const sends = q.targets.reduce((s, ts) => s + ts.length, 0);
  const { out, failed } = await run<{ errors: Record<string, string>; answers: string[][][]; links: (Record<string, string> | null)[] }>(runner, { kind: 'arp', ...q, ...pacing(p) }, deadline(sends, p, 1, q.links.length));
  if (!out) return { failed: failed!, errors: new Map(), answers: q.targets.map((ts) => ts.map(() => [])), links: q.links.map(() => undefined) };
  return { errors: indexed(out.errors), answers: out.answers, links: out.links.map((l) => (l ? new Map(Object.entries(l)) : undefined)) };
}

export async function probeTcp(runner: Runner, q: TcpRequest): Promise<TcpResult> {
  const { out, failed } = await run<{ listenerErrors: Record<string, string>; connects: { answer: string; error?: string }[] }>(runner, { kind: 'tcp', listeners: q.listeners, connects: q.connects, token: q.token, timeout_ms: q.timeoutMs, flush: q.flush ?? [] }, q.timeoutMs + 10_000);
  if (!out) return { failed: failed!, listenerErrors: new Map(), connects: q.connects.map(() => ({ answer: '' })) };
  return { listenerErrors: indexed(out.listenerErrors), connects: out.connects };
}

export interface DnsRequest {
  /** `ask`: indices of the names this source looks up. */
  sources: { netns: string; resolv: string; ask: number[] }[];
  names: string[];
}

export interface DnsResult {
  failed?: string;
  errors: Map<number, string>;
  /** The name server each source asked (first of its resolv.conf). */
  servers: (string | null)[];
  /** Per source, per name: its addresses, [] when it does not exist, null when no answer came. */
  answers: (string[] | null)[][];
}

/** Every name from every source, at the name server its resolv.conf names: one prober run. */
export async function probeDns(runner: Runner, q: DnsRequest, p: Pacing): Promise<DnsResult> {
  const sends = q.sources.reduce((x, s) => x + s.ask.length, 0);
  const { out, failed } = await run<{ errors: Record<string, string>; servers: (string | null)[]; answers: (string[] | null)[][] }>(runner, { kind: 'dns', ...q, ...pacing(p) }, deadline(sends, p));
  if (!out) return { failed: failed!, errors: new Map(), servers: q.sources.map(() => null), answers: q.sources.map(() => q.names.map(() => null)) };
  return { errors: indexed(out.errors), servers: out.servers, answers: out.answers };
}

/** A workload's UDP port (udp-evidence.ts): the servers' namespaces watched, the clients' datagrams. */
export interface UdpOpenRequest {
  servers: { netns: string; port: number; addr: string }[];
  sends: { server: number; netns: string; src: string; addr: string; port: number }[];
  token: string;
  /** Datagrams per client, in the arrival phase and again in its window. */
  count: number;
  timeoutMs: number;
  /** Namespace files whose neighbour caches to empty afterwards. */
  flush?: string[];
}

export interface UdpOpenResult {
  failed?: string;
  servers: import('./udp-evidence.js').UdpServerSeen[];
  sends: import('./udp-evidence.js').UdpSendSeen[];
}

export async function probeUdpOpen(runner: Runner, q: UdpOpenRequest): Promise<UdpOpenResult> {
  // The arrival phase waits ~timeoutMs, each window at most timeoutMs and a settle (40 ms): twice that bounds a stuck run.
  const { out, failed } = await run<Omit<UdpOpenResult, 'failed'>>(runner, { kind: 'udp-open', servers: q.servers, sends: q.sends, token: q.token, count: q.count, timeout_ms: q.timeoutMs, flush: q.flush ?? [] }, 10_000 + 2 * (q.timeoutMs + 100) * (2 + q.sends.length));
  if (!out) return { failed: failed!, servers: q.servers.map(() => ({ error: failed! })), sends: q.sends.map(() => ({ error: failed! })) };
  return out;
}
