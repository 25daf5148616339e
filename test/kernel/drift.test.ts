// Drift of every object kind a plan has: changed by hand behind vnetmap's back, `status` names
// exactly it (and exits 1), and `up` repairs exactly it — every other device of the lab keeps
// its ifindex (it was not re-created), and the lab has no drift left.
import { appendFileSync, unlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { cliPath } from '../../src/apply/design.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { labStatus } from '../../src/apply/status.js';
import { readState } from '../../src/apply/state.js';
import { observeNamespaces } from '../../src/exec/observer.js';
import type { Plan } from '../../src/plan/types.js';
import { hostsPath } from '../../src/render/steps.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});
const ovsUp = isRoot && (await ovsRunning());

/** ifindex of every device of the lab: "ns/dev" (root devices marked as the lab's under "host/"). */
async function devices(plan: Plan): Promise<Map<string, number>> {
  const nss = plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : []));
  const seen = await observeNamespaces(runner, [...nss.map((namespace) => ({ namespace })), { namespace: null }]);
  const out = new Map<string, number>();
  nss.forEach((ns, i) => seen[i]?.links.forEach((l) => out.set(`${ns}/${l.name}`, l.index)));
  seen[nss.length]?.links.filter((l) => l.alias?.startsWith(`vnetmap:${plan.lab}:`)).forEach((l) => out.set(`host/${l.name}`, l.index));
  return out;
}

const sh = (...argv: string[]) => runner.run(argv);
const inNs = (ns: string, ...argv: string[]) => runner.run(['ip', 'netns', 'exec', ns, ...argv]);

interface Mutation {
  name: string;
  /** Break the twin; may return extra devices it made (they are not the lab's). */
  apply: (plan: Plan) => Promise<void>;
  /** What status must name: [what, a piece of the object's text]. */
  names: [string, string][];
  /** Devices ("ns/dev", "host/dev") the repair may re-create. */
  recreated?: (plan: Plan) => string[];
}

function suite(example_: string, strategy: string, mutations: Mutation[], needOvs = false): void {
  const skip = !isRoot || (needOvs && !ovsUp);
  describe.skipIf(skip)(`drift: ${example_} × ${strategy}${skip ? ' (skipped: needs root and Open vSwitch)' : ''}`, () => {
    let plan: Plan;
    const lab = uniqueLab();
    labs.push(lab);
    it('builds with no drift', async () => {
      plan = await examplePlan(example_, strategy, lab);
      await applyPlan(plan, runner, { designFile: example(example_) });
      expect((await labStatus(lab, runner)).drift).toEqual([]);
    });
    for (const m of mutations) {
      it(`${m.name}: status names it, up repairs only it`, async () => {
        const before = await devices(plan);
        await m.apply(plan);
        const drift = (await labStatus(lab, runner)).drift;
        for (const [what, piece] of m.names) expect(drift.some((d) => d.what === what && d.object.includes(piece)), `${what} ${piece} in ${JSON.stringify(drift.map((d) => `${d.what} ${d.object}`))}`).toBe(true);
        const res = await applyPlan(plan, runner, { designFile: example(example_) });
        expect(res.action).toBe('repaired');
        expect(res.repaired.map((d) => d.object).sort()).toEqual(drift.map((d) => d.object).sort());
        expect((await labStatus(lab, runner)).drift).toEqual([]);
        const after = await devices(plan);
        const allowed = new Set(m.recreated?.(plan) ?? []);
        const changed = [...before].filter(([k, v]) => after.get(k) !== v && !allowed.has(k)).map(([k]) => k);
        expect(changed, 'devices re-created that had not drifted').toEqual([]);
      });
    }
    it('down leaves nothing', async () => {
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
    });
  });
}

const ns = (plan: Plan, node: string): string => nsOf(plan, node);

suite('network-a', 'faithful', [
  { name: 'interface set down', apply: async (p) => void (await sh('ip', '-n', ns(p, 'pc1'), 'link', 'set', 'eth0', 'down')), names: [['device', 'pc1/eth0'], ['route', 'pc1 route default']] },
  { name: 'address removed', apply: async (p) => void (await sh('ip', '-n', ns(p, 'pc2'), 'addr', 'flush', 'dev', 'eth0')), names: [['address', 'pc2/eth0 192.168.1.12/24']] },
  { name: 'route removed', apply: async (p) => void (await sh('ip', '-n', ns(p, 'pc3'), 'route', 'del', 'default')), names: [['route', 'pc3 route default']] },
  { name: 'extra address and route', apply: async (p) => {
      await sh('ip', '-n', ns(p, 'pc4'), 'addr', 'add', '10.77.0.4/24', 'dev', 'eth0');
      await sh('ip', '-n', ns(p, 'pc4'), 'route', 'add', '10.78.0.0/16', 'via', '10.77.0.1');
    }, names: [['address', '10.77.0.4/24'], ['route', '10.78.0.0/16']] },
  { name: 'veth deleted', apply: async (p) => void (await sh('ip', '-n', ns(p, 'pc5'), 'link', 'del', 'eth0')), names: [['device', 'pc5/eth0'], ['device', 'agg-sw/p2']],
    recreated: (p) => [`${ns(p, 'pc5')}/eth0`, `${ns(p, 'agg-sw')}/p2`] },
  { name: 'bridge port detached', apply: async (p) => void (await sh('ip', '-n', ns(p, 'access-sw'), 'link', 'set', 'p1', 'nomaster')), names: [['device', 'access-sw/p1']] },
  { name: 'hairpin turned on', apply: async (p) => void (await sh('ip', '-n', ns(p, 'agg-sw'), 'link', 'set', 'dev', 'p1', 'type', 'bridge_slave', 'hairpin', 'on')), names: [['device', 'agg-sw/p1']] },
  { name: 'bridge deleted', apply: async (p) => void (await sh('ip', '-n', ns(p, 'access-sw'), 'link', 'del', 'br0')), names: [['device', 'access-sw/br0'], ['device', 'access-sw/p2']],
    recreated: (p) => [`${ns(p, 'access-sw')}/br0`] },
  { name: 'ip_forward off on the router', apply: async (p) => void (await inNs(ns(p, 'gw'), 'sysctl', '-qw', 'net.ipv4.ip_forward=0')), names: [['sysctl', 'ip_forward']] },
  { name: 'ip_forward on on a host', apply: async (p) => void (await inNs(ns(p, 'pc1'), 'sysctl', '-qw', 'net.ipv4.ip_forward=1')), names: [['sysctl', 'ip_forward']] },
  { name: 'NAT rules flushed (table kept)', apply: async (p) => void (await inNs(ns(p, 'gw'), 'nft', 'flush', 'table', 'ip', 'vnetmap')), names: [['nft', 'ip vnetmap']] },
  { name: 'NAT table deleted', apply: async (p) => void (await inNs(ns(p, 'gw'), 'nft', 'delete', 'table', 'ip', 'vnetmap')), names: [['nft', 'ip vnetmap']] },
  { name: 'a NAT rule added', apply: async (p) => void (await inNs(ns(p, 'gw'), 'nft', 'add', 'rule', 'ip', 'vnetmap', 'postrouting', 'oifname', 'lan', 'masquerade')), names: [['nft', 'ip vnetmap']] },
  { name: 'a foreign nft table', apply: async (p) => void (await inNs(ns(p, 'pc2'), 'nft', 'add', 'table', 'inet', 'filter')), names: [['nft', 'inet filter']] },
  { name: 'rogue cable between two namespaces', apply: async (p) => void (await sh('ip', '-n', ns(p, 'pc1'), 'link', 'add', 'rogue', 'type', 'veth', 'peer', 'name', 'rogue', 'netns', ns(p, 'internet'))), names: [['device', 'pc1/rogue'], ['device', 'internet/rogue']] },
  { name: 'hosts file edited', apply: async (p) => appendFileSync(hostsPath(ns(p, 'pc3')), '10.1.1.1 evil\n'), names: [['hosts', 'pc3']] },
  { name: 'hosts file deleted', apply: async (p) => unlinkSync(hostsPath(ns(p, 'pc4'))), names: [['hosts', 'pc4']] },
  { name: 'namespace deleted', apply: async (p) => void (await sh('ip', 'netns', 'del', ns(p, 'pc2'))), names: [['netns', 'pc2']],
    recreated: (p) => [`${ns(p, 'pc2')}/lo`, `${ns(p, 'pc2')}/eth0`, `${ns(p, 'access-sw')}/p2`] },
]);

suite('office', 'faithful', [
  { name: 'firewall chain flushed', apply: async (p) => void (await inNs(ns(p, 'rtr'), 'nft', 'flush', 'chain', 'inet', 'vnetmap-fw', 'forward')), names: [['nft', 'inet vnetmap-fw']] },
  { name: 'firewall table deleted', apply: async (p) => void (await inNs(ns(p, 'web'), 'nft', 'delete', 'table', 'inet', 'vnetmap-fw')), names: [['nft', 'web nft table inet vnetmap-fw']] },
]);

suite('web-farm', 'faithful', [
  { name: 'load balancer rules flushed', apply: async (p) => void (await inNs(ns(p, 'lvs'), 'nft', 'flush', 'chain', 'ip', 'vnetmap', 'prerouting')), names: [['nft', 'ip vnetmap']] },
  { name: 'proxy killed', apply: async (p) => {
      process.kill(readState(p.lab)!.daemons!['lvs.ssh-web1']!.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
    }, names: [['daemon', 'lvs.ssh-web1']] },
]);

suite('network-b', 'ovs', [
  { name: 'OVS port deleted', apply: async (p) => {
      const port = p.objects.find((o) => o.kind === 'ovs-port')!;
      await sh('ovs-vsctl', 'del-port', (port as { bridge: string }).bridge, (port as { name: string }).name);
    }, names: [['ovs-port', 'port']] },
  { name: 'OVS port re-tagged', apply: async (p) => {
      const port = p.objects.find((o) => o.kind === 'ovs-port' && o.tag !== undefined)! as { name: string };
      await sh('ovs-vsctl', 'set', 'port', port.name, 'tag=99');
    }, names: [['ovs-port', 'port']] },
  { name: 'TX checksum offload back on', apply: async (p) => void (await inNs(ns(p, 'pc3'), 'ethtool', '-K', 'eth0', 'tx', 'on')), names: [['offload', 'pc3/eth0']] },
  { name: 'root veth end of an OVS port deleted', apply: async (p) => {
      const port = p.objects.find((o) => o.kind === 'ovs-port')! as { name: string };
      await sh('ip', 'link', 'del', port.name);
    }, names: [['device', 'host/']],
    recreated: (p) => {
      const port = p.objects.find((o) => o.kind === 'ovs-port')! as { name: string };
      const v = p.objects.find((o) => o.kind === 'veth' && (o.a.name === port.name || o.b.name === port.name));
      return v && v.kind === 'veth' ? [v.a, v.b].map((e) => `${e.namespace ?? 'host'}/${e.name}`) : [];
    } },
], true);

suite('network-a-vms', 'macvtap', [
  { name: 'macvlan mode changed', apply: async (p) => {
      const m = p.objects.find((o) => o.kind === 'macvlan')!;
      if (m.kind !== 'macvlan' || m.namespace === null) throw new Error('no macvlan child in the plan');
      await sh('ip', '-n', m.namespace, 'link', 'set', 'dev', m.name, 'type', m.tap ? 'macvtap' : 'macvlan', 'mode', m.mode === 'private' ? 'bridge' : 'private');
    }, names: [['device', 'eth0']],
    recreated: (p) => {
      const m = p.objects.find((o) => o.kind === 'macvlan')!;
      return m.kind === 'macvlan' ? [`${m.namespace}/${m.name}`] : [];
    } },
]);

describe.skipIf(!isRoot)('status on the command line', () => {
  it('exits 1 on drift, 0 without, and names the drifted object', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = await examplePlan('network-a', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('network-a') });
    const clean = await runner.run(['node', cliPath(), 'status', lab], { allowFail: true });
    expect(clean.code, clean.stderr).toBe(0);
    await sh('ip', '-n', nsOf(plan, 'pc1'), 'link', 'set', 'eth0', 'down');
    const dirty = await runner.run(['node', cliPath(), 'status', lab], { allowFail: true });
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(/drift: different vn-\S+-pc1\/eth0: device is down \(planned up\)/);
    // The state still says which design it was: status reads it, not the design.
    expect(readState(lab)?.designFile).toBe(example('network-a'));
    await destroyLab(lab, runner);
  });
});
