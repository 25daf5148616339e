// The design-level semantics on the cases that are easy to get wrong: NAT direction, port
// forwards and hairpin NAT, the leaked broadcast domain of network B, VLAN isolation, static
// routes, asymmetric return paths, hosts that do not forward, REDIRECT, and scale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { parseCidr, parseIp } from '../../src/model/ip.js';
import type { Design } from '../../src/model/types.js';
import { broadcastDomains } from '../../src/semantics/domains.js';
import { designModel } from '../../src/semantics/from-design.js';
import { pair, reachability, type Reachability } from '../../src/semantics/reachability.js';
import { traceOffline } from '../../src/semantics/trace.js';

function load(text: string): Design {
  const r = loadDesign(text);
  expect(r.errors).toEqual([]);
  return r.design!;
}
const ref = (name: string) => (name.includes('/') ? `iface:${name}` : `iface:${name}/eth0`);
const p = (r: Reachability, a: string, b: string) => pair(r, a.startsWith('svi:') ? a : ref(a), b.startsWith('svi:') ? b : ref(b));
const tcpFrom = (r: Reachability, rule: string, from: string) => {
  const t = r.tcp.find((x) => x.rule === rule)!;
  return t.fromClass.get(r.classOf.get(ref(from))!)!;
};

describe('network B: the leaking switch and VLANs', () => {
  const r = reachability(designModel(loadDesignFile('examples/network-b.yaml').design!));
  it('pc1 and pc2 share a broadcast domain although their subnets differ, yet cannot talk', () => {
    expect(p(r, 'pc1', 'pc2')).toMatchObject({ l2: true, reach: false });
    expect(p(r, 'pc2', 'pc1')).toMatchObject({ l2: true, reach: false });
  });
  it('pc2 cannot reach its gateway (VLAN 20 SVI): no ARP answer in its domain', () => {
    const x = p(r, 'pc2', 'svi:core/20');
    expect(x).toMatchObject({ l2: false, reach: false });
    expect(x.why).toMatch(/no ARP reply for 192\.168\.20\.1/);
    // It is adjacent to the VLAN 10 SVI, but that address is in another subnet and it has no route.
    expect(p(r, 'pc2', 'svi:core/10')).toMatchObject({ l2: true, reach: false });
  });
  it('VLAN-aware sw-right keeps pc3 and pc4 apart; the L3 switch routes between them', () => {
    expect(p(r, 'pc3', 'pc4')).toMatchObject({ l2: false, reach: true });
    expect(p(r, 'pc1', 'pc3')).toMatchObject({ l2: true, reach: true });
    expect(p(r, 'pc5', 'pc6')).toMatchObject({ l2: true, reach: true });
  });
  it('the port forward to pc6 works from the outside only', () => {
    expect(tcpFrom(r, 'forward:gw/0', 'internet')).toBe(true);
    expect(tcpFrom(r, 'forward:gw/0', 'pc1')).toBe(false);
    expect(tcpFrom(r, 'forward:gw/0', 'pc6')).toBe(false);
  });
});

describe('network A: NAT direction', () => {
  const d = loadDesignFile('examples/network-a.yaml').design!;
  const r = reachability(designModel(d));
  it('inside starts connections out (masquerade, stateful); outside cannot start them in', () => {
    expect(p(r, 'pc3', 'internet').reach).toBe(true);
    const back = p(r, 'internet', 'pc3');
    expect(back.reach).toBe(false);
    expect(back.why).toMatch(/^internet has no route to 192\.168\.1\./); // (the reason is the class representative's)
    expect(p(r, 'internet', 'gw/wan').reach).toBe(true);
    expect(p(r, 'internet', 'gw/lan').reach).toBe(false);
  });
  it('the reply to a masqueraded ping is translated back by conntrack', () => {
    const t = traceOffline(d, 'pc3', 'internet');
    expect(t.verdict).toBe('delivered');
    expect(t.request.find((h) => h.action === 'snat')?.detail).toMatch(/192\.168\.1\.13 => 203\.0\.113\.2/);
    expect(t.reply.find((h) => h.action === 'un-nat')?.node).toBe('gw');
  });
  it('hairpin NAT lets inside hosts use the public port; without it they cannot', () => {
    expect(tcpFrom(r, 'forward:gw/0', 'pc2')).toBe(false);
    const text = readFileSync('examples/network-a.yaml', 'utf8').replace('    nat:\n', '    nat:\n      hairpin: true\n');
    const h = reachability(designModel(load(text)));
    expect(tcpFrom(h, 'forward:gw/0', 'pc2')).toBe(true);
    expect(tcpFrom(h, 'forward:gw/0', 'internet')).toBe(true);
    const t = traceOffline(load(text), 'pc2', '203.0.113.2', { tcpPort: 8080 });
    expect(t.request.map((x) => x.action)).toEqual(expect.arrayContaining(['dnat', 'snat']));
    expect(t.landed).toBe('pc1 192.168.1.11:80');
  });
});

const chain = (r2Routes: string, midForwards = true) => `
name: chain
nodes:
  h1: { kind: host, interfaces: { eth0: { address: 10.1.0.10/24 } }, gateway: 10.1.0.1 }
  h2: { kind: host, interfaces: { eth0: { address: 10.2.0.10/24 } }, gateway: 10.2.0.1 }
  r1:
    kind: ${midForwards ? 'router' : 'host'}
    interfaces: { a: { address: 10.1.0.1/24 }, b: { address: 10.12.0.1/30 } }
    routes: [{ to: 10.2.0.0/24, via: 10.12.0.2 }]
  r2:
    kind: router
    interfaces: { a: { address: 10.12.0.2/30 }, b: { address: 10.2.0.1/24 } }
${r2Routes}
links:
  - endpoints: [h1:eth0, r1:a]
  - endpoints: [r1:b, r2:a]
  - endpoints: [r2:b, h2:eth0]
`;

describe('routing', () => {
  it('static routes both ways: reachable over two routers', () => {
    const r = reachability(designModel(load(chain('    routes: [{ to: 10.1.0.0/24, via: 10.12.0.1 }]'))));
    expect(p(r, 'h1', 'h2')).toMatchObject({ reach: true, l2: false });
    expect(p(r, 'h2', 'h1').reach).toBe(true);
  });
  it('a missing return route fails the round trip although the request arrives', () => {
    const d = load(chain(''));
    const r = reachability(designModel(d));
    const x = p(r, 'h1', 'h2');
    expect(x.reach).toBe(false);
    expect(x.why).toMatch(/^reply lost: r2 has no route to 10\.1\.0\.10/);
    const t = traceOffline(d, 'h1', 'h2');
    expect(t.request.at(-1)!.action).toBe('deliver');
    expect(t.reply.at(-1)!.action).toBe('drop');
  });
  it('hosts do not forward, even with two interfaces on the path', () => {
    const r = reachability(designModel(load(chain('    routes: [{ to: 10.1.0.0/24, via: 10.12.0.1 }]', false))));
    const x = p(r, 'h1', 'h2');
    expect(x.reach).toBe(false);
    expect(x.why).toMatch(/r1 does not forward/);
    expect(p(r, 'h1', 'r1/b').reach).toBe(true); // its own other address is local, not forwarded
  });
});

describe('REDIRECT', () => {
  const d = load(`
name: redir
nodes:
  pc: { kind: host, interfaces: { eth0: { address: 192.168.5.10/24 } }, gateway: 192.168.5.1 }
  gw:
    kind: router
    interfaces: { lan: { address: 192.168.5.1/24 }, wan: { address: 198.51.100.2/24 } }
    nat:
      masquerade: [{ out: wan }]
      redirects: [{ in: lan, protocol: tcp, port: 80, to-port: 3128 }]
  out: { kind: external, interfaces: { eth0: { address: 198.51.100.1/24 } } }
links:
  - endpoints: [pc:eth0, gw:lan]
  - endpoints: [gw:wan, out:eth0]
`);
  it('lands on the router itself, from the interface it captures only', () => {
    const r = reachability(designModel(d));
    const t = r.tcp.find((x) => x.rule === 'redirect:gw/0')!;
    expect(t.target).toMatchObject({ node: 'gw', port: 3128 });
    expect(tcpFrom(r, 'redirect:gw/0', 'pc')).toBe(true);
    expect(tcpFrom(r, 'redirect:gw/0', 'out')).toBe(false);
  });
});

describe('scale', () => {
  it('10,000 hosts in 100 subnets collapse into a handful of classes; pairs come from them', () => {
    // Built as a resolved Design directly: the YAML loader's own speed is not under test here.
    const nodes: Design['nodes'] = [];
    const links: Design['links'] = [];
    const plain = { mode: 'plain' } as const;
    const link = (a: string, ap: string, b: string, bp: string) =>
      links.push({ index: links.length + 1, ends: [{ node: a, port: ap, mode: plain, path: [] }, { node: b, port: bp, mode: plain, path: [] }], path: [] });
    const core: Design['nodes'][number] = { kind: 'l3-switch', name: 'core', svis: [], stp: false, interfaces: [], routes: [], hosts: {}, path: [] };
    for (let s = 0; s < 100; s++) {
      nodes.push({ kind: 'switch', name: `sw${s}`, vlanAware: false, stp: false, hairpin: [], path: [] });
      core.interfaces.push({ node: 'core', name: `n${s}`, addresses: [parseCidr(`10.${s}.0.1/16`)!], path: [] });
      link(`sw${s}`, 'up', 'core', `n${s}`);
      for (let h = 0; h < 100; h++) {
        const name = `h${s}x${h}`;
        nodes.push({ kind: 'host', name, interfaces: [{ node: name, name: 'eth0', addresses: [parseCidr(`10.${s}.1.${h + 2}/16`)!], path: [] }], gateway: parseIp(`10.${s}.0.1`)!, routes: [], hosts: {}, path: [] });
        link(name, 'eth0', `sw${s}`, `p${h}`);
      }
    }
    nodes.push(core);
    const d: Design = { name: 'big', file: 'big', nodes, links, mapping: { strategy: 'faithful', macvlanMode: 'bridge', servers: {} } };
    const m = designModel(d, broadcastDomains(d));
    expect(m.domains.domains.length).toBe(100);
    const r = reachability(m);
    expect(m.endpoints.length).toBe(10_100);
    // one class per subnet of hosts, one per core interface
    expect(r.classes.length).toBe(200);
    expect(pair(r, 'iface:h3x7/eth0', 'iface:h3x8/eth0')).toMatchObject({ reach: true, l2: true });
    expect(pair(r, 'iface:h3x7/eth0', 'iface:h99x0/eth0')).toMatchObject({ reach: true, l2: false });
  });
});
