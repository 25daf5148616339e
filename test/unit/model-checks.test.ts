// Check behaviour the error corpus cannot show: what must NOT be reported (valid designs that
// look suspicious), crash containment, and that no input makes validation throw.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/model/checks/index.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';

const codes = (text: string) => {
  const r = loadDesign(text, 't.yaml');
  return [...r.errors, ...r.warnings].map((p) => p.code);
};

const BASE = `name: t
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.0.1/24 } }, gateway: 10.0.0.254 }
  pc2: { kind: host, interfaces: { eth0: { address: 10.0.0.2/24 } }, gateway: 10.0.0.254 }
  gw: { kind: router, interfaces: { lan: { address: 10.0.0.254/24 } } }
  sw1: { kind: switch }
  sw2: { kind: switch }
links:
  - endpoints: [pc1:eth0, sw1:p1]
  - endpoints: [pc2:eth0, sw2:p1]
  - endpoints: [gw:lan, sw1:p3]
  - endpoints: [sw1:p2, sw2:p2]
`;

describe('checks: what is fine', () => {
  it('a plain two-switch LAN with a router has no problems', () => {
    expect(codes(BASE)).toEqual([]);
  });

  it('a second cable between the switches is a loop, unless both run STP', () => {
    const looped = BASE + '  - endpoints: [sw1:p9, sw2:p9]\n';
    expect(codes(looped)).toEqual(['W-L2-LOOP']);
    expect(codes(looped.replaceAll('{ kind: switch }', '{ kind: switch, stp: true }'))).toEqual([]);
  });

  it('two trunks between VLAN-aware switches carrying different VLANs are not a loop', () => {
    const t = `name: t
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.10.1/24 } } }
  pc2: { kind: host, interfaces: { eth0: { address: 10.0.20.1/24 } } }
  core: { kind: l3-switch, vlans: { 10: { address: 10.0.10.254/24 }, 20: { address: 10.0.20.254/24 } } }
  sw: { kind: switch, vlan-aware: true }
links:
  - { endpoints: [pc1:eth0, sw:p1], vlan: 10 }
  - { endpoints: [pc2:eth0, sw:p2], vlan: 20 }
  - { endpoints: [sw:p9, core:p1], trunk: [10] }
  - { endpoints: [sw:p8, core:p2], trunk: [20] }
`;
    expect(codes(t)).toEqual([]);
    // The same cabling carrying VLAN 10 twice is a loop in VLAN 10.
    expect(codes(t.replace('trunk: [20]', 'trunk: [10, 20]'))).toEqual(['W-L2-LOOP']);
  });

  it('/31 point-to-point addresses and several addresses on one interface are fine', () => {
    const t = `name: t
nodes:
  a: { kind: router, interfaces: { wan: { address: 198.51.100.0/31 }, lan: { address: [10.0.0.1/24, 10.0.0.129/25] } } }
  b: { kind: router, interfaces: { wan: { address: 198.51.100.1/31 } }, routes: [{ to: 10.0.0.0/8, via: 198.51.100.0 }, { to: 172.16.0.0/12, dev: wan }] }
  h: { kind: host, interfaces: { eth0: { address: 10.0.0.2/24 } }, gateway: 10.0.0.1 }
links:
  - endpoints: [a:wan, b:wan]
  - endpoints: [a:lan, h:eth0]
`;
    expect(codes(t)).toEqual([]);
  });

  it('a link-level VLAN applies to the VLAN-aware end only; servers take trunks that way', () => {
    const t = readFileSync('examples/network-b-servers.yaml', 'utf8');
    expect(codes(t)).toEqual([]);
  });

  it('a redirect to a port that is also forwarded elsewhere is fine; passthru with enough VFs is fine', () => {
    const t = `name: t
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 192.168.1.10/24 } }, gateway: 192.168.1.1 }
  gw:
    kind: router
    interfaces: { lan: { address: 192.168.1.1/24 }, wan: { address: 203.0.113.2/24 } }
    nat:
      port-forwards: [{ in: wan, port: 8080, to: 192.168.1.10, to-port: 80 }]
      redirects: [{ in: lan, port: 80, to-port: 8080 }]
  srv: { kind: server, interfaces: { eth0: { sriov-vfs: 2 } } }
  vm1: { kind: vm, server: srv, interfaces: { eth0: { address: 10.9.0.1/24 } } }
  vm2: { kind: vm, server: srv, interfaces: { eth0: { address: 10.9.0.2/24 } } }
  sw: { kind: switch }
  ext: { kind: external, interfaces: { eth0: { address: 203.0.113.1/24 } } }
links:
  - endpoints: [pc1:eth0, gw:lan]
  - endpoints: [srv:eth0, sw:p1]
  - endpoints: [gw:wan, ext:eth0]
mapping: { strategy: macvtap, macvlan-mode: passthru }
`;
    expect(codes(t)).toEqual([]);
    // The NIC takes one passthru child and its one VF the other.
    expect(codes(t.replace('sriov-vfs: 2', 'sriov-vfs: 1'))).toEqual([]);
    expect(codes(t.replace('sriov-vfs: 2', 'sriov-vfs: 0'))).toEqual(['W-PASSTHRU-VFS']);
  });
});

describe('checks: one mistake, one message', () => {
  it('an uncabled host is reported as uncabled, not also as cut off from its gateway', () => {
    const t = `name: t
nodes:
  pc1: { kind: host, interfaces: { eth0: { address: 10.0.0.1/24 } }, gateway: 10.0.0.254 }
  gw: { kind: router, interfaces: { lan: { address: 10.0.0.254/24 } } }
`;
    expect(codes(t)).toEqual(['W-NODE-UNLINKED', 'W-NODE-UNLINKED']);
  });

  it('a typo in a key is reported once, as the typo, not also as the missing key', () => {
    expect(codes('name: t\nnodes:\n  pc1: { kind: host, interfacs: { eth0: {} } }\n')).toEqual(['E-UNKNOWN-KEY']);
  });
});

describe('checks: scale', () => {
  // 40 switches x 50 hosts, one router: every check is per-node or indexed, never all-pairs.
  const big = (dupe: boolean) => {
    const nodes: Record<string, unknown> = {};
    const links: unknown[] = [];
    const gw: Record<string, unknown> = {};
    for (let s = 0; s < 40; s++) {
      nodes[`sw${s}`] = { kind: 'switch' };
      gw[`l${s}`] = { address: `10.${s}.0.1/16` };
      links.push({ endpoints: [`gw:l${s}`, `sw${s}:up`] });
      for (let h = 0; h < 50; h++) {
        const ip = dupe && s === 39 && h === 49 ? '10.39.1.10' : `10.${s}.1.${h + 10}`;
        nodes[`h${s}-${h}`] = { kind: 'host', interfaces: { eth0: { address: `${ip}/16` } }, gateway: `10.${s}.0.1` };
        links.push({ endpoints: [`h${s}-${h}:eth0`, `sw${s}:p${h}`] });
      }
    }
    nodes.gw = { kind: 'router', interfaces: gw };
    return stringify({ name: 'big', nodes, links });
  };

  it('2,000 hosts validate cleanly, and one duplicated address among them is found', () => {
    const t0 = Date.now();
    expect(codes(big(false))).toEqual([]);
    const r = loadDesign(big(true), 'big.yaml');
    expect(r.errors.map((e) => e.message)).toEqual([
      '10.39.1.10 on h39-49 eth0 is already used by h39-0 eth0 in the same broadcast domain; give each interface its own address.',
    ]);
    // Generous: catches quadratic blow-ups (minutes), not a slow machine.
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});

describe('checks: robustness', () => {
  it('a crashing check becomes one E-INTERNAL error and the other checks still run', () => {
    const boom = Object.defineProperty(() => {
      throw new Error('boom');
    }, 'name', { value: 'checkBoom' });
    CHECKS.push(boom);
    try {
      const r = loadDesign(BASE.replace('10.0.0.2/24', '10.0.0.1/24'), 't.yaml');
      expect(r.errors.map((e) => e.code).sort()).toEqual(['E-DUP-ADDRESS', 'E-INTERNAL']);
      expect(r.errors.find((e) => e.code === 'E-INTERNAL')!.message).toContain('check checkBoom crashed (boom)');
    } finally {
      CHECKS.pop();
    }
  });

  it('a missing file is E-READ', () => {
    const r = loadDesignFile('test/errors/nope.yaml');
    expect(r.errors.map((e) => [e.code, e.message])).toEqual([['E-READ', 'no such file; check the path.']]);
  });

  it('no text makes validation throw (random YAML-ish text)', () => {
    const chars = fc.constantFrom(...'abc:-{}[]#"\'\n\t 0123456789./'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 200 }), (cs) => {
        const r = loadDesign(cs.join(''), 'x.yaml');
        return Array.isArray(r.errors) && Array.isArray(r.warnings);
      }),
      { numRuns: 300 },
    );
  });

  it('no structure makes validation throw (random designs built from real keys and values)', () => {
    const word = fc.constantFrom('pc1', 'sw1', 'gw', 'eth0', 'p1', 'lan', 'host', 'switch', 'router', 'l3-switch', 'server', 'vm', 'external', '10', '10.0.0.1/24', '10.0.0.1', 'default', '');
    const key = fc.constantFrom('name', 'nodes', 'links', 'kind', 'interfaces', 'address', 'gateway', 'routes', 'to', 'via', 'dev', 'endpoints', 'vlan', 'trunk', 'native', 'vlans', 'nat', 'masquerade', 'out', 'server', 'uplink', 'mapping', 'servers', 'hairpin', 'vlan-aware');
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, word, fc.integer({ min: -1, max: 5000 }), fc.boolean(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (doc) => {
        const r = loadDesign(stringify(doc), 'x.yaml');
        return r.errors.every((e) => e.code !== 'E-INTERNAL');
      }),
      { numRuns: 300 },
    );
  });

  it('mutations of every example never throw or crash a check', () => {
    const texts = ['network-a', 'network-b', 'network-b-servers', 'figure-1'].map((n) => readFileSync(`examples/${n}.yaml`, 'utf8'));
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.nat(), fc.nat(40), fc.string({ maxLength: 8 }), (i, at, len, ins) => {
        const t = texts[i]!;
        const k = at % t.length;
        const r = loadDesign(t.slice(0, k) + ins + t.slice(k + len), 'm.yaml');
        return r.errors.every((e) => e.code !== 'E-INTERNAL');
      }),
      { numRuns: 200 },
    );
  });
});
