// Firewalls in the semantics: which chain a rule is in, stateful and stateless filtering, deny
// and reject, port forwards through "dnat" rules, what the twin's nftables table says, the
// checks verify makes where a rule decides by port, and the reasoning validation does on rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { covers, decideForAnySource, shadowed } from '../../src/model/checks/firewall-steps.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { parseIp } from '../../src/model/ip.js';
import type { Design } from '../../src/model/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { renderNft } from '../../src/render/nft.js';
import { compare } from '../../src/semantics/compare.js';
import { nodeFirewall, ruleChains } from '../../src/semantics/firewall.js';
import { designModel } from '../../src/semantics/from-design.js';
import { pair, reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';

function load(text: string): Design {
  const r = loadDesign(text);
  expect(r.errors).toEqual([]);
  return r.design!;
}
const office = () => loadDesignFile('examples/office.yaml').design!;
/** The office example with its router's firewall replaced by `fw` (YAML of the `firewall:` value). */
function officeWith(fw: string): Design {
  const text = readFileSync('examples/office.yaml', 'utf8');
  const start = text.indexOf('    firewall:\n      zones:');
  const end = text.indexOf('\n  isp:');
  return load(`${text.slice(0, start)}    firewall: ${fw}\n${text.slice(end)}`);
}

describe('which chain a rule is in', () => {
  const ifs = (xs: string[]) => xs.map((x) => (x === 'inside' ? 'lan' : x === 'outside' ? 'wan' : x));
  it.each([
    [{}, [['input', undefined, undefined], ['forward', undefined, undefined]]],
    [{ to: ['self'] }, [['input', undefined, undefined]]],
    [{ from: ['self'] }, [['output', undefined, undefined]]],
    [{ from: ['inside'], to: ['outside'] }, [['forward', ['lan'], ['wan']]]],
    [{ from: ['outside'] }, [['input', ['wan'], undefined], ['forward', ['wan'], undefined]]],
    [{ from: ['self'], to: ['outside'] }, [['output', undefined, ['wan']]]],
    [{ from: ['self'], to: ['self'] }, []],
  ])('%j', (r, chains) => expect(ruleChains(r, ifs)).toEqual(chains));
});

describe('the office: inside may go out, the outside may not come in except through the port forward', () => {
  const d = office();
  const r = reachability(designModel(d));
  const at = (a: string, b: string) => pair(r, `iface:${a}`, `iface:${b}`);
  it('the ISP, which routes the LAN to the router, reaches no inside PC; the trace names the rule', () => {
    expect(at('isp/eth0', 'pc1/eth0')).toMatchObject({ reach: false });
    const t = traceOffline(d, 'isp', 'pc1');
    expect(t.verdict).toBe('dropped');
    expect(t.why).toBe('blocked by rtr firewall rule 4 (deny outside → inside)');
    expect(t.request.at(-1)!.realizes).toEqual(['firewall:rtr/3']);
  });
  it('inside hosts reach the ISP, and the reply comes back as an established connection', () => {
    expect(at('pc1/eth0', 'isp/eth0')).toMatchObject({ reach: true, seenFrom: '203.0.113.2' });
    const t = traceOffline(d, 'pc1', 'isp');
    expect(t.reply.some((h) => h.action === 'filter' && h.detail === 'firewall forward: accepted by an established connection')).toBe(true);
  });
  it('the port forward lands on the web server from outside, through the "dnat" rule and the server\'s own filter', () => {
    const t = traceOffline(d, 'isp', '203.0.113.2', { tcpPort: 8080 });
    expect(t.verdict).toBe('delivered');
    expect(t.request.filter((h) => h.action === 'filter').map((h) => h.detail)).toEqual(['firewall forward: accepted by rule 3 (allow outside → inside port forwards)', 'firewall input: accepted by rule 1 (allow any → any tcp/80)']);
  });
  it('a reject names itself; the server takes web and ping only', () => {
    expect(traceOffline(d, 'pc1', 'isp', { tcpPort: 25 }).why).toBe('rejected by rtr firewall rule 1 (reject inside → outside tcp/25)');
    expect(traceOffline(d, 'pc1', 'web', { tcpPort: 22 }).why).toBe('blocked by web firewall input policy drop');
    expect(traceOffline(d, 'pc1', 'web', { tcpPort: 80 }).verdict).toBe('delivered');
  });
  it('verify gets a connection where a rule decides by port: at the port and just outside it', () => {
    const ports = r.tcp.filter((t) => t.kind === 'port').map((t) => `${t.node} ${t.protocol}/${t.port} ${t.rule}`);
    expect(ports).toEqual(['isp tcp/25 firewall:rtr/0', 'isp tcp/26 firewall:rtr/0', 'rtr tcp/22 firewall:rtr/4', 'rtr tcp/23 firewall:rtr/4', 'rtr udp/123 firewall:rtr/5', 'rtr udp/124 firewall:rtr/5', 'web tcp/80 firewall:web/0', 'web tcp/81 firewall:web/0']);
    const ssh = r.tcp.find((t) => t.port === 22)!;
    expect(ssh.fromClass.get(r.classOf.get('iface:pc1/eth0')!)).toBe(true);
    expect(ssh.fromClass.get(r.classOf.get('iface:isp/eth0')!)).toBe(false);
    const ntp = r.tcp.find((t) => t.protocol === 'udp' && t.port === 123)!;
    expect(ntp.fromClass.get(r.classOf.get('iface:pc1/eth0')!)).toBe(true);
    expect(ntp.fromClass.get(r.classOf.get('iface:isp/eth0')!)).toBe(false);
    expect(r.tcp.find((t) => t.protocol === 'udp' && t.port === 124)!.fromClass.get(r.classOf.get('iface:pc1/eth0')!)).toBe(false);
  });
  it('every strategy builds the same firewall: the twin and the design agree', () => {
    for (const strategy of ['faithful', 'compact', 'ovs'] as const) expect(compare(d, compile(d, { strategy, capabilities: PRESETS.minimal! })).bugs).toEqual([]);
  });
  it("the twin's table: stateful, loopback, the rules in order with their refs, the policies", () => {
    const plan = compile(d, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    const nft = plan.objects.find((o) => o.kind === 'nft' && o.namespace === 'vn-office-rtr' && o.filter)!;
    const text = renderNft(nft as Parameters<typeof renderNft>[0]);
    expect(text).toContain('table inet vnetmap-fw {');
    expect(text).toContain('type filter hook forward priority filter; policy drop;');
    expect(text).toContain('    iifname "lan" oifname "wan" tcp dport 25 reject with tcp reset comment "firewall:rtr/0"');
    expect(text).toContain('    iifname "wan" oifname "lan" ct status dnat accept comment "firewall:rtr/2"');
    expect(text.indexOf('ct state established,related accept')).toBeLessThan(text.indexOf('firewall:rtr/0'));
  });
});

describe('stateless firewalls and policies', () => {
  it('without state, the reply needs a rule of its own', () => {
    const d = officeWith('{ stateful: false, forward: drop, zones: { inside: [lan], outside: [wan] }, rules: [{ action: allow, from: inside, to: outside }] }');
    const t = traceOffline(d, 'pc1', 'isp');
    expect(t.verdict).toBe('dropped');
    expect(t.why).toBe('reply lost: blocked by rtr firewall forward policy drop');
    const both = officeWith('{ stateful: false, forward: drop, zones: { inside: [lan], outside: [wan] }, rules: [{ action: allow, from: inside, to: outside }, { action: allow, from: outside, to: inside, protocol: icmp, icmp-type: echo-reply }] }');
    expect(traceOffline(both, 'pc1', 'isp').verdict).toBe('delivered');
  });
  it('a reject policy rejects; the output chain filters what the node sends', () => {
    const d = officeWith('{ input: reject, output: drop, zones: { inside: [lan], outside: [wan] }, rules: [{ action: allow, from: self, to: inside }] }');
    expect(traceOffline(d, 'isp', 'rtr/wan').why).toBe('rejected by rtr firewall input policy reject');
    expect(traceOffline(d, 'rtr/wan', 'isp').why).toBe('blocked by rtr firewall output policy drop');
    expect(traceOffline(d, 'rtr/lan', 'pc1').verdict).toBe('delivered');
  });
  it('rules naming nodes match their addresses', () => {
    const d = officeWith('{ forward: drop, zones: { inside: [lan], outside: [wan] }, rules: [{ action: allow, from: inside, to: outside, source: pc2 }] }');
    expect(traceOffline(d, 'pc1', 'isp').verdict).toBe('dropped');
    expect(traceOffline(d, 'pc2', 'isp').verdict).toBe('delivered');
  });
});

describe('reasoning over rules (validation)', () => {
  const d = load(`
name: fw
nodes:
  gw:
    kind: router
    interfaces: { lan: { address: 10.0.0.1/24 }, wan: { address: 10.1.0.1/24 } }
    firewall:
      zones: { inside: [lan], outside: [wan] }
      forward: drop
      rules:
        - { action: allow, from: inside, protocol: tcp, port: "1-1024" }
        - { action: deny, from: inside, to: outside, protocol: tcp, port: [22, 80] }
        - { action: deny, source: 10.0.0.0/8, protocol: udp }
        - { action: allow, from: inside, to: outside, source: 10.0.0.0/25, protocol: udp, port: 53 }
`);
  const n = d.nodes.find((x) => x.name === 'gw')! as Parameters<typeof nodeFirewall>[0];
  const fw = nodeFirewall(n, () => undefined)!;
  it('an earlier rule that matches everything a later one would shadows it', () => {
    expect([...shadowed(fw)]).toEqual([
      [2, [1]],
      [4, [3]],
    ]);
    expect(covers({ protocol: 'tcp', dports: [[1, 1024]] }, { protocol: 'tcp', dports: [[22, 22]], iif: ['lan'] })).toBe(true);
    expect(covers({ protocol: 'tcp', dports: [[1, 1024]] }, { protocol: 'udp', dports: [[22, 22]] })).toBe(false);
    expect(covers({ saddr: [{ network: parseIp('10.0.0.0')!, prefix: 8 }] }, {})).toBe(false);
  });
  it('whatever the source: a rule with a source lets some through; the first rule without one decides', () => {
    expect(decideForAnySource(fw, 'forward', { dst: 1, proto: 'udp', dport: 53, iif: 'lan', oif: 'wan', dnat: false })).toBeUndefined();
    expect(decideForAnySource(fw, 'forward', { dst: 1, proto: 'udp', dport: 54, iif: 'lan', oif: 'wan', dnat: false })).toEqual({ verdict: 'drop' });
    expect(decideForAnySource(fw, 'forward', { dst: 1, proto: 'tcp', dport: 2000, iif: 'lan', oif: 'wan', dnat: false })).toEqual({ verdict: 'drop' });
  });
});
