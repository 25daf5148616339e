// Nothing the user made with a name vnetmap would use is modified or deleted: files under
// /etc/netns/<lab namespace>, namespaces, root devices and OVS bridges of the names a lab uses.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { UserError } from '../../src/errors.js';
import { netnsName } from '../../src/plan/names.js';
import { hostsHeader } from '../../src/render/hosts.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, ovsRunning, runner, uniqueLab } from '../kernel/realize-helpers.js';

const labs: string[] = [];
const paths: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  for (const p of paths) rmSync(p, { recursive: true, force: true });
});
const ovsUp = isRoot && (await ovsRunning());

describe.skipIf(!isRoot)(`what the user made stays as it is${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it("a hosts file of the user's where the lab's would go: up refuses before creating anything, the file stays", async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const dir = `/etc/netns/${netnsName(lab, 'pc3')}`;
    paths.push(dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/hosts`, '10.0.0.1 mine\n');
    const plan = await examplePlan('network-a', 'faithful', lab);
    const err = await applyPlan(plan, runner, { designFile: example('network-a') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(String((err as Error).message)).toMatch(/hosts exists and was not written by vnetmap/);
    expect(readFileSync(`${dir}/hosts`, 'utf8')).toBe('10.0.0.1 mine\n');
    expect({ ...(await leftovers(lab)), etcNetns: [] }).toEqual(NOTHING);
    // down of the lab that never was leaves it too.
    await destroyLab(lab, runner);
    expect(readFileSync(`${dir}/hosts`, 'utf8')).toBe('10.0.0.1 mine\n');
  });

  it('a plain file where the lab keeps a namespace directory: up refuses, the file stays', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const file = `/etc/netns/${netnsName(lab, 'pc2')}`;
    paths.push(file);
    mkdirSync('/etc/netns', { recursive: true });
    writeFileSync(file, 'not a directory\n');
    const plan = await examplePlan('network-a', 'faithful', lab);
    const err = await applyPlan(plan, runner, { designFile: example('network-a') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(String((err as Error).message)).toMatch(/is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  it("the user's resolv.conf beside the lab's hosts file survives down, with its directory", async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = await examplePlan('network-a', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('network-a') });
    const dir = `/etc/netns/${netnsName(lab, 'pc1')}`;
    paths.push(dir);
    writeFileSync(`${dir}/resolv.conf`, 'nameserver 192.168.1.1\n');
    await destroyLab(lab, runner);
    expect(readFileSync(`${dir}/resolv.conf`, 'utf8')).toBe('nameserver 192.168.1.1\n');
    expect(existsSync(`${dir}/hosts`)).toBe(false);
    expect(existsSync(`/etc/netns/${netnsName(lab, 'pc2')}`)).toBe(false);
  });

  it("a run killed while writing a hosts file leaves the file beside: down removes it when it is ours (empty or marked), not the user's", async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = await examplePlan('network-a', 'faithful', lab);
    await applyPlan(plan, runner, { designFile: example('network-a') });
    const [d1, d2, d3] = ['pc1', 'pc2', 'pc3'].map((n) => `/etc/netns/${netnsName(lab, n)}`) as [string, string, string];
    paths.push(d1, d2, d3); // removed after the test even where down leaves them
    writeFileSync(`${d1}/hosts.vnetmap-999999`, ''); // killed between create and write
    writeFileSync(`${d2}/resolv.conf.vnetmap-999998`, `${hostsHeader(lab)}\nnameserver 192.168.1`); // killed mid-write
    writeFileSync(`${d3}/hosts.vnetmap-999997`, '10.0.0.1 mine\n'); // named like ours, but the user's
    writeFileSync(`${d3}/hosts.vnetmap-x`, ''); // not a name vnetmap writes
    await destroyLab(lab, runner);
    expect(existsSync(d1)).toBe(false);
    expect(existsSync(d2)).toBe(false);
    expect(readFileSync(`${d3}/hosts.vnetmap-999997`, 'utf8')).toBe('10.0.0.1 mine\n');
    expect(existsSync(`${d3}/hosts.vnetmap-x`)).toBe(true);
    expect(existsSync(`${d3}/hosts`)).toBe(false);
  });

  it.skipIf(!ovsUp)("an OVS bridge of the user's with a name the lab would use: up refuses, the bridge stays", async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = await examplePlan('network-b', 'ovs', lab);
    const br = plan.objects.find((o) => o.kind === 'ovs-bridge')!;
    const name = (br as { name: string }).name;
    await runner.run(['ovs-vsctl', '--timeout=5', 'add-br', name, '--', 'set', 'bridge', name, 'datapath_type=netdev']);
    try {
      const err = await applyPlan(plan, runner, { designFile: example('network-b') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(String((err as Error).message)).toContain(name);
      await destroyLab(lab, runner);
      expect((await runner.run(['ovs-vsctl', '--timeout=5', 'br-exists', name], { allowFail: true })).code).toBe(0);
    } finally {
      await runner.run(['ovs-vsctl', '--timeout=5', '--if-exists', 'del-br', name]);
    }
  });
});
