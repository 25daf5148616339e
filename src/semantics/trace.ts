// traceOffline: one packet and its reply, hop by hop, through the design (broadcast domains,
// routers) or through the plan's Linux objects (veth -> bridge -> veth -> namespace -> route ->
// nft dnat -> ...), each hop with the design element behind it, the verdict, and where and why
// it was dropped. Nothing is sent: this is the forwarding engine with its notes kept.
import { UserError } from '../errors.js';
import { formatIp, parseIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { roundTrip, type Hop } from './forward.js';
import { designModel } from './from-design.js';
import { planModel } from './from-plan.js';
import type { Endpoint, NetModel } from './net-model.js';

export interface TraceResult {
  from: Endpoint;
  /** Destination address (and port for TCP) as the sender addresses it. */
  to: string;
  proto: 'icmp' | 'tcp' | 'udp';
  verdict: 'delivered' | 'dropped';
  why?: string;
  /** Where the request landed (after DNAT/redirect). */
  landed?: string;
  /**
   * Set when the destination was named as an endpoint and the packet landed on another node
   * that owns the same address (sites reusing private ranges): that endpoint is not reached.
   */
  notReached?: string;
  request: Hop[];
  reply: Hop[];
}

export interface TraceOptions {
  tcpPort?: number;
  /** A UDP datagram to this port (and its reply), instead of a ping; tcpPort wins where both are given. */
  udpPort?: number;
}

export function traceOffline(src: Plan | Design, from: string, to: string, opts: TraceOptions = {}): TraceResult {
  const m: NetModel = 'objects' in src ? (planModel(src) as NetModel) : designModel(src);
  const a = findEndpoint(m, from, 'source');
  const named = parseIp(to) === undefined ? findEndpoint(m, to, 'destination') : undefined;
  const dst = named?.addr.ip ?? parseIp(to)!;
  const proto = opts.tcpPort !== undefined ? 'tcp' : opts.udpPort !== undefined ? 'udp' : 'icmp';
  const port = opts.tcpPort ?? opts.udpPort;
  const rt = roundTrip(m, a.node, a.addr.ip, dst, proto, port ?? 0);
  const res: TraceResult = {
    from: a,
    to: formatIp(dst) + (port !== undefined ? `:${port}` : ''),
    proto,
    verdict: rt.ok ? 'delivered' : 'dropped',
    request: rt.request.hops,
    reply: rt.reply?.hops ?? [],
  };
  if (rt.why) res.why = rt.why;
  if (rt.landed) res.landed = `${rt.landed.node} ${formatIp(rt.landed.addr)}${proto !== 'icmp' ? ':' + rt.landed.port : ''}`;
  if (named && rt.landed && proto === 'icmp' && rt.landed.node !== named.node) res.notReached = named.name;
  return res;
}

/** An endpoint by display name (pc1, gw/lan), node name (its first endpoint), ref or address. */
export function findEndpoint(m: NetModel, name: string, role: string): Endpoint {
  const ip = parseIp(name);
  const e =
    m.endpoints.find((x) => x.name === name || x.ref === name || (ip !== undefined && x.addr.ip === ip)) ??
    m.endpoints.find((x) => x.node === name) ??
    m.endpoints.find((x) => `${x.node}/${x.dev}` === name);
  if (!e) throw new UserError(`${role} "${name}" is not an endpoint; use one of: ${m.endpoints.map((x) => x.name).join(', ')}.`);
  return e;
}

export function formatTrace(t: TraceResult): string {
  const lines = [`trace ${t.proto} ${t.from.name} (${t.from.addr.text.split('/')[0]}) -> ${t.to}`];
  const hops = (title: string, hs: Hop[]) => {
    if (!hs.length) return;
    lines.push(title);
    hs.forEach((h, k) => lines.push(`  ${String(k + 1).padStart(2)}  ${h.node.padEnd(12)} ${h.action.padEnd(8)} ${h.detail}${h.realizes.length ? `   [${h.realizes.join(' ')}]` : ''}`));
  };
  hops('request:', t.request);
  hops('reply:', t.reply);
  lines.push(t.verdict === 'delivered' ? `verdict: delivered${t.landed ? ` (to ${t.landed})` : ''}, reply returned` : `verdict: dropped: ${t.why}`);
  if (t.notReached) lines.push(`note: ${t.notReached} is not reached: another node owns its address and answered instead`);
  return lines.join('\n');
}
