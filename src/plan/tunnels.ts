// Tunnel links (docs/routing.md): where a cable would be a veth pair, a tunnel is one device at
// each end, in its node's namespace, named like the port and placed like the veth end would
// have been (the address of a router's interface, the bridge of a server's NIC). Each end
// sends to the other end's underlay address. VXLAN, GRE, gretap and IP in IP are kernel devices;
// WireGuard is a kernel device configured with keys the compiler derives per lab and link; the
// TUN tunnel is a TUN device fed by socat over UDP (a daemon of the twin). What the kernel
// here lacks stops the compile with its module's name (plan --explain, up).
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { UserError } from '../errors.js';
import { formatIp } from '../model/ip.js';
import type { Design, Link } from '../model/types.js';
import { CARRIER, OVERHEAD, tunnelPorts, underlayOf } from '../semantics/tunnels.js';
import { tunnelSupport } from './capabilities.js';
import type { Ctx } from './context.js';
import { endRef, linkRef } from './refs.js';
import type { DaemonObj, TunnelObj, VethEnd } from './types.js';

/** Strategies whose devices stay per node, so a link can be a tunnel between two of them. */
export const TUNNEL_STRATEGIES = ['faithful', 'ovs'];

/** Refuse what cannot be built: tunnels under a strategy that merges nodes, or a kind this kernel lacks. */
export function checkTunnels(ctx: Ctx, strategy: string): void {
  const tunnels = ctx.design.links.filter((l) => l.tunnel);
  if (!tunnels.length) return;
  if (!TUNNEL_STRATEGIES.includes(strategy)) throw new UserError(`link ${tunnels[0]!.index} is a ${tunnels[0]!.tunnel!.kind} tunnel, and the ${strategy} strategy merges the nodes it joins; build tunnels with --strategy faithful or ovs.`);
  const missing = [...new Set(tunnels.map((l) => l.tunnel!.kind))].flatMap((k) => {
    const s = tunnelSupport(ctx.caps, k);
    return s.ok ? [] : [`${k} (kernel module ${s.module})`];
  });
  if (missing.length) throw new UserError(`the design has ${missing.join(', ')} tunnels, which this kernel (capabilities ${ctx.caps.source}) cannot create; run it on a kernel that has ${missing.length > 1 ? 'them' : 'it'} (plan with --capabilities full to see that twin), or lay the link as vxlan.`);
}

/** The two tunnel ends of link l, placed at a and z (where a veth's ends would be). */
export function realizeTunnel(ctx: Ctx, l: Link, a: VethEnd, z: VethEnd): void {
  const t = l.tunnel!;
  const d = ctx.design;
  for (const [e, at] of [[l.ends[0], a], [l.ends[1], z]] as const)
    if (at.namespace === null || at.ovsBridge) throw new UserError(`link ${l.index}'s ${t.kind} tunnel ends at ${e.node}:${e.port}, which this strategy makes a port of an Open vSwitch bridge in the host, outside ${e.node}'s namespace and routes; build it with --strategy faithful.`);
  const ports = tunnelPorts(d);
  const [ea, eb] = l.ends;
  const la = underlayOf(d, ea, ports);
  const lb = underlayOf(d, eb, ports);
  if (la === undefined || lb === undefined) throw new Error(`tunnel link ${l.index} has an end without an underlay address; the design checks should have caught this`);
  const idx = { nodes: ctx.byName };
  const realizes = [linkRef(l.index), endRef(idx, ea.node, ea.port), endRef(idx, eb.node, eb.port)];
  const mtu = l.mtu ?? 1500 - OVERHEAD[t.kind];
  const end = (me: VethEnd, other: VethEnd, local: number, remote: number): TunnelObj => ({
    kind: 'tunnel',
    type: t.kind,
    namespace: me.namespace!,
    name: me.name,
    local: formatIp(local),
    remote: formatIp(remote),
    ...(t.vni !== undefined ? { vni: t.vni } : {}),
    ...(t.kind === 'vxlan' || t.kind === 'wireguard' || t.kind === 'tun' ? { port: t.port ?? CARRIER[t.kind].port } : {}),
    ...(t.key !== undefined ? { key: t.key } : {}),
    ...(me.master ? { master: me.master } : {}),
    ...(me.mac ? { mac: me.mac } : {}),
    mtu,
    ...(t.kind === 'wireguard' ? { wireguard: wgKeys(ctx, l, me === a) } : {}),
    peer: { namespace: other.namespace!, name: other.name },
    realizes,
  });
  ctx.b.add(end(a, z, la, lb));
  ctx.b.add(end(z, a, lb, la));
  ctx.b.choose(`tunnel-${t.kind}`, `${t.kind} tunnel devices`, `${t.kind} links become a ${t.kind === 'tun' ? 'TUN device fed by socat over UDP' : `kernel ${t.kind} device`} at each end, in the node's namespace, sending to the other end's underlay address; inner MTU ${1500 - OVERHEAD[t.kind]} on a 1,500-byte underlay (docs/routing.md).`);
  if (t.kind === 'tun') for (const [me, local, remote] of [[a, la, lb], [z, lb, la]] as const) ctx.b.add(tunDaemon(l, me, local, remote, realizes));
}

/**
 * WireGuard keys of one end: Curve25519 private keys derived from the lab and link (a lab's
 * keys are not secrets: anyone who can read its run directory owns the lab anyway), the
 * public key of the other end. Derived so that compiles are pure and reproducible.
 */
function wgKeys(ctx: Ctx, l: Link, first: boolean): { privateKey: string; peerPublicKey: string } {
  const priv = (side: string): Buffer => {
    const k = createHash('sha256').update(`vnetmap wireguard ${ctx.ns(l.ends[0].node)}/${l.index}/${side}`).digest();
    k[0]! &= 248;
    k[31] = (k[31]! & 127) | 64;
    return k;
  };
  const [mine, theirs] = first ? ['a', 'b'] : ['b', 'a'];
  return { privateKey: priv(mine).toString('base64'), peerPublicKey: x25519Public(priv(theirs)).toString('base64') };
}

/** The X25519 public key of a clamped private key (RFC 7748), with node's crypto. */
function x25519Public(priv: Buffer): Buffer {
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), priv]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return Buffer.from(pub.subarray(pub.length - 32));
}

/** The userspace end of a TUN tunnel: socat between the TUN device and UDP to the other end. */
function tunDaemon(l: Link, me: VethEnd, local: number, remote: number, realizes: string[]): DaemonObj {
  const port = l.tunnel!.port ?? CARRIER.tun.port;
  return {
    kind: 'daemon',
    namespace: me.namespace!,
    name: `${me.namespace}.${me.name}.tun`,
    argv: ['socat', '-T', '0', `UDP-DATAGRAM:${formatIp(remote)}:${port},bind=${formatIp(local)}:${port}`, `TUN,tun-name=${me.name},tun-type=tun,iff-no-pi,iff-up`],
    files: [],
    realizes,
  };
}

export const hasTunnels = (d: Design): boolean => d.links.some((l) => l.tunnel);
