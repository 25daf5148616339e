// A router's firewall and load balancer on the OVN engine (docs/ovn.md, "Firewalls and load
// balancers"): examples/office-farm.yaml on 2 simulated chassis — the firewall as ACLs, the
// source-hash balancer as an OVN load balancer. verify passes against the design; deleting the
// ACL of one rule by hand (a mutation of the twin, not of the design) makes exactly that rule's
// checks fail and `status` counts the row missing; `up` puts the row back; `down` leaves nothing. Skipped by name where OVN is missing.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { labDir, readState } from '../../src/apply/state.js';
import { loadOrThrow } from '../../src/cli/expect.js';
import { layoutOf } from '../../src/engines/ovn/apply/paths.js';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { verifyLive, type Check, type CheckKind } from '../../src/verify/verify.js';
import { example, isRoot, processesNaming, runner, uniqueLab } from './realize-helpers.js';

const ready = isRoot && (await ovnInstalled(runner));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await ovnEngine.down(l, runner, {}).catch(() => undefined);
});

async function verify(lab: string, kinds: CheckKind[] = ['ping', 'tcp']) {
  const st = readState(lab)!;
  const design = loadOrThrow(st.designFile);
  return verifyLive(st.plan, design, runner, { comparison: ovnEngine.compare(design, st.ovn!), kinds });
}
const failed = (cs: Check[]) => cs.filter((c) => !c.ok).map((c) => `${c.kind} ${c.from} -> ${c.to}`).sort();

describe.skipIf(!ready)(`OVN engine: a router's firewall as ACLs, its load balancer as an OVN load balancer${ready ? '' : ' (skipped: needs root and OVN: apt-get install ovn-central ovn-host)'}`, () => {
  it('office-farm on 2 chassis: verify = design; one rule\'s ACL deleted fails exactly its checks; up puts it back; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, example('office-farm'), { lab, chassis: '2' }, runner);
    // Rule 1 (reject inside → outside tcp/25) is one ACL, on the inside switch.
    const rule = plan.logical.filter((o) => o.kind === 'acl' && o.realizes.includes('firewall:rtr/0'));
    expect(rule).toHaveLength(1);
    expect(plan.logical.filter((o) => o.kind === 'lb' && o.service)).toHaveLength(1);
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { action: string }).action).toBe('created');

    expect((await ovnEngine.status(lab, runner)).ok).toBe(true);
    // Every row counted, none missing: an up of the running lab has nothing to do.
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { action: string }).action).toBe('unchanged');
    const good = await verify(lab);
    expect(failed(good.checks)).toEqual([]);
    expect(good.unexplained).toBe(0);
    // The firewall decided something (isp reaches no inside host; tcp/25 out is refused) and the balancer balanced.
    expect(good.checks.some((c) => c.kind === 'ping' && c.from === 'isp' && c.to === 'pc1' && !c.expected && c.ok)).toBe(true);
    expect(good.checks.some((c) => c.kind === 'tcp' && c.to.includes('service:rtr/0') && c.expected && c.ok)).toBe(true);
    expect(good.checks.some((c) => c.kind === 'tcp' && c.to.includes(':25') && c.from === 'pc1' && !c.expected && c.ok)).toBe(true);

    // The mutation: the rule's ACL removed from its switch (OVN deletes the unreferenced row).
    const nbctl = ['ovn-nbctl', `--db=unix:${layoutOf(lab).nbSock}`];
    const uuid = (await runner.run([...nbctl, '--bare', '--columns=_uuid', 'find', 'ACL', 'external_ids:"vnetmap-realizes"="firewall:rtr/0"'])).stdout.trim();
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const acl = rule[0]!;
    expect(acl.kind === 'acl' && acl.ls).toBe(`${lab}.d1`);
    await runner.run([...nbctl, '--wait=hv', '--timeout=20', 'remove', 'Logical_Switch', `${lab}.d1`, 'acls', uuid]);
    const st = await ovnEngine.status(lab, runner);
    expect(st.ok).toBe(false);
    expect(st.text(true)).toContain(`the Northbound holds ${rule.length ? plan.logical.filter((o) => ['ls', 'lr', 'lb', 'acl'].includes(o.kind)).length - 1 : 0} of the lab's`);
    const cut = await verify(lab, ['tcp']);
    // Exactly the connections from the inside to isp's tcp/25 now land where the design refuses them.
    expect(failed(cut.checks)).toEqual(['tcp pc1 -> isp 203.0.113.1:25 [firewall:rtr/0]', 'tcp web1 -> isp 203.0.113.1:25 [firewall:rtr/0]', 'tcp web2 -> isp 203.0.113.1:25 [firewall:rtr/0]']);

    // up puts the lab's rows back, and the twin is the design's again.
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { restarted: string[] }).restarted).toContain('northbound rows');
    expect(failed((await verify(lab, ['tcp'])).checks)).toEqual([]);
    expect((await ovnEngine.status(lab, runner)).ok).toBe(true);

    const down = (await ovnEngine.down(lab, runner, {})).json as { namespaces: number };
    expect(down.namespaces).toBe(8);
    const named = (n: string) => n.startsWith(`vn-${lab}-`) || n.startsWith(`vn-${lab}.`);
    expect(existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter(named) : []).toEqual([]);
    expect(processesNaming(labDir(lab))).toEqual([]);
    expect(existsSync(labDir(lab))).toBe(false);
  }, 90_000);

  it('services of hosts (a process, a TCP proxy, an nftables balancer) run in their namespaces on the chassis: verify = design; down stops them', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, 'test/fixtures/ovn-host-services.yaml', { lab, chassis: '2' }, runner);
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { action: string }).action).toBe('created');
    const pids = async (node: string) => (await runner.run(['ip', 'netns', 'pids', `vn-${lab}-${node}`])).stdout.split('\n').filter(Boolean).map(Number);
    const started = [...(await pids('web1')), ...(await pids('relay'))];
    expect(started.length).toBeGreaterThanOrEqual(2); // the web server and socat
    const v = await verify(lab, ['tcp']);
    expect(failed(v.checks)).toEqual([]);
    for (const what of ['service:web1/0', 'service:dir/0', 'web2:22']) expect(v.checks.some((c) => c.kind === 'tcp' && c.to.includes(what) && c.expected && c.ok), what).toBe(true);
    await ovnEngine.down(lab, runner, {});
    const alive = started.filter((p) => existsSync(`/proc/${p}/cmdline`) && readFileSync(`/proc/${p}/cmdline`, 'utf8').length > 0);
    expect(alive).toEqual([]);
    expect(existsSync(labDir(lab))).toBe(false);
  }, 90_000);
});
