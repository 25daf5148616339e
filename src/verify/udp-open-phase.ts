// A workload's UDP port (`kind: process`, `port: udp/N`): from every (sampled) source, datagrams
// to the port, and the server's namespace watched for their delivery to a socket bound there
// (udp-evidence.ts says what counts; libexec/probe.py's udp_open how it is seen). Every probe of
// a run shares one prober process, which takes the clients one at a time towards the servers,
// after the TCP connections are done, so nothing else of verify's reaches those namespaces while
// their counters are read. A workload just started by `up` gets a few more tries, a second apart,
// as its TCP sibling does; an unclear count (other UDP traffic there) is asked again too.
import { randomBytes } from 'node:crypto';
import { netnsFile } from '../exec/netns.js';
import { formatIp } from '../model/ip.js';
import type { TcpCheck } from '../semantics/reachability.js';
import { check, type Live, type PhaseContext } from './checks.js';
import { probeUdpOpen } from './prober.js';
import { processStart } from '../apply/daemons.js';
import { lineage } from './proc.js';
import { udpVerdict, type UdpOwner, type UdpServerSeen, type UdpVerdict } from './udp-evidence.js';

/** Datagrams per client, per phase. */
const COUNT = 3;
/** Rounds for a port that nothing listens on yet, or whose count stayed unclear. */
const TRIES = 5;
/** Rounds for a port whose datagrams the network did not deliver (a second look, for a slow machine). */
const BLOCKED_TRIES = 2;

export interface UdpProbe {
  t: TcpCheck;
  a: Live;
  expected: boolean;
}

export async function udpOpenPhase(c: PhaseContext, probes: UdpProbe[], checkTo: (t: TcpCheck) => string): Promise<void> {
  if (!probes.length) return;
  const token = `vnetmap-udp-${randomBytes(4).toString('hex')}`;
  // The process runs in its node's namespace: the daemon that realizes the service, else the node's endpoint's.
  const daemonOf = (t: TcpCheck) => c.plan.objects.flatMap((o) => (o.kind === 'daemon' && o.realizes.includes(t.rule) && o.namespace !== null ? [o] : []))[0];
  const nsOf = (t: TcpCheck): string | undefined => daemonOf(t)?.namespace ?? c.plan.endpoints.find((l) => l.node === t.node)?.namespace;
  // The workload as up started it, where the caller knows (the lab's state): the socket must be its own, or a child's.
  const ownerOf = (t: TcpCheck, server: UdpServerSeen): UdpOwner | undefined => {
    const name = daemonOf(t)?.name;
    const id = name !== undefined ? c.daemons?.[name] : undefined;
    if (!name || !id) return undefined;
    const pids = (server.sockets ?? []).flatMap((x) => x.holders.map((h) => Number(h.split(' ')[0])));
    return { name, pid: id.pid, running: !!id.start && processStart(id.pid) === id.start, holds: pids.some((p) => lineage(p).includes(id.pid)) };
  };
  const verdicts: (UdpVerdict | undefined)[] = probes.map(() => undefined);
  const listening: boolean[] = probes.map(() => false);
  const owners: (UdpOwner | undefined)[] = probes.map(() => undefined);
  let pending = probes.map((_, i) => i);
  for (let round = 1; pending.length; round++) {
    if (round > 1) await new Promise((r) => setTimeout(r, 1000));
    c.progress(`udp: ${pending.length} datagram probes to workloads`);
    const servers: { netns: string; port: number; addr: string }[] = [];
    const serverAt = new Map<string, number>();
    const sends = pending.flatMap((i) => {
      const p = probes[i]!;
      const ns = nsOf(p.t);
      if (!ns) {
        verdicts[i] = { error: `${p.t.node} has no namespace in the twin` };
        return [];
      }
      const key = `${ns} ${p.t.port} ${p.t.addr}`;
      if (!serverAt.has(key)) serverAt.set(key, servers.push({ netns: netnsFile(ns), port: p.t.port, addr: formatIp(p.t.addr) }) - 1);
      return [{ i, send: { server: serverAt.get(key)!, netns: netnsFile(p.a.loc.namespace), src: p.a.src, addr: formatIp(p.t.addr), port: p.t.port } }];
    });
    const r = await probeUdpOpen(c.runner, { servers, sends: sends.map((s) => s.send), token, count: COUNT, timeoutMs: 500, ...(c.neighTight ? { flush: c.spaces.map(netnsFile) } : {}) });
    sends.forEach(({ i, send }, j) => {
      const server = r.servers[send.server] ?? { error: r.failed ?? 'the prober gave no answer for this server' };
      listening[i] = !!server.sockets?.length;
      owners[i] = ownerOf(probes[i]!.t, server);
      verdicts[i] = udpVerdict(server, r.sends[j] ?? { error: r.failed ?? 'the prober gave no answer for this client' }, probes[i]!.t.node, probes[i]!.t.port, owners[i]);
    });
    pending = pending.filter((i) => {
      const v = verdicts[i]!;
      if ('error' in v) return false;
      if ('unclear' in v) return round < TRIES;
      // Not reached where the design says it is: nothing listens yet (a workload starting; not
      // worth waiting for where it is known to have died), or a second look.
      const starting = !listening[i] && owners[i]?.running !== false;
      return !v.reached && probes[i]!.expected && round < (starting ? TRIES : BLOCKED_TRIES);
    });
  }
  probes.forEach((p, i) => {
    const v = verdicts[i]!;
    const to = checkTo(p.t);
    if ('error' in v) c.add(check('udp', p.a.ep.name, to, p.expected, false, { error: v.error }));
    else if ('unclear' in v) c.add(check('udp', p.a.ep.name, to, p.expected, false, { error: `unclear after ${TRIES} tries: ${v.unclear}` }));
    else c.add(check('udp', p.a.ep.name, to, p.expected, v.reached, { detail: v.detail, wrong: !!v.wrong }));
  });
}
