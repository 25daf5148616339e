// A UDP workload on the real kernel (test/fixtures/udp-workload.yaml): socat reads udp/5353 in srv
// and never answers; the design's firewall on gw rejects pc1's datagrams to it. verify passes:
// pc2, gw and srv itself reach the port (their datagrams read by socat, counted in srv's Udp
// InDatagrams), pc1 does not (nothing of it arrives in srv; it got gw's ICMP error); a second
// process binds udp/5354 and never reads (what arrives waits in its socket's queue), a third
// echoes every datagram on udp/5355 (its answer is the proof). Then, behind
// vnetmap's back, srv's own nftables drops pc2's datagrams and rejects gw's: verify names exactly
// those two, whose datagrams arrive in srv but reach no socket. Then the collector is killed:
// every source the design lets in fails, saying nothing listens on udp/5353; and another socat
// that takes the port is not taken for the workload (its datagrams are read, the check fails).
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { readState } from '../../src/apply/state.js';
import { verifyLive, type Check } from '../../src/verify/verify.js';
import { isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const FILE = 'test/fixtures/udp-workload.yaml';
const lab = uniqueLab();
afterAll(async () => {
  await destroyLab(lab, runner).catch(() => undefined);
});

describe.skipIf(!isRoot)(`a UDP workload on the real kernel${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('verify proves delivery to the socket, names a pair a firewall blocks, and a dead process', async () => {
    const { plan, design } = await planFromDesignFile(kernelEngine, FILE, { lab, strategy: 'faithful' }, runner);
    await applyPlan(plan, runner, { designFile: FILE });
    let last: Check[] = [];
    let unexplained = -1;
    const udp = async () => {
      const r = await verifyLive(plan, design, runner, { kinds: ['udp'], daemons: readState(lab)!.daemons! });
      [last, unexplained] = [r.checks, r.unexplained];
      return last.filter((c) => c.to.includes('[service:srv/0]')).map((c) => `${c.from} ${c.expected}/${c.observed}${c.ok ? '' : ' FAIL'} ${c.detail ?? c.error ?? ''}`).sort();
    };
    const ok = await udp();
    expect(ok.filter((c) => c.includes('FAIL'))).toEqual([]);
    expect(unexplained).toBe(0); // the twin's semantics (read from its plan) agrees with the design's
    const line = (from: string, all: string[]) => all.find((c) => c.startsWith(`${from} `)) ?? `${from}: no check`;
    // Every source the design lets in: its datagrams arrived in srv and socat read them.
    for (const from of ['pc2', 'gw/lan', 'gw/dmz', 'srv']) expect(line(from, ok)).toMatch(new RegExp(`^${from} true/true 3/3 datagrams arrived in srv from 10\\.77\\.\\d\\.\\d+ on \\S+ and were read from 0\\.0\\.0\\.0:5353 \\(socat, pid \\d+\\) \\(Udp InDatagrams \\+\\d`));
    // The sink never reads: its socket's queue grew by what pc2 sent.
    const sink = last.find((c) => c.from === 'pc2' && c.to.includes('[service:srv/1]'));
    expect([sink?.ok, sink?.detail]).toEqual([true, expect.stringMatching(/^3\/3 datagrams arrived in srv from 10\.77\.1\.12 on eth0 and wait unread on 0\.0\.0\.0:5354 \(python3, pid \d+\) \(its receive queue grew by \d+ bytes\)$/)]);
    // The echo answers: its reply, with the datagrams seen arriving in srv, is the proof.
    const echo = last.find((c) => c.from === 'pc1' && c.to.includes('[service:srv/2]'));
    expect([echo?.ok, echo?.detail]).toEqual([true, expect.stringMatching(/^3\/3 datagrams arrived in srv from 10\.77\.1\.11 on eth0; 0\.0\.0\.0:5355 \(python3, pid \d+\) answered from 10\.77\.2\.10:5355$/)]);
    expect(line('pc1', ok)).toBe('pc1 false/false not reached: none of its datagrams arrived in srv (ICMP port unreachable from 10.77.1.1)');

    // srv's own input firewall drops pc2's datagrams and rejects gw's (ICMP port unreachable, as
    // if nothing listened): they arrive, no socket takes them, and the counters say so.
    const srv = nsOf(plan, 'srv');
    try {
      await runner.run(['ip', 'netns', 'exec', srv, 'nft', 'add table inet udptest; add chain inet udptest in { type filter hook input priority -10; }; add rule inet udptest in ip saddr 10.77.1.12 udp dport 5353 drop; add rule inet udptest in ip saddr 10.77.2.1 udp dport 5353 reject']);
      const blocked = await udp();
      expect(blocked.filter((c) => c.includes('FAIL'))).toEqual([
        expect.stringMatching(/^gw\/dmz true\/false FAIL not delivered: 3\/3 datagrams arrived in srv from 10\.77\.2\.1 on eth0, but no socket received them/),
        expect.stringMatching(/^pc2 true\/false FAIL not delivered: 3\/3 datagrams arrived in srv from 10\.77\.1\.12 on eth0, but no socket received them/),
      ]);
    } finally {
      await runner.run(['ip', 'netns', 'exec', srv, 'nft', 'delete table inet udptest'], { allowFail: true });
    }

    // The process dies: nothing listens.
    const collector = readState(lab)!.daemons!['srv.collector']!;
    process.kill(collector.pid, 'SIGKILL');
    const dead = await udp();
    expect(last.filter((c) => !c.to.includes('[service:srv/0]') && c.to.includes('[service:') && !c.ok)).toEqual([]);
    expect(dead.filter((c) => c.includes('FAIL')).map((c) => c.replace(/ \(.*$/, ''))).toEqual(['gw/dmz true/false FAIL nothing listens on udp/5353 in srv', 'gw/lan true/false FAIL nothing listens on udp/5353 in srv', 'pc2 true/false FAIL nothing listens on udp/5353 in srv', 'srv true/false FAIL nothing listens on udp/5353 in srv']);
    expect(line('pc1', dead)).toMatch(/^pc1 false\/false not reached: .*; nothing listens on udp\/5353 in srv either; the workload srv\.collector \(pid \d+\) is not running$/);

    // Another program takes the port: the datagrams are read, but not by the workload.
    const rogue = spawn('ip', ['netns', 'exec', srv, 'socat', '-T', '30', '-u', 'UDP-RECV:5353', '-'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const taken = await udp();
      expect(line('pc2', taken)).toMatch(/^pc2 true\/true FAIL 3\/3 datagrams arrived in srv .* were read from 0\.0\.0\.0:5353 \(socat, pid \d+\) .*; but that socket is held while the workload srv\.collector \(pid \d+\) is not running$/);
    } finally {
      rogue.kill('SIGKILL');
    }

    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 60_000);
});
