// Render goldens: the bash script (which contains every batch, nft script, ovs-vsctl
// transaction and hosts file the live `up` runs) for compiled examples, including paths this
// kernel cannot run (8021q devices, bridge vlan_filtering, QEMU TAP/macvtap) under the `full`
// preset. Plus the small pure pieces: nft rules, shell quoting, ip -j parsing, incremental scope.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildScope } from '../../src/apply/diff.js';
import type { MacvlanMode, Strategy } from '../../src/model/limits.js';
import { loadDesign, loadDesignFile } from '../../src/model/load.js';
import { parseLinks, parseNetnsList } from '../../src/observe/ip-json.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { renderNft } from '../../src/render/nft.js';
import { renderSteps } from '../../src/render/render.js';
import { renderScript, shQuote } from '../../src/render/script.js';
import { PHASES } from '../../src/render/steps.js';
import { golden } from '../helpers/golden.js';

const OUT = 'test/golden/render';

function planOf(file: string, strategy: Strategy, caps: 'full' | 'minimal', extra: { macvlanMode?: MacvlanMode; vms?: 'netns' | 'qemu' } = {}, text?: string): Plan {
  const r = text !== undefined ? loadDesign(text, file) : loadDesignFile(join('examples', `${file}.yaml`));
  if (!r.design) throw new Error(`${file}: ${r.errors.map((e) => e.message).join('; ')}`);
  return compile({ ...r.design, name: 'golden' }, { strategy, capabilities: PRESETS[caps]!, ...extra });
}

const CASES: { name: string; plan: () => Plan }[] = [
  { name: 'network-a.faithful.minimal', plan: () => planOf('network-a', 'faithful', 'minimal') },
  { name: 'network-a.compact.minimal', plan: () => planOf('network-a', 'compact', 'minimal') },
  { name: 'network-a-vms.macvtap.minimal', plan: () => planOf('network-a-vms', 'macvtap', 'minimal') },
  { name: 'network-b.ovs.minimal', plan: () => planOf('network-b', 'ovs', 'minimal') },
  { name: 'network-b.faithful.full', plan: () => planOf('network-b', 'faithful', 'full') },
  { name: 'network-b-servers.macvtap-vepa.full', plan: () => planOf('network-b-servers', 'macvtap', 'full', { macvlanMode: 'vepa' }) },
  { name: 'network-b-servers.faithful-qemu.full', plan: () => planOf('network-b-servers', 'faithful', 'full', { vms: 'qemu' }) },
  // Tunnels (docs/routing.md): VXLAN as built here; GRE, gretap, IP in IP, WireGuard and TUN on a distribution kernel; FRR's daemons.
  { name: 'vxlan-servers.faithful.minimal', plan: () => planOf('vxlan-servers', 'faithful', 'minimal') },
  { name: 'tunnels-site.faithful.full', plan: () => planOf('tunnels-site', 'faithful', 'full') },
  { name: 'ospf-triangle.faithful.minimal', plan: () => planOf('ospf-triangle', 'faithful', 'minimal') },
  { name: 'bgp-three-as.faithful.minimal', plan: () => planOf('bgp-three-as', 'faithful', 'minimal') },
  { name: 'office.compact.minimal', plan: () => planOf('office', 'compact', 'minimal') },
  // Load balancers: nftables (no IPVS here) and ipvsadm (a kernel with IPVS); proxies and workloads as daemons.
  { name: 'web-farm.faithful.minimal', plan: () => planOf('web-farm', 'faithful', 'minimal') },
  { name: 'web-farm.faithful.full', plan: () => planOf('web-farm', 'faithful', 'full') },
  { name: 'office-dhcp.faithful.minimal', plan: () => planOf('office-dhcp', 'faithful', 'minimal') },
];

describe('render goldens (bash script of a plan)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await golden(join(OUT, `${c.name}.sh`), renderScript(c.plan()));
    });
  }
});

describe('render pieces', () => {
  it('every rendered step runs through ip/bridge/nft/ovs/ethtool/sysctl argv, never a shell', () => {
    for (const c of CASES) {
      for (const s of renderSteps(c.plan())) {
        if ('path' in s) expect(s.path).toMatch(s.phase === 'daemons' ? /^\/run\/vnetmap\/golden\/daemons\/[a-z0-9.-]+\/[a-z.]+$/ : /^\/etc\/netns\/vn-golden-[a-z0-9-]+\/(hosts|resolv\.conf)$/);
        else if ('spawn' in s) expect(s.spawn.argv.slice(0, 3)).toEqual(['nsenter', expect.stringMatching(/^--net=\/var\/run\/netns\/vn-golden-[a-z0-9-]+$/), '--']);
        else {
          // Inside a namespace: only its network stack is entered (no mount namespace copy).
          const inside = s.argv[0] === 'nsenter';
          if (inside) expect(s.argv.slice(0, 3)).toEqual(['nsenter', expect.stringMatching(/^--net=\/var\/run\/netns\/vn-golden-[a-z0-9-]+$/), '--']);
          expect(['ip', 'bridge', 'ovs-vsctl', 'ovs-ofctl', 'ethtool', 'sysctl', 'nft', 'ipvsadm', 'wg']).toContain(inside ? s.argv[3] : s.argv[0]);
          expect(s.argv).not.toContain('-n'); // `ip -n` copies every mount of the host per call
        }
      }
    }
  });

  it('one process per namespace: marker, devices up and addresses in one batch; bridges without multicast snooping; no IPv6 link-local', () => {
    for (const c of CASES) {
      const plan = c.plan();
      const steps = renderSteps(plan);
      const config = steps.filter((s) => s.phase === 'config' && 'argv' in s && s.argv[3] === 'ip');
      const namespaces = plan.objects.filter((o) => o.kind === 'netns').map((o) => (o as { name: string }).name);
      expect(new Set(config.map((s) => ('argv' in s ? s.argv[1] : '')))).toEqual(new Set(namespaces.map((n) => `--net=/var/run/netns/${n}`)));
      for (const s of config) {
        const lines = ('input' in s ? s.input ?? '' : '').split('\n');
        expect(lines[0]).toBe('link set dev lo up alias vnetmap:golden');
        // every device loses its IPv6 link-local address before it first goes up
        for (const up of lines.filter((l) => /^link set dev \S+ up$/.test(l) && !l.includes(' lo '))) {
          const dev = up.split(' ')[3];
          expect(lines.indexOf(`link set dev ${dev} addrgenmode none`), `${dev} in ${('argv' in s && s.argv[1]) || ''}`).toBeGreaterThanOrEqual(0);
          expect(lines.indexOf(`link set dev ${dev} addrgenmode none`)).toBeLessThan(lines.indexOf(up));
        }
      }
      for (const s of steps) if ('input' in s && s.input) for (const l of s.input.split('\n')) if (/^link add .* type bridge /.test(l)) expect(l).toContain('mcast_snooping 0');
    }
  });

  it('steps come in phase order, so the journal written before each phase names what follows', () => {
    for (const c of CASES) {
      const order = renderSteps(c.plan()).map((s) => PHASES.indexOf(s.phase));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order[0]).toBe(0); // namespaces first
    }
  });

  it('nft: one table replaced whole, NAT rules in the right hooks', () => {
    const text = renderNft({
      kind: 'nft',
      namespace: 'vn-x-gw',
      table: 'vnetmap',
      realizes: ['node:gw'],
      rules: [
        { type: 'masquerade', out: 'wan', from: '192.168.1.0/24', realizes: ['masquerade:gw/0'] },
        { type: 'snat', out: 'wan2', to: '198.51.100.7', realizes: ['snat:gw/0'] },
        { type: 'dnat', in: 'wan', protocol: 'tcp', port: 8080, to: '192.168.1.11', toPort: 80, realizes: ['forward:gw/0'] },
        { type: 'redirect', in: 'lan', protocol: 'udp', port: 53, toPort: 5353, realizes: ['redirect:gw/0'] },
        { type: 'dnat', notIn: 'wan', daddr: '203.0.113.2', hairpin: true, protocol: 'tcp', port: 8080, to: '192.168.1.11', toPort: 80, realizes: ['forward:gw/0'] },
        { type: 'hairpin-masquerade', realizes: ['forward:gw/0'] },
      ],
    });
    expect(text.split('\n').slice(0, 3)).toEqual(['table ip vnetmap', 'delete table ip vnetmap', 'table ip vnetmap {']);
    const pre = text.slice(text.indexOf('chain prerouting'), text.indexOf('chain postrouting'));
    const post = text.slice(text.indexOf('chain postrouting'));
    expect(pre).toContain('iifname "wan" tcp dport 8080 dnat to 192.168.1.11:80');
    expect(pre).toContain('iifname "lan" udp dport 53 redirect to :5353');
    expect(post).toContain('oifname "wan" ip saddr 192.168.1.0/24 masquerade');
    expect(post).toContain('oifname "wan2" snat to 198.51.100.7');
    // Inside clients of the forward are marked in prerouting, masqueraded in postrouting.
    expect(pre).toContain('iifname != "wan" ip daddr 203.0.113.2 tcp dport 8080 meta mark set 0x766e0001 dnat to 192.168.1.11:80');
    expect(post).toContain('meta mark 0x766e0001 masquerade');
    expect(pre).not.toContain('masquerade');
  });

  it('shell quoting leaves plain words alone and quotes the rest', () => {
    expect(shQuote('vn-a-pc1')).toBe('vn-a-pc1');
    expect(shQuote('tag=[]')).toBe("'tag=[]'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(shQuote('')).toBe("''");
  });

  it('ip -j parsing: empty output, aliases, masters, IPv4 addresses only', () => {
    expect(parseLinks('')).toEqual([]);
    expect(parseNetnsList('')).toEqual([]);
    expect(parseNetnsList('[{"name":"vn-a-pc1","id":3},{"name":"x"}]')).toEqual(['vn-a-pc1', 'x']);
    const links = parseLinks(
      '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"operstate":"UNKNOWN","ifalias":"vnetmap:a","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},' +
        '{"ifindex":5,"ifname":"p1","flags":["BROADCAST","UP"],"master":"br0","operstate":"UP","address":"aa:bb:cc:dd:ee:ff","addr_info":[{"family":"inet6","local":"fe80::1","prefixlen":64}]}]',
    );
    expect(links).toEqual([
      { name: 'lo', alias: 'vnetmap:a', state: 'UNKNOWN', up: true, addresses: ['127.0.0.1/8'] },
      { name: 'p1', state: 'UP', up: true, master: 'br0', mac: 'aa:bb:cc:dd:ee:ff', addresses: [] },
    ]);
  });
});

describe('render at scale', () => {
  it('no root batch names more than 400 namespaces (iproute2 keeps a file open per name); namespaces in even batches of at most 512', async () => {
    const { designYaml, linearTopo } = await import('../../bench/gen-designs.js');
    const r = loadDesign(designYaml(linearTopo(1200), { name: 'golden' }), 'linear-1200.yaml');
    const plan = compile(r.design!, { strategy: 'faithful', capabilities: PRESETS.minimal! });
    const steps = renderSteps(plan);
    for (const s of steps) if ('argv' in s && s.argv[0] === 'ip' && s.input) expect((s.input.match(/ netns \S/g) ?? []).length).toBeLessThanOrEqual(400);
    expect(steps.filter((s) => s.phase === 'netns').map((s) => ('input' in s ? s.input!.split('\n').filter(Boolean).length : 0))).toEqual([480, 480, 480, 480, 480]);
    expect(steps.filter((s) => s.phase === 'links').length).toBe(12); // 2,399 veths, 200 a batch
    // one config batch per namespace, and one hosts text shared by hard links
    expect(steps.filter((s) => s.phase === 'config')).toHaveLength(2400);
    const hosts = steps.filter((s) => s.phase === 'hosts');
    expect(hosts.filter((s) => 'content' in s && typeof s.content === 'string')).toHaveLength(1);
  });

  it('splits fewer namespaces into up to four even batches of at least 128, so both cores work', async () => {
    const { designYaml, linearTopo } = await import('../../bench/gen-designs.js');
    const sizes = (n: number) => {
      const plan = compile(loadDesign(designYaml(linearTopo(n), { name: 'golden' }), 'l.yaml').design!, { strategy: 'faithful', capabilities: PRESETS.minimal! });
      return renderSteps(plan).filter((s) => s.phase === 'netns').map((s) => ('input' in s ? s.input!.split('\n').filter(Boolean).length : 0));
    };
    expect(sizes(10)).toEqual([20]);
    expect(sizes(100)).toEqual([100, 100]);
    expect(sizes(556)).toEqual([278, 278, 278, 278]);
  });
});

describe('incremental up scope', () => {
  const text = readFileSync('examples/network-a.yaml', 'utf8');
  const plan = (t: string, strategy: Strategy = 'faithful') => planOf('network-a', strategy, 'minimal', {}, t);

  it('an address change rebuilds that host only and re-links it to its switch', () => {
    const r = rebuildScope(plan(text), plan(text.replace('192.168.1.12/24', '192.168.1.22/24')))!;
    expect([...r.scope.create]).toEqual(['vn-golden-pc2']);
    expect([...r.scope.settle].sort()).toEqual(['vn-golden-access-sw', 'vn-golden-pc2']);
    expect(r.scope.links.map((l) => l.realizes[0])).toEqual(['link:2']);
    expect(r.remove).toEqual(['vn-golden-pc2']);
  });

  it('a NAT change rebuilds the router and re-links both its neighbours', () => {
    const r = rebuildScope(plan(text), plan(text.replace('port: 8080', 'port: 8081')))!;
    expect([...r.scope.create]).toEqual(['vn-golden-gw']);
    expect([...r.scope.settle].sort()).toEqual(['vn-golden-agg-sw', 'vn-golden-gw', 'vn-golden-internet']);
  });

  it('an identical plan changes nothing; an OVS bridge change means a full rebuild', () => {
    expect(rebuildScope(plan(text), plan(text))!.scope.create.size).toBe(0);
    const a = plan(text, 'ovs');
    const b: Plan = { ...a, objects: a.objects.map((o) => (o.kind === 'ovs-bridge' ? { ...o, stp: !o.stp } : o)) };
    expect(rebuildScope(a, b)).toBeUndefined();
  });
});
