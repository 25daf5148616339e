// The netlink helper (libexec/netlink-batch.py) against iproute2 on the real kernel: the same
// batch through each leaves namespaces that ip itself cannot tell apart, refusals read the same,
// batches it does not speak are run by ip, and whole labs built both ways are the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { ToolError } from '../../src/errors.js';
import { enterNs, netnsFile } from '../../src/exec/netns.js';
import { linksVia, netlinkHelper, viaNetlink, viaNft } from '../../src/exec/netlink.js';
import { ProcessRunner, type Command, type RunOptions } from '../../src/exec/runner.js';
import { namespacesOf } from '../../src/render/scope.js';
import { examplePlan, isRoot, leftovers, NOTHING, ovsRunning, uniqueLab } from './realize-helpers.js';

const viaIp = new ProcessRunner({ netlink: false });
const viaHelper = new ProcessRunner({ netlink: true });
const helper = netlinkHelper();
const run = (argv: readonly string[], o?: RunOptions) => viaIp.run(argv, o);
const ipBatch = (ns: string, text: string): Command => ({ argv: [...enterNs(ns), 'ip', '-batch', '-'], input: text });

interface Link {
  ifname: string;
  flags: string[];
  mtu: number;
  master?: string;
  ifalias?: string;
  address?: string;
  inet6_addr_gen_mode?: string;
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { hairpin?: boolean } };
}

/**
 * What ip shows of a namespace, without what differs between two identical builds: indices,
 * random MACs (unless `macs` names the device), carrier timing, counters and timers.
 */
async function snapshot(ns: string, macs: readonly string[] = []): Promise<unknown> {
  const show = async (...args: string[]): Promise<unknown[]> => JSON.parse((await viaIp.run([...enterNs(ns), 'ip', '-j', ...args])).stdout || '[]') as unknown[];
  const links = ((await show('-d', 'link', 'show')) as Link[]).map((l) => ({
    ifname: l.ifname,
    flags: l.flags.filter((f) => f !== 'LOWER_UP' && f !== 'NO-CARRIER').sort(),
    mtu: l.mtu,
    master: l.master,
    ifalias: l.ifalias,
    addrgen: l.inet6_addr_gen_mode,
    hairpin: l.linkinfo?.info_slave_kind === 'bridge' ? l.linkinfo.info_slave_data?.hairpin : undefined,
    address: macs.includes(l.ifname) ? l.address : undefined,
  }));
  const addrs = ((await show('addr', 'show')) as { ifname: string; addr_info: unknown[] }[]).map((a) => ({ ifname: a.ifname, addr_info: a.addr_info }));
  const routes = ((await show('route', 'show', 'table', 'all')) as unknown[]).map((r) => JSON.stringify(r)).sort();
  return { links: links.sort((a, b) => a.ifname.localeCompare(b.ifname)), addrs: addrs.sort((a, b) => a.ifname.localeCompare(b.ifname)), routes };
}

/** Every line form the renderer writes for the config phase, and the other forms the helper speaks. */
const EVERY_FORM = [
  'link set dev lo up alias vnetmap:parity',
  'link set dev d1 address 52:54:00:12:34:56',
  'link set dev d1 mtu 1400',
  'link set dev d1 master br0',
  'link set dev d1 type bridge_slave hairpin on',
  'link set dev d2 master br0',
  'link set dev d2 type bridge_slave hairpin off',
  'link set dev br0 addrgenmode none',
  'link set dev d1 addrgenmode none',
  'link set dev v1 addrgenmode none',
  'link set dev br0 up',
  'link set dev d1 up',
  'link set dev v1 up',
  'link set dev v2 up',
  'link set dev d2 up',
  'link set dev d2 down',
  'addr replace 10.1.0.1/24 dev br0',
  'addr replace 10.1.0.1/24 dev br0',
  'addr replace 127.0.0.2/8 dev lo',
  'addr replace 10.2.0.1/16 dev v1',
  'route replace default via 10.1.0.254',
  'route replace 10.3.0.0/16 via 10.1.0.253 dev br0',
  'route replace 10.4.0.0/16 dev v1',
  'route replace 10.5.0.7 via 10.2.0.9',
  'route replace 10.5.0.7 via 10.2.0.8',
].join('\n') + '\n';

// Veth pairs stand in for ports (this kernel may lack dummy devices); d3 and d4 stay down. The
// ends the batch leaves alone get no random IPv6 link-local address, and nothing random reaches
// the bridge's MAC.
const SETUP = [
  'link add br0 type bridge stp_state 0',
  'link add d1 type veth peer name d3',
  'link add d2 type veth peer name d4',
  'link add v1 type veth peer name v2',
  ...['v2', 'd3', 'd4'].map((d) => `link set dev ${d} addrgenmode none`),
  // Above the one the batch gives d1: a bridge takes its ports' lowest MAC.
  'link set dev d2 address 52:54:00:ff:00:02',
].join('\n') + '\n';

/**
 * Carrier changes reach routes and IPv6 (e.g. ff00::/8 on a device that comes up) through the
 * kernel's link watch, up to a second later: snapshots are taken after it has run.
 */
const linkWatch = (): Promise<void> => new Promise((r) => setTimeout(r, 1100));

describe.skipIf(!isRoot)('netlink helper against ip on the real kernel', () => {
  const made: string[] = [];
  const fresh = async (): Promise<string> => {
    const ns = `${uniqueLab()}nl`;
    await viaIp.run(['ip', 'netns', 'add', ns]);
    made.push(ns);
    await viaIp.run([...enterNs(ns), 'ip', '-batch', '-'], { input: SETUP });
    return ns;
  };
  afterAll(async () => {
    if (made.length) await viaIp.run(['ip', '-force', '-batch', '-'], { input: made.map((n) => `netns del ${n}\n`).join(''), allowFail: true });
  });

  beforeAll(() => {
    // Without python3 the comparisons below would pit ip against ip.
    expect(helper, 'the helper needs /usr/bin/python3 (scripts/setup.sh installs it)').toBeDefined();
  });

  it('leaves a namespace the same as ip does, for every line form it speaks', async () => {
    const [a, b] = [await fresh(), await fresh()];
    await viaIp.run(ipBatch(a, EVERY_FORM).argv, { input: EVERY_FORM });
    const left = await viaNetlink(run, helper!, [ipBatch(b, EVERY_FORM)]);
    expect(left).toEqual([]); // the helper took it: not ip against ip
    await linkWatch();
    const [sa, sb] = [await snapshot(a, ['d1', 'br0']), await snapshot(b, ['d1', 'br0'])];
    expect(sb).toEqual(sa);
    // And the batch did what it says (so equal is not equally empty).
    expect(JSON.stringify(sb)).toContain('"hairpin":true');
    expect(JSON.stringify(sb)).toContain('10.5.0.7');
    expect(JSON.stringify(sb)).toContain('vnetmap:parity');
  });

  it.each([
    ['a device that is not there', 'link set dev lo up\naddr replace 10.1.0.1/24 dev nosuch\n'],
    ['a gateway that is not on a connected network', 'link set dev v1 up\nroute replace 10.9.0.0/16 via 10.99.0.1\n'],
  ])('reports %s as ip does, naming the command and its line', async (_what, text) => {
    const [a, b] = [await fresh(), await fresh()];
    const byIp = await viaIp.runMany([ipBatch(a, text)], 1).then(() => undefined, (e: unknown) => e);
    const byHelper = await viaNetlink(run, helper!, [ipBatch(b, text)]).then(() => undefined, (e: unknown) => e);
    expect(byIp).toBeInstanceOf(ToolError);
    expect(byHelper).toBeInstanceOf(ToolError);
    const [ei, eh] = [byIp as ToolError, byHelper as ToolError];
    expect(eh.argv).toEqual(ipBatch(b, text).argv);
    expect(eh.stderr.replaceAll(b, 'NS')).toBe(ei.stderr.replaceAll(a, 'NS'));
    expect(eh.stderr).toMatch(/\(line 2 of its input: /);
  });

  it('hands back a batch with a line it does not speak, and ip runs it', async () => {
    const ns = await fresh();
    const text = 'link set dev lo up\nlink add t1 type veth peer name t2\n';
    const cmd = ipBatch(ns, text);
    expect(await viaNetlink(run, helper!, [cmd])).toEqual([cmd]);
    await viaHelper.runMany([cmd], 2);
    const links = JSON.parse((await viaIp.run([...enterNs(ns), 'ip', '-j', 'link', 'show', 't1'])).stdout) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).toEqual(['t1']);
  });

  // Entries of every kind ip's flush tells apart: permanent and noarp stay, the others go
  // (IPv4 and IPv6 alike); the two namespaces start identical.
  const NEIGHBOURS = [
    'neigh add 10.2.0.5 lladdr 02:00:00:00:00:05 dev v1 nud permanent',
    'neigh add 10.2.0.6 lladdr 02:00:00:00:00:06 dev v1 nud stale',
    'neigh add 10.2.0.7 lladdr 02:00:00:00:00:07 dev v1 nud reachable',
    'neigh add 10.2.0.8 lladdr 02:00:00:00:00:08 dev v1 nud noarp',
    'neigh add 2001:db8::6 lladdr 02:00:00:00:00:16 dev v1 nud stale',
    'neigh add 2001:db8::5 lladdr 02:00:00:00:00:15 dev v1 nud permanent',
  ].join('\n') + '\n';
  // Without the kernel's own multicast entries (ff02::16 for MLD, whenever a link came up).
  const neighbours = async (ns: string): Promise<string[]> =>
    ((JSON.parse((await viaIp.run([...enterNs(ns), 'ip', '-j', 'neigh', 'show', 'nud', 'all'])).stdout || '[]') as { dst: string; state: string[] }[]).filter((n) => !n.dst.startsWith('ff')).map((n) => `${n.dst} ${n.state.join(',')}`).sort());

  it('empties a neighbour table as `ip neigh flush all` does: permanent and noarp entries stay', async () => {
    const [a, b] = [await fresh(), await fresh()];
    for (const ns of [a, b]) await viaIp.run([...enterNs(ns), 'ip', '-batch', '-'], { input: 'link set dev v1 up\nlink set dev v2 up\n' + NEIGHBOURS });
    expect(await neighbours(a)).toHaveLength(6); // before: every kind is there
    await viaIp.run(ipBatch(a, 'neigh flush all\n').argv, { input: 'neigh flush all\n' });
    expect(await viaNetlink(run, helper!, [ipBatch(b, 'neigh flush all\n')])).toEqual([]);
    expect(await neighbours(b)).toEqual(await neighbours(a));
    expect(await neighbours(b)).toEqual(['10.2.0.5 PERMANENT', '10.2.0.8 NOARP', '2001:db8::5 PERMANENT']);
  });

  it('lists every device and MAC of a namespace as `ip -j link show` does, and none of one it cannot enter', async () => {
    const ns = await fresh();
    const [got, missing] = await linksVia(run, helper!, [netnsFile(ns), netnsFile('vnetmap-no-such-namespace')]);
    const byIp = JSON.parse((await viaIp.run([...enterNs(ns), 'ip', '-j', 'link', 'show'])).stdout) as { ifname: string; address?: string }[];
    expect(byIp.length).toBeGreaterThan(5);
    expect(got).toEqual(new Map(byIp.map((l) => [l.ifname, l.address ?? ''])));
    expect(got!.get('d2')).toBe('52:54:00:ff:00:02');
    expect(missing).toBeUndefined();
  });

  const nftIn = (ns: string, text: string): Command => ({ argv: [...enterNs(ns), 'nft', '-f', '-'], input: text });
  const TABLE = 'table inet vnetmap-parity {\n  chain input {\n    type filter hook input priority filter; policy drop;\n    ct state established,related accept\n    tcp dport 22-23 accept comment "rule 1"\n  }\n}\n';
  const listNft = async (ns: string): Promise<string> => (await viaIp.run([...enterNs(ns), 'nft', 'list', 'ruleset'])).stdout;

  it('loads nftables scripts through libnftables as nft -f does, each in its namespace', async () => {
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    await viaIp.run(nftIn(a, TABLE).argv, { input: TABLE });
    expect(await viaNft(run, helper!, [nftIn(b, TABLE), nftIn(c, TABLE)])).toEqual([]);
    expect(await listNft(b)).toBe(await listNft(a));
    expect(await listNft(c)).toContain('tcp dport 22-23 accept comment "rule 1"');
  });

  it('reports a script nft refuses with what nft says, naming the command', async () => {
    const [a, b] = [await fresh(), await fresh()];
    const bad = TABLE.replace('accept comment', 'acept comment');
    const byNft = await viaIp.runMany([nftIn(a, bad)], 1).then(() => undefined, (e: unknown) => e);
    const byHelper = await viaNft(run, helper!, [nftIn(b, TABLE), nftIn(b, bad)]).then(() => undefined, (e: unknown) => e);
    expect(byNft).toBeInstanceOf(ToolError);
    expect(byHelper).toBeInstanceOf(ToolError);
    expect((byHelper as ToolError).argv).toEqual(nftIn(b, bad).argv);
    expect((byHelper as ToolError).stderr).toContain('syntax error');
    expect((byNft as ToolError).stderr).toContain('syntax error');
  });

  it('refuses to enter a namespace that is not there, as nsenter would', async () => {
    const cmd = ipBatch('vnetmap-no-such-namespace', 'link set dev lo up\n');
    const e = await viaNetlink(run, helper!, [cmd]).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).stderr).toMatch(/cannot open .*vnetmap-no-such-namespace: No such file or directory/);
  });
});

describe.skipIf(!isRoot)('labs built through the helper and through ip are the same', () => {
  it.each([
    ['network-a', 'faithful'],
    ['network-a', 'compact'],
    ['network-b', 'faithful'],
    ['network-a-vms', 'macvtap'],
    ['office', 'faithful'],
  ])('%s (%s)', async (example, strategy) => {
    const lab = uniqueLab();
    const plan = await examplePlan(example, strategy, lab);
    if (plan.objects.some((o) => o.kind.startsWith('ovs')) && !(await ovsRunning())) return;
    const build = async (runner: ProcessRunner): Promise<Record<string, unknown>> => {
      await applyPlan(plan, runner, { designFile: `${example}.yaml` });
      try {
        await linkWatch();
        const out: Record<string, unknown> = {};
        for (const ns of namespacesOf(plan)) out[ns] = await snapshot(ns);
        return out;
      } finally {
        await destroyLab(lab, viaIp);
      }
    };
    const byIp = await build(viaIp);
    const byHelper = await build(viaHelper);
    expect(byHelper).toEqual(byIp);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });
});
