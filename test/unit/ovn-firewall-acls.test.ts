// The ACLs a router's firewall becomes (firewall-acls.ts) decide every first packet as the
// design's firewall does. Each ACL's match is read back with a small evaluator of the OVN
// expressions the translation writes; random packets entering the router through each of its
// interfaces are decided by the switch's highest-priority matching from-lport ACL, and by the
// semantics (semantics/firewall.ts `evaluate`) on the chain Linux would use: input when the
// destination is the router's own, forward otherwise (out of the interface its routes give),
// after a port forward's or balancer's translation when the packet is for one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contains, parseCidr } from '../../src/model/ip.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import type { Design } from '../../src/model/types.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import type { OvnPlan, RouterPort, SwitchAcl } from '../../src/engines/ovn/plan/types.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { designAddresses, evaluate, nodeFirewall } from '../../src/semantics/firewall.js';
import { routerNat } from '../../src/semantics/nat-rules.js';
import { lbSteps } from '../../src/semantics/services.js';

const ip = (s: string): number => parseCidr(s.includes('/') ? s : `${s}/32`)!.ip;

interface Pkt {
  mac: string;
  src: number;
  dst: number;
  proto: 'tcp' | 'udp' | 'icmp';
  dport: number;
  icmpType: number;
}

/** The OVN expressions firewall-acls.ts writes: && and || (parenthesised), ==/!=/>=/<= on a few fields, sets, prefixes. */
function holds(match: string, p: Pkt): boolean {
  const toks = match.match(/\(|\)|&&|\|\||==|!=|>=|<=|\{[^}]*\}|[^\s()]+/g)!;
  let i = 0;
  const field = (f: string): number | string | undefined =>
    ({ 'eth.dst': p.mac, 'ip4.src': p.src, 'ip4.dst': p.dst, 'tcp.dst': p.proto === 'tcp' ? p.dport : undefined, 'udp.dst': p.proto === 'udp' ? p.dport : undefined, 'icmp4.type': p.proto === 'icmp' ? p.icmpType : undefined })[f];
  const eq = (v: number | string, c: string): boolean => (typeof v === 'string' ? v === c : c.includes('.') ? contains(parseCidr(c.includes('/') ? c : `${c}/32`)!, v) : v === Number(c));
  const primary = (): boolean => {
    const t = toks[i++]!;
    if (t === '(') {
      const v = or();
      i++; // ')'
      return v;
    }
    if (t === 'ip4') return true;
    if (t === 'tcp' || t === 'udp') return p.proto === t;
    if (t === 'icmp4') return p.proto === 'icmp';
    const op = toks[i++]!;
    const c = toks[i++]!;
    const v = field(t);
    if (v === undefined) return false; // a field the packet lacks: OVN's prerequisite fails
    const consts = c.startsWith('{') ? c.slice(1, -1).split(',').map((x) => x.trim()) : [c];
    if (op === '==') return consts.some((x) => eq(v, x));
    if (op === '!=') return consts.every((x) => !eq(v, x));
    if (op === '>=') return (v as number) >= Number(c);
    if (op === '<=') return (v as number) <= Number(c);
    throw new Error(`operator ${op} in ${match}`);
  };
  const and = (): boolean => {
    let v = primary();
    while (toks[i] === '&&') {
      i++;
      v = primary() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (toks[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

/** The verdict of the switch's ACLs for a packet from one of its workloads: the highest-priority match, else allowed. */
function aclVerdict(acls: SwitchAcl[], p: Pkt): 'accept' | 'drop' | 'reject' {
  const hit = acls.filter((a) => a.direction === 'from-lport' && holds(a.match, p)).sort((a, b) => b.priority - a.priority);
  const tops = hit.filter((a) => a.priority === hit[0]?.priority);
  expect(new Set(tops.map((a) => a.action)).size).toBeLessThanOrEqual(1); // equal priorities never disagree
  const a = hit[0]?.action ?? 'allow-related';
  return a === 'allow-related' ? 'accept' : a;
}

function check(design: Design, router: string, runs: number): void {
  const plan = ovnEngine.compile(design, { capabilities: PRESETS.minimal!, chassis: 2 }) as OvnPlan;
  const n = design.nodes.find((x) => x.name === router)!;
  if (n.kind !== 'router' && n.kind !== 'l3-switch') throw new Error('not a router');
  const fw = nodeFirewall(n, designAddresses(design))!;
  const ports = plan.logical.filter((o): o is RouterPort => o.kind === 'lrp' && o.lr.endsWith(`.${router}`));
  const lsOf = new Map(plan.logical.flatMap((o) => (o.kind === 'lsp' && o.routerPort ? [[o.routerPort, o.ls] as const] : [])));
  const own = ports.flatMap((p) => p.networks.map((x) => ip(x)));
  // Linux's routing and DNAT on the design: connected networks, routes, the default gateway.
  const routes = [
    ...ports.flatMap((p) => p.networks.map((x) => ({ net: parseCidr(x)!, dev: p.dev }))),
    ...plan.logical.flatMap((o) => {
      if (o.kind !== 'lr-route' || !o.lr.endsWith(`.${router}`)) return [];
      const dev = ports.find((p) => p.networks.some((x) => contains(parseCidr(x)!, ip(o.nexthop))))?.dev;
      return dev ? [{ net: parseCidr(o.prefix)!, dev }] : [];
    }),
  ];
  const route = (dst: number) => routes.filter((r) => contains(r.net, dst)).sort((a, b) => b.net.prefix - a.net.prefix)[0]?.dev;
  const nat = [...(n.kind === 'router' ? lbSteps(n) : []), ...(n.kind === 'router' ? routerNat(n) : [])];
  // Addresses and ports worth trying: every address and port the design names, and their neighbours.
  const addrs = [...new Set([...own, ...design.nodes.flatMap((x) => designAddresses(design)(x.name) ?? []), ip('8.8.8.8'), ip('198.51.100.99'), ip('10.0.1.99')])];
  const ports_ = [...new Set([22, 25, 26, 53, 80, 443, 2222, 8000, 8010, 8011, 5353, 1])];
  const pkt = fc.record({ port: fc.constantFrom(...ports.filter((p) => lsOf.has(p.name))), src: fc.constantFrom(...addrs), dst: fc.constantFrom(...addrs), proto: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const), dport: fc.constantFrom(...ports_), icmpType: fc.constantFrom(0, 3, 8) });
  const acls = plan.logical.filter((o): o is SwitchAcl => o.kind === 'acl');
  fc.assert(
    fc.property(pkt, (x) => {
      const p: Pkt = { mac: x.port.mac, src: x.src, dst: x.dst, proto: x.proto, dport: x.proto === 'icmp' ? 0 : x.dport, icmpType: x.icmpType };
      const iif = x.port.dev;
      // The design: prerouting DNAT (a balancer anywhere in Linux, but OVN only through its gateway port: the twin's model says so too), then the chain.
      let dst = p.dst;
      let dport = p.dport;
      let dnat = false;
      for (const r of nat) {
        if (p.proto === 'icmp' || (r.type !== 'lb' && r.type !== 'dnat') || r.protocol !== p.proto || r.port !== p.dport) continue;
        if (r.type === 'lb' && r.daddr === p.dst && x.port.gatewayChassis && x.port.networks.some((y) => ip(y) === r.daddr)) [dst, dport, dnat] = [r.backends[0]!.to, r.backends[0]!.toPort, true];
        else if (r.type === 'dnat' && r.in === iif && (r.daddr === undefined || r.daddr === p.dst)) [dst, dport, dnat] = [r.to, r.toPort, true];
        else continue;
        break;
      }
      const local = !dnat && own.includes(dst);
      const oif = local ? undefined : route(dst);
      const want = evaluate(fw, local ? 'input' : 'forward', { src: p.src, dst, proto: p.proto, dport, ...(p.proto === 'icmp' ? { icmpType: p.icmpType } : {}), iif, ...(oif ? { oif } : {}), dnat, established: false });
      if (!local && !oif) return; // no route: the router drops it whatever the firewall says
      const got = aclVerdict(acls.filter((a) => a.ls === lsOf.get(x.port.name)), p);
      expect({ got, packet: x }).toEqual({ got: want.verdict, packet: x });
    }),
    { numRuns: runs, seed: 7 },
  );
}

const FW3 = `
name: fw3
nodes:
  out1: { kind: external, interfaces: { eth0: { address: 198.51.100.10/24 } }, gateway: 198.51.100.1 }
  dmz1: { kind: host, interfaces: { eth0: { address: 10.0.2.10/24 } }, gateway: 10.0.2.1 }
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.1.11/24 } }, gateway: 10.0.1.1 }
  pc2: { kind: host, interfaces: { eth0: { address: 10.0.1.12/24 } }, gateway: 10.0.1.1 }
  core1: { kind: host, interfaces: { eth0: { address: 10.0.3.2/24 } }, gateway: 10.0.3.1 }
  fw:
    kind: router
    interfaces:
      wan: { address: 198.51.100.1/24 }
      lan: { address: 10.0.1.1/24 }
      dmz: { address: 10.0.2.1/24 }
      core: { address: 10.0.3.1/24 }
    gateway: 198.51.100.10
    routes:
      - { to: 10.9.0.0/16, via: 10.0.3.2 }
    firewall:
      zones: { outside: [wan], inside: [lan, core], dmz: [dmz] }
      input: reject
      forward: drop
      rules:
        - { action: allow, from: outside, to: dmz, protocol: tcp, port: "8000-8010" }
        - { action: reject, from: outside, to: dmz, protocol: udp, port: [53, 5353] }
        - { action: allow, from: outside, to: dmz, protocol: icmp, icmp-type: echo-request }
        - { action: deny, from: inside, to: dmz, source: pc2 }
        - { action: allow, from: inside, to: dmz }
        - { action: allow, from: inside, to: outside, destination: 198.51.100.0/25 }
        - { action: allow, from: lan, to: core }
        - { action: allow, from: dmz, to: outside, protocol: udp }
        - { action: deny, to: self, protocol: tcp, port: 22, source: 10.0.2.0/24 }
        - { action: allow, to: self, protocol: tcp, port: 22 }
        - { action: allow, to: self, protocol: icmp }
  sw: { kind: switch }
links:
  - endpoints: [out1:eth0, fw:wan]
  - endpoints: [dmz1:eth0, fw:dmz]
  - endpoints: [pc1:eth0, sw:p1]
  - endpoints: [pc2:eth0, sw:p2]
  - endpoints: [fw:lan, sw:p3]
  - endpoints: [fw:core, core1:eth0]
`;

// The firewall filters only what comes in from outside: its inside, a transit link to another
// router, needs no ACL — and so no refusal (OVN would not track that router's packets).
const EDGE = `
name: edge
nodes:
  isp: { kind: external, interfaces: { eth0: { address: 198.51.100.10/24 } }, gateway: 198.51.100.1 }
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.1.11/24 } }, gateway: 10.0.1.1 }
  core:
    kind: router
    interfaces:
      up: { address: 10.0.0.2/30 }
      lan: { address: 10.0.1.1/24 }
    gateway: 10.0.0.1
  edge:
    kind: router
    interfaces:
      in: { address: 10.0.0.1/30 }
      wan: { address: 198.51.100.1/24 }
    routes:
      - { to: 10.0.1.0/24, via: 10.0.0.2 }
    firewall:
      zones: { outside: [wan] }
      rules:
        - { action: deny, from: outside, protocol: tcp, port: 23 }
        - { action: reject, from: outside, to: self }
links:
  - endpoints: [isp:eth0, edge:wan]
  - endpoints: [edge:in, core:up]
  - endpoints: [core:lan, pc1:eth0]
`;

describe('a router firewall as OVN ACLs decides every first packet as the design does', () => {
  it('office-farm: port forward, source-hash balancer, inside/outside zones, input policy', () => {
    check(loadDesignFile('examples/office-farm.yaml').design!, 'rtr', 3000);
  });
  it('office: NAT router with an input policy', () => {
    check(loadDesignFile('examples/office.yaml').design!, 'rtr', 2000);
  });
  it('four zones, a static route, port ranges and lists, ICMP types, node names, reject policies', () => {
    const d = loadDesign(FW3, 'fw3.yaml');
    expect(d.errors).toEqual([]);
    check(d.design!, 'fw', 5000);
  });
  it('a firewall that filters only one interface: no ACL on the others, so another router may share them', () => {
    const d = loadDesign(EDGE, 'edge.yaml');
    expect(d.errors).toEqual([]);
    check(d.design!, 'edge', 2000);
    const plan = ovnEngine.compile(d.design!, { capabilities: PRESETS.minimal!, chassis: 2 }) as OvnPlan;
    expect(new Set(plan.logical.flatMap((o) => (o.kind === 'acl' ? [o.ls] : [])))).toEqual(new Set(['edge.d1']));
  });
});

describe('what the OVN twin of a firewall or balancer declares', () => {
  it('an output chain is left out, and says so (ovn-firewall-no-output)', () => {
    const d = loadDesign(EDGE.replace('      zones: { outside: [wan] }', '      zones: { outside: [wan] }\n      output: drop'), 'edge.yaml');
    expect(d.errors).toEqual([]);
    const plan = ovnEngine.compile(d.design!, { capabilities: PRESETS.minimal!, chassis: 2 }) as OvnPlan;
    expect(plan.deviations.find((x) => x.code === 'ovn-firewall-no-output')?.message).toContain('policy drop');
    expect(ovnEngine.compare(d.design!, plan).bugs).toEqual([]);
  });

  it('a balancer whose clients on a third interface are refused: ovn-lb-gateway-only names them, and the comparison finds no bug', () => {
    const d = loadDesign(
      `
name: lb3
nodes:
  client: { kind: external, interfaces: { eth0: { address: 198.51.100.10/24 } }, gateway: 198.51.100.1 }
  dmzpc: { kind: host, interfaces: { eth0: { address: 10.0.2.10/24 } }, gateway: 10.0.2.1 }
  lvs:
    kind: router
    interfaces:
      wan: { address: [198.51.100.1/24, 198.51.100.80/24] }
      lan: { address: 10.0.1.1/24 }
      dmz: { address: 10.0.2.1/24 }
    services:
      - { kind: load-balancer, name: web, vip: 198.51.100.80, port: 80, scheduler: sh, mode: nat, backends: [{ address: 10.0.1.11 }, { address: 10.0.1.12 }] }
  web1: { kind: host, interfaces: { eth0: { address: 10.0.1.11/24 } }, gateway: 10.0.1.1 }
  web2: { kind: host, interfaces: { eth0: { address: 10.0.1.12/24 } }, gateway: 10.0.1.1 }
  sw: { kind: switch }
links:
  - endpoints: [client:eth0, lvs:wan]
  - endpoints: [dmzpc:eth0, lvs:dmz]
  - endpoints: [lvs:lan, sw:p1]
  - endpoints: [sw:p2, web1:eth0]
  - endpoints: [sw:p3, web2:eth0]
`,
      'lb3.yaml',
    );
    expect(d.errors).toEqual([]);
    const plan = ovnEngine.compile(d.design!, { capabilities: PRESETS.minimal!, chassis: 2 }) as OvnPlan;
    expect(plan.deviations.find((x) => x.code === 'ovn-lb-gateway-only')?.affects).toEqual([{ from: 'iface:dmzpc/eth0', to: 'web1', reach: false }]);
    const cmp = ovnEngine.compare(d.design!, plan);
    expect(cmp.bugs).toEqual([]);
    expect(cmp.differences.some((x) => x.kind === 'tcp' && x.explainedBy === 'ovn-lb-gateway-only')).toBe(true);
  });
});
