// A workload's UDP port: `port: udp/N` parses (bare N stays tcp), the semantics lets it be reached
// exactly where the design's firewall lets UDP to that port through, and what the prober saw in
// the server's namespace proves delivery only where nothing else explains the numbers.
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { designModel } from '../../src/semantics/from-design.js';
import { reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';
import { compare } from '../../src/semantics/compare.js';
import { compile } from '../../src/plan/compile.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { udpVerdict, type UdpServerSeen, type UdpWindowSeen } from '../../src/verify/udp-evidence.js';
import { readFileSync } from 'node:fs';

const FIXTURE = 'test/fixtures/udp-workload.yaml';

describe('port: udp/N of a process', () => {
  const port = (p: string) => {
    const r = loadDesign(readFileSync(FIXTURE, 'utf8').replace('port: udp/5353', `port: ${JSON.stringify(p)}`));
    const s = r.design?.nodes.find((n) => n.name === 'srv');
    return r.errors.length ? r.errors.map((e) => `${e.code} ${e.message}`) : s && 'services' in s ? (s.services![0] as { port?: unknown }).port : undefined;
  };
  it('parses udp/N, tcp/N and a bare N (tcp); refuses the rest saying how to write it', () => {
    expect(port('udp/5353')).toEqual({ protocol: 'udp', port: 5353 });
    expect(port('tcp/8080')).toEqual({ protocol: 'tcp', port: 8080 });
    expect(port('8080')).toEqual({ protocol: 'tcp', port: 8080 });
    expect(port('udp/0')).toEqual(['E-PORT-RANGE port "udp/0" is not "tcp/PORT" or "udp/PORT"; write it like "tcp/8080" or "udp/5353" (1-65535; verify checks it is reached).']);
    expect(port('sctp/9')).toHaveLength(1);
  });

  it('the semantics: reached from where the firewall lets udp/5353 through, the deny names pc1', () => {
    const { design, errors } = loadDesignFile(FIXTURE);
    expect(errors).toEqual([]);
    const r = reachability(designModel(design!));
    const t = r.tcp.filter((x) => x.kind === 'process');
    expect(t.map((x) => [x.protocol, x.node, x.port, x.rule])).toEqual([['udp', 'srv', 5353, 'service:srv/0'], ['udp', 'srv', 5354, 'service:srv/1'], ['udp', 'srv', 5355, 'service:srv/2']]);
    const from = (k: number) => (name: string) => t[k]!.fromClass.get(r.classOf.get(r.endpoints.find((e) => e.name === name)!.ref)!);
    expect(['pc1', 'pc2', 'srv'].map(from(0))).toEqual([false, true, true]);
    // The rule denies udp/5353 only: the sink on 5354 is reached from pc1 too.
    expect(['pc1', 'pc2', 'srv'].map(from(1))).toEqual([true, true, true]);
    // The same port over TCP is not what the rule denies.
    const tcp = reachability(designModel(loadDesign(readFileSync(FIXTURE, 'utf8').replace('port: udp/5353', 'port: tcp/5353')).design!));
    const tt = tcp.tcp.find((x) => x.kind === 'process')!;
    expect(tt.protocol).toBe('tcp');
    expect(tt.fromClass.get(tcp.classOf.get(tcp.endpoints.find((e) => e.name === 'pc1')!.ref)!)).toBe(true);
  });
  it('the twin agrees: a workload that runs socat is a workload, not a relay', () => {
    const d = loadDesignFile(FIXTURE).design!;
    const c = compare(d, compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! }));
    expect([c.bugs, c.differences]).toEqual([[], []]);
  });
  it('trace --udp: the rule that rejects pc1, the process that takes pc2\'s datagram', () => {
    const d = loadDesignFile(FIXTURE).design!;
    const no = traceOffline(d, 'pc1', 'srv', { udpPort: 5353 });
    expect([no.proto, no.to, no.verdict, no.why]).toEqual(['udp', '10.77.2.10:5353', 'dropped', expect.stringContaining('firewall')]);
    const yes = traceOffline(d, 'pc2', 'srv', { udpPort: 5353 });
    expect([yes.verdict, yes.landed, yes.request.find((h) => h.action === 'deliver')?.detail]).toEqual(['delivered', 'srv 10.77.2.10:5353', expect.stringContaining('process collector serves udp/5353')]);
  });
});

describe('what the server namespace shows proves delivery, or says why not', () => {
  const server: UdpServerSeen = { sockets: [{ local: '0.0.0.0:5353', inode: 7, holders: ['4242 socat'] }] };
  const base: UdpWindowSeen = { sent: 3, arrived: 3, from: '10.77.1.12', dev: 'eth0', others: 0, othersPort: 0, othersMulti: 0, stale: 0, dIn: 0, dNoPorts: 0, dInErrors: 0, queueGrew: 0, dDrops: 0 };
  const v = (w: Partial<UdpWindowSeen>, s: UdpServerSeen = server) => udpVerdict(s, { arrival: { arrived: 3 }, window: { ...base, ...w } }, 'srv', 5353);
  it('read by the process: InDatagrams rose by more than the other arrivals explain', () => {
    expect(v({ dIn: 3 })).toEqual({ reached: true, detail: '3/3 datagrams arrived in srv from 10.77.1.12 on eth0 and were read from 0.0.0.0:5353 (socat, pid 4242) (Udp InDatagrams +3, 0 other UDP datagrams arrived meanwhile)' });
    expect(v({ dIn: 4, others: 1 })).toMatchObject({ reached: true });
    // As many reads as other arrivals, a broadcast several sockets may read, or datagrams waiting from before: not proof.
    expect(v({ dIn: 2, others: 2 })).toHaveProperty('unclear');
    expect(v({ dIn: 5, others: 1, othersMulti: 1, othersPort: 1 })).toHaveProperty('unclear');
    expect(v({ dIn: 3, stale: 832, othersPort: 1, others: 1 })).toHaveProperty('unclear');
    // The watch lost packets: the other arrivals are undercounted.
    expect(v({ dIn: 3, missed: 5 })).toMatchObject({ unclear: expect.stringContaining('lost 5 packets') });
  });
  it('queued on the port\'s socket, dropped there because it is full, or answered: reached', () => {
    expect(v({ queueGrew: 2496 })).toMatchObject({ reached: true, detail: expect.stringContaining('wait unread on 0.0.0.0:5353') });
    expect(v({ queueGrew: 2496, othersPort: 1, others: 1 })).toHaveProperty('unclear');
    expect(v({ dDrops: 3, dInErrors: 3 })).toMatchObject({ reached: true, detail: expect.stringContaining('receive queue is full') });
    expect(v({ replies: 1, replyFrom: '10.77.2.10:5353' })).toMatchObject({ reached: true, detail: expect.stringContaining('answered from 10.77.2.10:5353') });
    // An answer from another port proves nothing of this one.
    expect(v({ replies: 1, replyFrom: '10.77.2.10:9' })).toMatchObject({ reached: false });
  });
  it('not reached: nothing arrived (and why), arrived but no socket took it, nothing listens', () => {
    expect(udpVerdict(server, { arrival: { arrived: 0, icmp: 'ICMP port unreachable from 10.77.1.1' } }, 'srv', 5353)).toEqual({ reached: false, detail: 'not reached: none of its datagrams arrived in srv (ICMP port unreachable from 10.77.1.1)' });
    expect(udpVerdict(server, { arrival: { arrived: 0 } }, 'srv', 5353)).toMatchObject({ reached: false, detail: expect.stringContaining('dropped on the way') });
    expect(udpVerdict({ sockets: [] }, { arrival: { arrived: 0, sendError: 'Network is unreachable' } }, 'srv', 5353)).toMatchObject({ detail: expect.stringMatching(/the send failed: Network is unreachable\); nothing listens on udp\/5353 in srv either$/) });
    expect(v({})).toMatchObject({ reached: false, detail: expect.stringContaining('no socket received them') });
    expect(v({ dNoPorts: 3 }, { sockets: [] })).toEqual({ reached: false, detail: 'nothing listens on udp/5353 in srv (3/3 datagrams arrived in srv from 10.77.1.12 on eth0; Udp NoPorts +3)' });
    // Other traffic arrived meanwhile: silence of the counters proves nothing either.
    expect(v({ others: 2 })).toHaveProperty('unclear');
    expect(udpVerdict({ error: 'cannot watch x' }, {}, 'srv', 5353)).toEqual({ error: 'cannot watch x' });
  });
  it('where the lab knows the workload, the socket must be its own (or a child\'s)', () => {
    const owner = { name: 'srv.collector', pid: 4242, running: true, holds: true };
    const read = { arrival: { arrived: 3 }, window: { ...base, dIn: 3 } };
    expect(udpVerdict(server, read, 'srv', 5353, owner)).toMatchObject({ reached: true, detail: expect.not.stringContaining('but') });
    expect(udpVerdict(server, read, 'srv', 5353, { ...owner, holds: false })).toMatchObject({ reached: true, wrong: true, detail: expect.stringMatching(/; but that socket is held not by the workload srv\.collector \(pid 4242\) or a child of it$/) });
    expect(udpVerdict(server, read, 'srv', 5353, { ...owner, holds: false, running: false })).toMatchObject({ wrong: true, detail: expect.stringMatching(/held while the workload srv\.collector \(pid 4242\) is not running$/) });
    expect(udpVerdict({ sockets: [] }, { arrival: { arrived: 3 }, window: { ...base, dNoPorts: 3 } }, 'srv', 5353, { ...owner, holds: false, running: false })).toMatchObject({ reached: false, detail: expect.stringMatching(/^nothing listens on udp\/5353 in srv .*; the workload srv\.collector \(pid 4242\) is not running$/) });
  });
});
