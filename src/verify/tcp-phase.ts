// Port forwards and redirects: a connection from every (sampled) source to the router's address
// and port, with the prober listening on every target. The listener answers with the run's
// token, the node it runs in and the peer address it saw, so a check passes only when the
// connection landed on the design's target (not on another node listening on that port) and
// that target saw the peer the design implies: the client's own address, or the router's where
// hairpin NAT (or a masquerade on the way) rewrites it. A masquerade added on the router's
// inside interface makes the web server see the router instead of the client: that fails.
import { randomBytes } from 'node:crypto';
import { netnsFile } from '../exec/netns.js';
import { formatIp } from '../model/ip.js';
import { check, type PhaseContext } from './checks.js';
import { probeTcp } from './prober.js';
import { sourcesToProbe } from './sample.js';
import type { TcpCheck } from '../semantics/reachability.js';

export async function tcpPhase(c: PhaseContext, k: number | undefined, stratum: (i: number) => string, protocols: Set<'tcp' | 'udp'> = new Set(['tcp', 'udp'])): Promise<void> {
  const design = c.cmp.design;
  const tcp = design.tcp.filter((t) => protocols.has(t.protocol));
  if (!tcp.length) return;
  const token = `vnetmap-verify-${randomBytes(4).toString('hex')}`;
  const probes = tcp.flatMap((t) => {
    const target = c.plan.endpoints.find((l) => l.node === t.target.node && l.addresses.some((x) => x.split('/')[0] === formatIp(t.target.addr))) ?? c.plan.endpoints.find((l) => l.node === t.target.node);
    const explained = new Set(c.cmp.differences.filter((x) => x.kind === 'tcp' && x.explainedBy && x.to.startsWith(`${t.rule} ${formatIp(t.addr)}:${t.port} `)).map((x) => x.from));
    return sourcesToProbe(c.live.length, k, stratum).map((i) => {
      const a = c.live[i]!;
      const cls = design.classOf.get(a.ep.ref)!;
      const lands = t.fromClass.get(cls)!;
      const peer = t.peerFrom.get(cls);
      return { t, a, target, expected: explained.has(a.ep.ref) ? !lands : lands, peer: lands && !explained.has(a.ep.ref) ? (peer !== undefined ? formatIp(peer) : a.src) : undefined };
    });
  });
  const listenKey = (p: (typeof probes)[number]) => `${p.target!.namespace} ${p.t.protocol} ${p.t.target.port}`;
  const listeners = [...new Map(probes.flatMap((p) => (p.target ? [[listenKey(p), { netns: netnsFile(p.target.namespace), port: p.t.target.port, node: p.t.target.node, protocol: p.t.protocol }] as const] : []))).entries()];
  const at = new Map(listeners.map(([key], i) => [key, i]));
  const answers: { answer: string; error?: string }[] = probes.map(() => ({ answer: '' }));
  let failed: string | undefined;
  const errors = new Map<number, string>();
  const tryThese = async (ks: number[], last: boolean): Promise<void> => {
    if (!ks.length && !(last && c.neighTight)) return;
    c.progress(`tcp: ${ks.length} connections`);
    const r = await probeTcp(c.runner, {
      listeners: listeners.map(([, l]) => l),
      connects: ks.map((k) => ({ netns: netnsFile(probes[k]!.a.loc.namespace), src: probes[k]!.a.src, addr: formatIp(probes[k]!.t.addr), port: probes[k]!.t.port, protocol: probes[k]!.t.protocol })),
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
  const parse = (s: string) => {
    const [tok, node, peer] = s.split(' ');
    return tok === token ? { node, peer } : undefined;
  };
  const doubtful = () => probes.flatMap((p, k) => (p.expected && parse(answers[k]!.answer)?.node !== p.t.target.node && !answers[k]!.error ? [k] : []));
  await tryThese(probes.map((_, k) => k), false);
  // A second chance for a would-be mismatch: a loaded machine can be slow on a first connection.
  await tryThese(doubtful(), true);
  probes.forEach((p, k) => {
    const to = checkTo(p.t);
    const listener = p.target ? at.get(listenKey(p)) : undefined;
    const error = failed ?? answers[k]!.error ?? (listener !== undefined ? errors.get(listener) : `${p.t.target.node} has no place in the twin`);
    const got = parse(answers[k]!.answer);
    const observed = got?.node === p.t.target.node;
    let detail: string | undefined;
    let wrong = false;
    if (got && !observed) detail = `landed on ${got.node}, not ${p.t.target.node}`;
    else if (observed && p.expected && p.peer !== undefined && got.peer !== p.peer)
      [detail, wrong] = [`${p.t.target.node} saw the connection come from ${got.peer}; the design implies ${p.peer}${p.peer === p.a.src ? " (the client's own address)" : ' (after NAT)'}`, true];
    c.add(check(p.t.protocol, p.a.ep.name, to, p.expected, observed, { ...(error ? { error } : {}), ...(detail ? { detail } : {}), wrong }));
  });
}

/**
 * How a check names where it connects: a forward or redirect "gw 203.0.113.2:8080 -> web:80",
 * a port a firewall rule decides on "web 192.168.10.20:80 [firewall:web/0]".
 */
export function checkTo(t: TcpCheck): string {
  const at = `${t.node} ${formatIp(t.addr)}:${t.port}`;
  return t.kind === 'port' ? `${at} [${t.rule}]` : `${at} -> ${t.target.node}:${t.target.port}`;
}
