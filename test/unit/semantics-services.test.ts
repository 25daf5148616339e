// Services in the semantics and the plan: a load balancer is a NAT step whose backend the
// trace names, every backend gets its own outcome and the source it sees (nat: the client,
// fullnat: the balancer); a proxy's target sees the proxy; the twin's semantics, read back from
// its nftables rules, IPVS services and socat argv, equals the design's; DR and TUN are refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { formatIp } from '../../src/model/ip.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { splitWords } from '../../src/model/resolve-services.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { lbTarget } from '../../src/render/nft.js';
import { renderIpvs } from '../../src/render/ipvs.js';
import { compare } from '../../src/semantics/compare.js';
import { designModel } from '../../src/semantics/from-design.js';
import { reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';

const farm = () => loadDesignFile('examples/web-farm.yaml').design!;

describe('the web farm in the semantics', () => {
  const d = farm();
  const r = reachability(designModel(d));
  const cls = (e: string) => r.classOf.get(`iface:${e}`)!;
  const lb = (port: number) => r.tcp.find((t) => t.kind === 'balance' && t.port === port)!;
  it('the trace names the balancer and the backend it chose', () => {
    const t = traceOffline(d, 'client', '198.51.100.80', { tcpPort: 80 });
    expect(t.verdict).toBe('delivered');
    const dnat = t.request.find((h) => h.action === 'dnat')!;
    expect(dnat.detail).toBe('load balancer web tcp/80 (rr, nat) => backend 1 of 2: 10.0.1.11:80');
    expect(dnat.realizes).toEqual(['service:lvs/0']);
  });
  it('nat: every backend answers the client, and sees its own address; the backends themselves cannot use the VIP', () => {
    const t = lb(80);
    expect(t.backends!.map((b) => b.node)).toEqual(['web1', 'web2']);
    for (const b of t.backends!) expect([b.fromClass.get(cls('client/eth0')), b.peerFrom.get(cls('client/eth0'))]).toEqual([true, undefined]);
    // web1's connection to the VIP comes back to it from web2 directly, not through the director.
    expect(t.fromClass.get(cls('web1/eth0'))).toBe(false);
  });
  it('fullnat: the backends see the director, so they can use the VIP too', () => {
    const t = lb(8080);
    expect(t.backends!.map((b) => formatIp(b.peerFrom.get(cls('client/eth0'))!))).toEqual(['10.0.1.1', '10.0.1.1']);
    expect(t.fromClass.get(cls('web1/eth0'))).toBe(true);
    expect(t.weights).toBe(3);
  });
  it("a proxy's target sees the proxy; a workload's port answers where the routes let in", () => {
    const p = r.tcp.find((t) => t.kind === 'proxy' && t.protocol === 'tcp')!;
    expect([p.target.node, p.target.port, formatIp(p.peerFrom.get(cls('client/eth0'))!)]).toEqual(['web1', 22, '10.0.1.1']);
    expect(traceOffline(d, 'client', '198.51.100.1', { tcpPort: 2222 }).request.find((h) => h.action === 'deliver')!.detail).toContain('tcp-proxy ssh-web1 listens on :2222 and relays to 10.0.1.11:22');
    const web = r.tcp.find((t) => t.kind === 'process' && t.node === 'web1')!;
    expect([web.fromClass.get(cls('web2/eth0')), web.fromClass.get(cls('client/eth0'))]).toEqual([true, false]);
  });
  it('every strategy and both kinds of kernel build the same services: the twin agrees with the design', () => {
    for (const caps of ['minimal', 'full'])
      for (const strategy of ['faithful', 'compact', 'ovs'] as const) {
        const c = compare(d, compile(d, { strategy, capabilities: PRESETS[caps]! }));
        expect([caps, strategy, c.bugs, c.differences]).toEqual([caps, strategy, [], []]);
      }
  });
});

describe('realisation', () => {
  const rule = (scheduler: 'rr' | 'wrr' | 'sh', weights: number[]) => ({ type: 'lb' as const, name: 'x', daddr: '10.0.0.1', protocol: 'tcp' as const, port: 80, scheduler, mode: 'nat' as const, backends: weights.map((w, i) => ({ to: `10.0.1.${i + 1}`, toPort: 80, weight: w })), realizes: [] });
  it('nftables chooses by numgen (rr, wrr by weight ranges) or by a hash of the source (sh); weight 0 takes nothing', () => {
    expect(lbTarget(rule('rr', [1, 1, 1]))).toBe('numgen inc mod 3 map { 0 : 10.0.1.1 . 80, 1 : 10.0.1.2 . 80, 2 : 10.0.1.3 . 80 }');
    expect(lbTarget(rule('wrr', [3, 0, 1]))).toBe('numgen inc mod 4 map { 0-2 : 10.0.1.1 . 80, 3 : 10.0.1.3 . 80 }');
    expect(lbTarget(rule('sh', [1, 1]))).toBe('jhash ip saddr mod 2 map { 0 : 10.0.1.1 . 80, 1 : 10.0.1.2 . 80 }');
    expect(lbTarget(rule('rr', [0, 2]))).toBe('10.0.1.2:80');
  });
  it('ipvsadm -R restores the whole table: NAT (masquerading) mode, the kernel\'s schedulers', () => {
    expect(renderIpvs([{ kind: 'ipvs', namespace: 'n', name: 'x', protocol: 'udp', vip: '10.0.0.1', port: 53, scheduler: 'lc', backends: [{ addr: '10.0.1.1', port: 53, weight: 2 }], realizes: [] }])).toBe('-C\n-A -u 10.0.0.1:53 -s lc\n-a -u 10.0.0.1:53 -r 10.0.1.1:53 -m -w 2\n');
  });
  it('DR and TUN are refused, naming what is missing; lc without IPVS is a deviation', () => {
    const text = readFileSync('examples/web-farm.yaml', 'utf8');
    for (const mode of ['dr', 'tun']) {
      const d = loadDesign(text.replace('mode: nat,', `mode: ${mode},`)).design!;
      const e = (() => { try { compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! }); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(mode === 'dr' ? /mode dr: that needs IPVS .*this kernel has no IPVS/ : /mode tun: .*IP-in-IP .*no IPVS and no IPIP/);
    }
    const lc = compile(loadDesign(text.replace('scheduler: rr,', 'scheduler: lc,')).design!, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    expect(lc.deviations.map((x) => x.code)).toEqual(['lb-lc-as-rr']);
  });
  it('a command line splits like a shell splits it, and nothing is expanded', () => {
    expect(splitWords(`python3 -m http.server 8000`)).toEqual(['python3', '-m', 'http.server', '8000']);
    expect(splitWords(`sh -c 'echo $HOME; ls *' "a \\"b\\"" c\\ d`)).toEqual(['sh', '-c', 'echo $HOME; ls *', 'a "b"', 'c d']);
    expect(splitWords(`echo "open`)).toBeUndefined();
    expect(splitWords(`  `)).toEqual([]);
  });
});
