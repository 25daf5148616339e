// Connections: port forwards, redirects, ports a firewall rule decides on, and services. A
// connection from every (sampled) source to the address and port, with the prober listening on
// every target. The listener answers with the run's token, the node it runs in and the peer
// address it saw, so a check passes only when the connection landed on the design's target (not
// on another node listening on that port) and that target saw the peer the design implies: the
// client's own address, or the router's where hairpin NAT (or a masquerade on the way) rewrites
// it. A masquerade added on the router's inside interface makes the web server see the router
// instead of the client: that fails.
// Services (workload-checks.ts): a load balancer gets several connections per source, each must
// land on one of its backends and show the source that backend should see (the client under
// nat, the balancer under fullnat), and one more check says every backend answered someone; a
// proxy's target sees the proxy; a workload's own TCP port must accept (no listener of ours
// there), and its UDP port must take the datagrams into a socket (udp-open-phase.ts).
import { randomBytes } from 'node:crypto';
import { netnsFile } from '../exec/netns.js';
import { formatIp } from '../model/ip.js';
import type { EndpointLocation } from '../plan/types.js';
import type { TcpCheck } from '../semantics/reachability.js';
import { check, type PhaseContext } from './checks.js';
import { probeTcp } from './prober.js';
import { sourcesToProbe } from './sample.js';
import { udpOpenPhase } from './udp-open-phase.js';

/** Connections per source to a load balancer: twice round the backends (by weight under wrr), at most this many. */
const LB_MAX_CONNECTIONS = 16;
/** Tries for a connection to a workload's port that should land (after the first). */
const WORKLOAD_TRIES = 5;

interface Target {
  node: string;
  addr: number;
  port: number;
  /** Where the prober listens for it; absent where the node has no place in the twin. */
  loc?: EndpointLocation;
  /** The peer it should see, per source (undefined: it should not be reached). */
  peer?: string;
}

export async function tcpPhase(c: PhaseContext, k: number | undefined, stratum: (i: number) => string, protocols: Set<'tcp' | 'udp'> = new Set(['tcp', 'udp'])): Promise<void> {
  const design = c.cmp.design;
  const tcp = design.tcp.filter((t) => protocols.has(t.protocol));
  if (!tcp.length) return;
  const token = `vnetmap-verify-${randomBytes(4).toString('hex')}`;
  const locOf = (node: string, addr: number) => c.plan.endpoints.find((l) => l.node === node && l.addresses.some((x) => x.split('/')[0] === formatIp(addr))) ?? c.plan.endpoints.find((l) => l.node === node);
  const all = tcp.flatMap((t) => {
    const explained = new Set(c.cmp.differences.filter((x) => x.kind === 'tcp' && x.explainedBy && x.to.startsWith(`${t.rule} ${formatIp(t.addr)}:${t.port} `)).map((x) => x.from));
    const backs = t.backends ?? [{ ...t.target, fromClass: t.fromClass, peerFrom: t.peerFrom }];
    const repeat = t.kind !== 'balance' ? 1 : Math.min(LB_MAX_CONNECTIONS, 2 * (t.scheduler === 'wrr' ? (t.weights ?? backs.length) : backs.length));
    return sourcesToProbe(c.live.length, k, stratum).map((i) => {
      const a = c.live[i]!;
      const cls = design.classOf.get(a.ep.ref)!;
      const lands = t.fromClass.get(cls)!;
      const flip = explained.has(a.ep.ref);
      const targets: Target[] = backs.map((b) => {
        const peer = b.peerFrom.get(cls);
        const loc = t.kind === 'process' ? undefined : locOf(b.node, b.addr);
        return { node: b.node, addr: b.addr, port: b.port, ...(loc ? { loc } : {}), ...(b.fromClass.get(cls) && !flip ? { peer: peer !== undefined ? formatIp(peer) : a.src } : {}) };
      });
      return { t, a, targets, repeat, expected: flip ? !lands : lands };
    });
  });
  // A workload's UDP port cannot answer a token: its datagrams' delivery is watched instead (udp-open-phase.ts).
  const udpOpen = (p: (typeof all)[number]) => p.t.kind === 'process' && p.t.protocol === 'udp';
  const probes = all.filter((p) => !udpOpen(p));
  const listenKey = (l: EndpointLocation, t: TcpCheck, port: number) => `${l.namespace} ${t.protocol} ${port}`;
  const listeners = [...new Map(probes.flatMap((p) => p.targets.flatMap((g) => (g.loc ? [[listenKey(g.loc, p.t, g.port), { netns: netnsFile(g.loc.namespace), port: g.port, node: g.node, protocol: p.t.protocol }] as const] : [])))).entries()];
  const at = new Map(listeners.map(([key], i) => [key, i]));
  // One entry per connection: a load balancer's probe makes several.
  const conns = probes.flatMap((p, pi) => Array.from({ length: p.repeat }, () => pi));
  const answers: { answer: string; error?: string }[] = conns.map(() => ({ answer: '' }));
  let failed: string | undefined;
  const errors = new Map<number, string>();
  const tryThese = async (ks: number[], last: boolean): Promise<void> => {
    if (!ks.length && !(last && c.neighTight)) return;
    c.progress(`tcp: ${ks.length} connections`);
    const r = await probeTcp(c.runner, {
      listeners: listeners.map(([, l]) => l),
      connects: ks.map((k) => {
        const p = probes[conns[k]!]!;
        return { netns: netnsFile(p.a.loc.namespace), src: p.a.src, addr: formatIp(p.t.addr), port: p.t.port, protocol: p.t.protocol, ...(p.t.kind === 'process' ? { open: true } : {}) };
      }),
      token,
      timeoutMs: 2_000,
      ...(last && c.neighTight ? { flush: c.spaces.map(netnsFile) } : {}),
    });
    if (r.failed) failed ??= r.failed;
    for (const [i, v] of r.listenerErrors) errors.set(i, v);
    ks.forEach((k, j) => {
      const got = r.connects[j];
      if (got && (got.answer || got.error || !answers[k]!.answer)) answers[k] = got;
    });
  };
  const parse = (s: string): { node: string; peer: string } | undefined => {
    if (s === 'OPEN') return { node: '', peer: '' };
    const [tok, node, peer] = s.split(' ');
    return tok === token && node !== undefined && peer !== undefined ? { node, peer } : undefined;
  };
  const landed = (p: (typeof probes)[number], s: string) => {
    const got = parse(s);
    return !!got && (p.t.kind === 'process' || p.targets.some((g) => g.node === got.node));
  };
  const doubtful = () => conns.flatMap((pi, k) => (probes[pi]!.expected && !landed(probes[pi]!, answers[k]!.answer) && !answers[k]!.error ? [k] : []));
  await tryThese(conns.map((_, k) => k), false);
  // A second chance for a would-be mismatch: a loaded machine can be slow on a first connection.
  // A workload just started by up gets more, a second apart: a Python web server takes a second
  // or two, five where it looks its own address up in a DNS the lab cannot reach.
  let left = doubtful();
  for (let round = 1; ; round++) {
    const waiting = left.some((k) => probes[conns[k]!]!.t.kind === 'process');
    const final = round >= WORKLOAD_TRIES || !waiting;
    if (round > 1) await new Promise((r) => setTimeout(r, 1000));
    await tryThese(left, final);
    if (final) break;
    left = doubtful();
    if (!left.length) {
      await tryThese([], true);
      break;
    }
  }
  const seenBy = new Map<TcpCheck, Set<string>>();
  probes.forEach((p, pi) => {
    const mine = conns.flatMap((x, k) => (x === pi ? [answers[k]!] : []));
    const to = checkTo(p.t);
    const listener = p.targets.map((g) => (g.loc ? at.get(listenKey(g.loc, p.t, g.port)) : undefined));
    const missing = p.t.kind !== 'process' && listener.some((l) => l === undefined) ? `${p.targets.find((_, i) => listener[i] === undefined)!.node} has no place in the twin` : undefined;
    const error = failed ?? mine.find((m) => m.error)?.error ?? listener.map((l) => (l !== undefined ? errors.get(l) : undefined)).find((e) => e) ?? missing;
    const got = mine.map((m) => parse(m.answer));
    const observed = mine.every((m) => landed(p, m.answer));
    let detail: string | undefined;
    let wrong = false;
    const stray = got.find((g) => g && p.t.kind !== 'process' && !p.targets.some((x) => x.node === g.node));
    const nodes = [...new Set(got.flatMap((g) => (g && g.node ? [g.node] : [])))];
    seenBy.set(p.t, new Set([...(seenBy.get(p.t) ?? []), ...nodes]));
    if (stray) detail = `landed on ${stray.node}, not ${p.targets.map((x) => x.node).join(' or ')}`;
    else if (observed && p.expected)
      for (const g of got) {
        const want = p.targets.find((x) => x.node === g?.node);
        if (g && want?.peer !== undefined && g.peer !== want.peer) {
          [detail, wrong] = [`${g.node} saw the connection come from ${g.peer}; the design implies ${want.peer}${want.peer === p.a.src ? " (the client's own address)" : ' (after NAT)'}`, true];
          break;
        }
      }
    if (!detail && observed && p.t.kind === 'balance' && p.t.scheduler === 'sh' && nodes.length > 1) [detail, wrong] = [`source hash: this client's connections landed on ${nodes.join(' and ')}, not on one backend`, true];
    if (!detail && p.t.kind === 'balance' && observed) detail = `${mine.length} connections answered by ${nodes.join(', ')}`;
    c.add(check(p.t.protocol, p.a.ep.name, to, p.expected, observed, { ...(error ? { error } : {}), ...(detail ? { detail } : {}), wrong }));
  });
  // Every backend of a load balancer answered someone (sh: which ones depends on the hash of the sources probed).
  for (const t of tcp) {
    if (t.kind !== 'balance' || t.scheduler === 'sh') continue;
    const ps = probes.filter((p) => p.t === t);
    if (!ps.some((p) => p.expected)) continue;
    const seen = seenBy.get(t) ?? new Set();
    const silent = t.backends!.filter((b) => !seen.has(b.node)).map((b) => b.node);
    c.add(check(t.protocol, `${ps.length} sources`, `${checkTo(t)} every backend`, true, !silent.length, silent.length ? { detail: `no connection reached ${silent.join(', ')}` } : { detail: `all ${t.backends!.length} backends answered` }));
  }
  // After every connection above: nothing else of verify's reaches the servers while their counters are read.
  await udpOpenPhase(c, all.filter(udpOpen), checkTo);
}

/**
 * How a check names where it connects: a forward or redirect "gw 203.0.113.2:8080 -> web:80",
 * a port a firewall rule decides on or a workload's port "web 192.168.10.20:80 [firewall:web/0]",
 * a load balancer "lb 198.51.100.80:80 -> web1:80|web2:80 [service:lb/0]".
 */
export function checkTo(t: TcpCheck): string {
  const at = `${t.node} ${formatIp(t.addr)}:${t.port}`;
  if (t.kind === 'port' || t.kind === 'process') return `${at} [${t.rule}]`;
  if (t.kind === 'balance') return `${at} -> ${t.backends!.map((b) => `${b.node}:${b.port}`).join('|')} [${t.rule}]`;
  return `${at} -> ${t.target.node}:${t.target.port}`;
}
