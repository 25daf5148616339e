// The semantics of dynamic routing, cuts and tunnels, offline: OSPF re-converges around a cut
// link, a flow across ECMP that ends otherwise on another path is unstable, a tunnel joins
// nothing once its underlay is cut, and zebra's JSON is read as verify reads it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { formatNet } from '../../src/model/ip.js';
import { designWithCuts, type Cut } from '../../src/semantics/cuts.js';
import { roundTrip } from '../../src/semantics/forward.js';
import { designModel } from '../../src/semantics/from-design.js';
import { parseIp } from '../../src/model/ip.js';
import { diffTables, expectedTables, parseZebraRoutes } from '../../src/verify/routes-phase.js';

const cut = (ref: string, end: string): Cut => ({ ref, end, namespace: null, dev: end.split(':')[1]!, at: '' });
const design = (file: string) => loadDesignFile(`examples/${file}.yaml`).design!;
const routesOf = (d: ReturnType<typeof design>, node: string) => (designModel(d).routing?.routes.get(node) ?? []).map((r) => `${formatNet(r)} via ${r.nexthops.map((h) => h.dev).join('+')} cost ${r.metric}`);

describe('dynamic routing in the semantics', () => {
  it('OSPF takes the cheaper way round, and the costlier one once a link on it is cut', () => {
    const d = design('ospf-triangle');
    expect(routesOf(d, 'r1')).toContain('10.3.0.0/24 via b cost 30');
    const cutD = designWithCuts(d, [cut('link:3', 'r1:b')]);
    expect(routesOf(cutD, 'r1')).toContain('10.3.0.0/24 via c cost 40');
    // r2 lost r1: nothing of r1's side is announced to it any more except through r3.
    expect(routesOf(cutD, 'r2')).toContain('10.1.0.0/24 via c cost 50');
  });

  it('BGP: prepend and local-pref pick the way through r2', () => {
    const d = design('bgp-three-as');
    const m = designModel(d);
    const via = (node: string, to: string) => m.routing!.routes.get(node)!.find((r) => formatNet(r) === to)!.nexthops.map((h) => h.dev);
    expect(via('r3', '10.1.0.0/24')).toEqual(['b']);
    expect(via('r1', '10.3.0.0/24')).toEqual(['b']);
    expect(m.routing!.sessions.every((s) => s.up)).toBe(true);
  });

  it('a flow whose equal-cost paths end differently is unstable, one whose paths agree is not', () => {
    const d = design('ospf-campus');
    const m = designModel(d);
    const pc1 = parseIp('10.10.0.11')!;
    expect(roundTrip(m, 'pc1', pc1, parseIp('10.20.0.12')!, 'icmp').unstable).toBeUndefined();
    const cutM = designModel(designWithCuts(d, [cut('link:8', 'core1:peer')]));
    // core2's peer address stays on core2 without carrier: only the flows hashed to core2 get an answer.
    const rt = roundTrip(cutM, 'pc1', pc1, parseIp('10.255.0.2')!, 'icmp');
    expect(rt.unstable).toMatch(/ECMP/);
  });
});

describe('tunnels in the semantics', () => {
  it('a VXLAN tunnel joins the two servers\' networks while the underlay carries it, and nothing once it is cut', () => {
    const d = design('vxlan-servers');
    const dom = (x: typeof d) => designModel(x).domains.domains.map((k) => k.members.map((m) => m.node).filter((n) => n.startsWith('pc')).sort().join(' ')).filter(Boolean);
    expect(dom(d)).toEqual(expect.arrayContaining(['pc1 pc3', 'pc2 pc6']));
    const cutD = designWithCuts(d, [cut('link:3', 'core:c')]);
    expect(dom(cutD)).toEqual(expect.arrayContaining(['pc1', 'pc3', 'pc2 pc6']));
  });

  it('a tunnel whose ends have no route to each other is refused with the reason', () => {
    const r = loadDesign(readFileSync('test/errors/102-tunnel-unreachable.yaml', 'utf8'));
    expect(r.errors.map((e) => e.code)).toEqual(['E-TUNNEL-UNREACHABLE']);
    expect(r.errors[0]!.message).toMatch(/r1 has no route to 10\.0\.2\.2/);
  });
});

describe("verify's reading of zebra", () => {
  it('keeps selected OSPF and BGP routes by the addresses packets go to, and diffs them against the expectation', () => {
    const json = JSON.stringify({
      '10.3.0.0/24': [{ protocol: 'ospf', selected: true, nexthops: [{ ip: '10.0.12.2', active: true, fib: true }, { ip: '10.0.13.2', active: true }] }],
      '10.0.12.0/30': [{ protocol: 'ospf', selected: false, nexthops: [{ ip: '10.0.12.2' }] }, { protocol: 'connected', selected: true, nexthops: [{}] }],
      '10.9.0.0/24': [{ protocol: 'bgp', selected: true, nexthops: [{ ip: '10.9.9.9', recursive: true }, { ip: '10.0.12.2', active: true, fib: true }] }],
    });
    const live = parseZebraRoutes(json);
    expect([...live]).toEqual([
      ['10.3.0.0/24', { proto: 'ospf', vias: ['10.0.12.2', '10.0.13.2'] }],
      ['10.9.0.0/24', { proto: 'bgp', vias: ['10.0.12.2'] }],
    ]);
    const want = expectedTables(designModel(design('ospf-triangle')).routing, ['r1']);
    const diffs = diffTables(want, new Map([['r1', live]]));
    expect(diffs.map((x) => x.prefix)).toEqual(['10.0.23.0/30', '10.3.0.0/24', '10.9.0.0/24']);
  });
});
