// Ownership and updates: two labs side by side do not interfere; a user's namespace with a
// name like ours is never removed and blocks `up` with a clear message; re-running `up` with
// a changed design rebuilds only the namespaces that changed; macvlan modes behave as on
// real hardware (children created on the server NIC, moved into the VM namespaces).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { listNamespaces } from '../../src/apply/discover.js';
import { labStatus } from '../../src/apply/status.js';
import { UserError } from '../../src/errors.js';
import { netnsName } from '../../src/plan/names.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, ovsRunning, ping, runner, uniqueLab } from './realize-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-safety-'));
const labs: string[] = [];
const userNs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  for (const n of userNs) await runner.run(['ip', 'netns', 'del', n], { allowFail: true });
  rmSync(dir, { recursive: true, force: true });
});

const ovsUp = isRoot && (await ovsRunning());

const newLab = (): string => {
  const l = uniqueLab();
  labs.push(l);
  return l;
};

const ifindex = async (ns: string, dev: string): Promise<number> => JSON.parse((await runner.run(['ip', '-n', ns, '-j', 'link', 'show', 'dev', dev])).stdout)[0].ifindex as number;

describe.skipIf(!isRoot)(`ownership and updates${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('two labs side by side: removing one leaves the other working', async () => {
    const [a, b] = [newLab(), newLab()];
    const pa = await examplePlan('network-a', 'faithful', a);
    const pb = await examplePlan('network-a', 'faithful', b);
    await applyPlan(pa, runner, { designFile: example('network-a') });
    await applyPlan(pb, runner, { designFile: example('network-a') });
    expect(await ping(nsOf(pa, 'pc1'), '192.168.1.12')).toBe(true);
    await destroyLab(a, runner);
    expect(await leftovers(a)).toEqual(NOTHING);
    expect(await ping(nsOf(pb, 'pc1'), '192.168.1.12')).toBe(true);
    expect((await labStatus(b, runner)).drift).toEqual([]);
    await destroyLab(b, runner);
    expect(await leftovers(b)).toEqual(NOTHING);
  });

  it("a user's namespace named like ours blocks up (named in the message) and survives down", async () => {
    const lab = newLab();
    const mine = netnsName(lab, 'pc1');
    userNs.push(mine);
    await runner.run(['ip', 'netns', 'add', mine]);
    await runner.run(['ip', '-n', mine, 'link', 'add', 'br0', 'type', 'bridge']);
    const plan = await examplePlan('network-a', 'faithful', lab);
    const err = await applyPlan(plan, runner, { designFile: example('network-a') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(mine);
    await destroyLab(lab, runner);
    expect(await listNamespaces(runner)).toContain(mine);
    expect((await runner.run(['ip', '-n', mine, 'link', 'show', 'dev', 'br0'], { allowFail: true })).code).toBe(0);
    expect((await leftovers(lab)).namespaces).toEqual([mine]); // only the user's one
  });

  it.skipIf(!ovsUp)(`a user's OVS bridge with the name a lab needs blocks up and survives down${ovsUp ? '' : ' (skipped: Open vSwitch not running)'}`, async () => {
    const lab = newLab();
    const plan = await examplePlan('network-b', 'ovs', lab);
    const name = plan.objects.find((o) => o.kind === 'ovs-bridge')!.name as string;
    await runner.run(['ovs-vsctl', '--timeout=10', 'add-br', name, '--', 'set', 'bridge', name, 'datapath_type=netdev']);
    try {
      const err = await applyPlan(plan, runner, { designFile: example('network-b') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(name);
      await destroyLab(lab, runner);
      expect((await runner.run(['ovs-vsctl', '--timeout=5', 'br-exists', name], { allowFail: true })).code).toBe(0);
    } finally {
      await runner.run(['ovs-vsctl', '--timeout=10', '--if-exists', 'del-br', name]);
    }
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it("a lab namespace deleted by hand and re-created by the user under its name is the user's: down leaves it", async () => {
    // down proves ownership by the identity recorded at creation (inode and change time of the
    // namespace file), without entering each namespace; the kernel may hand the freed inode
    // number straight to the user's new namespace, but never its creation time.
    const lab = newLab();
    const plan = await examplePlan('figure-1', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('figure-1') });
    const theirs = plan.objects.find((o) => o.kind === 'netns')!.name as string;
    const kept = plan.objects.filter((o) => o.kind === 'netns').map((o) => o.name as string).filter((n) => n !== theirs);
    await runner.run(['ip', 'netns', 'del', theirs]);
    await runner.run(['ip', 'netns', 'add', theirs]);
    userNs.push(theirs);
    const res = await destroyLab(lab, runner);
    expect(res.namespaces).toBe(kept.length);
    const after = await listNamespaces(runner);
    expect(after).toContain(theirs);
    for (const n of kept) expect(after).not.toContain(n);
    await runner.run(['ip', 'netns', 'del', theirs]);
    // Its /etc/netns entry stays with it (the user's namespace may be using the names in it).
    expect(await leftovers(lab)).toEqual({ ...NOTHING, etcNetns: [theirs] });
    rmSync(`/etc/netns/${theirs}`, { recursive: true, force: true });
  });

  it("an unmarked namespace with our prefix but outside the plan survives up and down", async () => {
    const lab = newLab();
    const other = netnsName(lab, 'zz');
    userNs.push(other);
    await runner.run(['ip', 'netns', 'add', other]);
    const plan = await examplePlan('figure-1', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('figure-1') });
    await destroyLab(lab, runner);
    expect(await listNamespaces(runner)).toContain(other);
    await runner.run(['ip', 'netns', 'del', other]);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it('up with a changed design rebuilds only the namespaces that changed', async () => {
    const lab = newLab();
    // The design is edited in place, as people do: the same file, new content.
    const changed = join(dir, 'network-a-edited.yaml');
    writeFileSync(changed, readFileSync(example('network-a'), 'utf8'));
    const first = (await planFromDesignFile(kernelEngine, changed, { lab, strategy: 'faithful' }, runner)).plan;
    await applyPlan(first, runner, { designFile: changed });
    const pc1Before = await ifindex(nsOf(first, 'pc1'), 'eth0');
    writeFileSync(changed, readFileSync(example('network-a'), 'utf8').replace('192.168.1.12/24', '192.168.1.22/24'));
    const second = (await planFromDesignFile(kernelEngine, changed, { lab, strategy: 'faithful' }, runner)).plan;
    const res = await applyPlan(second, runner, { designFile: changed });
    expect(res.action).toBe('updated');
    expect(res.rebuilt).toEqual([netnsName(lab, 'pc2')]);
    expect(await ifindex(nsOf(second, 'pc1'), 'eth0')).toBe(pc1Before); // untouched
    expect(await ping(nsOf(second, 'pc1'), '192.168.1.22')).toBe(true);
    expect(await ping(nsOf(second, 'pc2'), '203.0.113.1')).toBe(true);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    expect((await applyPlan(second, runner, { designFile: changed })).action).toBe('unchanged');
    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it.skipIf(!ovsUp)(`moving a host to another VLAN on an OVS switch rebuilds only that host and retags its port${ovsUp ? '' : ' (skipped: Open vSwitch not running)'}`, async () => {
    const lab = newLab();
    const changed = join(dir, 'network-b-edited.yaml');
    writeFileSync(changed, readFileSync(example('network-b'), 'utf8'));
    const first = (await planFromDesignFile(kernelEngine, changed, { lab, strategy: 'ovs' }, runner)).plan;
    await applyPlan(first, runner, { designFile: changed });
    expect(await ping(nsOf(first, 'pc5'), '192.168.30.1')).toBe(true);
    writeFileSync(changed, readFileSync(example('network-b'), 'utf8').replace('[pc5:eth0, sw-right:p3], vlan: 30', '[pc5:eth0, sw-right:p3], vlan: 10'));
    const second = (await planFromDesignFile(kernelEngine, changed, { lab, strategy: 'ovs' }, runner)).plan;
    const res = await applyPlan(second, runner, { designFile: changed });
    expect(res.rebuilt).toEqual([netnsName(lab, 'pc5')]);
    // pc5 keeps its 192.168.30.x address but now sits in VLAN 10: cut off from its gateway.
    expect(await ping(nsOf(second, 'pc5'), '192.168.30.1')).toBe(false);
    expect(await ping(nsOf(second, 'pc6'), '192.168.30.1')).toBe(true);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it('up after a namespace was deleted behind its back rebuilds just that one', async () => {
    const lab = newLab();
    const plan = await examplePlan('network-a', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('network-a') });
    await runner.run(['ip', 'netns', 'del', netnsName(lab, 'pc3')]);
    expect((await labStatus(lab, runner)).drift.map((d) => d.object)).toContain(`netns ${netnsName(lab, 'pc3')}`);
    const res = await applyPlan(plan, runner, { designFile: example('network-a') });
    expect(res.action).toBe('repaired');
    expect(res.rebuilt).toEqual([netnsName(lab, 'pc3')]);
    expect(await ping(nsOf(plan, 'pc3'), '192.168.1.1')).toBe(true);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  const MV = `name: mv
nodes:
  srv: { kind: server, interfaces: { eth0: {} } }
  vm1: { kind: vm, server: srv, interfaces: { eth0: { address: 10.9.0.11/24 } } }
  vm2: { kind: vm, server: srv, interfaces: { eth0: { address: 10.9.0.12/24 } } }
  pc: { kind: host, interfaces: { eth0: { address: 10.9.0.20/24 } } }
  sw: { kind: switch, hairpin: [p1] }
links:
  - endpoints: [srv:eth0, sw:p1]
  - endpoints: [pc:eth0, sw:p2]
`;
  // child<->child per MACHINE.md: bridge yes, private no, vepa yes through the hairpin port.
  for (const [mode, vmToVm] of [['bridge', true], ['private', false], ['vepa', true]] as const) {
    it(`macvtap strategy, ${mode} mode: VM to VM ${vmToVm ? 'reaches' : 'is blocked'}, VM to the LAN reaches`, async () => {
      const lab = newLab();
      const f = join(dir, `mv-${mode}.yaml`);
      writeFileSync(f, MV);
      const plan = (await planFromDesignFile(kernelEngine, f, { lab, strategy: 'macvtap', macvlanMode: mode }, runner)).plan;
      expect(plan.objects.filter((o) => o.kind === 'macvlan').length).toBe(2);
      await applyPlan(plan, runner, { designFile: f });
      expect((await labStatus(lab, runner)).drift).toEqual([]);
      expect(await ping(nsOf(plan, 'vm1'), '10.9.0.20')).toBe(true);
      expect(await ping(nsOf(plan, 'vm1'), '10.9.0.12')).toBe(vmToVm);
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
    });
  }
});
