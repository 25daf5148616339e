// Dynamic routing in a real twin: three FRR instances (zebra + ospfd each, in the routers'
// namespaces) converge to the routes the semantics engine computes; verify checks them and
// the probes; a link cut with setLink re-converges onto the costlier path, verify follows the
// cut, and the link back up restores the first routes. Link impairments: the rate with tbf,
// delay with netem where the kernel has it (a clear refusal naming netem where it has not).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { impairLink, setLink } from '../../src/apply/link.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { readState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { FRR_DIR } from '../../src/plan/frr.js';
import type { Design } from '../../src/model/types.js';
import type { Plan } from '../../src/plan/types.js';
import { designWithCuts, planWithCuts } from '../../src/semantics/cuts.js';
import { readTable } from '../../src/verify/routes-phase.js';
import { verifyLive } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const hasFrr = existsSync(`${FRR_DIR}/ospfd`);
const lab = uniqueLab();
let plan: Plan;
let design: Design;

/** r1's live next hop(s) towards pc3's LAN. */
async function r1ToLan3(): Promise<string[] | undefined> {
  const t = await readTable(runner, lab, 'r1');
  if (t instanceof Error) throw t;
  return t.get('10.3.0.0/24')?.vias;
}

describe.skipIf(!isRoot || !hasFrr)(`OSPF in the twin (${!hasFrr ? 'skipped: FRR is not installed' : 'FRR'})`, () => {
  beforeAll(async () => {
    const r = await planFromDesignFile(kernelEngine, example('ospf-triangle'), { lab, strategy: 'faithful' }, runner);
    plan = r.plan;
    design = r.design;
    await applyPlan(plan, runner, { designFile: r.designFile });
  }, 60_000);
  afterAll(async () => {
    await destroyLab(lab, runner).catch(() => undefined);
    expect(await leftovers(lab)).toEqual(NOTHING);
    expect(Number((await runner.run(['pgrep', '-c', '-f', `/run/vnetmap/${lab}/`], { allowFail: true })).stdout.trim() || 0)).toBe(0);
  }, 30_000);

  it('converges to the computed routes; verify checks them, then the probes', async () => {
    const r = await verifyLive(plan, design, runner, { kinds: ['route', 'ping'], neigh: false, backlog: false, convergeMs: 20_000 });
    const routes = r.checks.filter((c) => c.kind === 'route');
    expect(routes.length).toBe(7);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.convergedMs).toBeLessThan(20_000);
    expect(await r1ToLan3()).toEqual(['10.0.12.2']);
  }, 60_000);

  it('a cut link re-converges onto the costlier path; verify follows the cut; up restores it', async () => {
    const down = await setLink(lab, 'r1:b', 'down', design, runner, { timeoutMs: 20_000 });
    expect(down.convergence?.ms).toBeLessThan(20_000);
    expect(await r1ToLan3()).toEqual(['10.0.13.2']);
    const st = readState(lab)!;
    expect(st.cuts?.map((c) => c.end)).toEqual(['r1:b']);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    const r = await verifyLive(planWithCuts(plan, st.cuts!), designWithCuts(design, st.cuts!), runner, { kinds: ['route', 'ping'], neigh: false, backlog: false, convergeMs: 20_000 });
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    // r2 lost r1: pc1 and r2/a no longer reach each other.
    expect(r.checks.find((c) => c.kind === 'ping' && c.from === 'pc1' && c.to === 'r2/a')?.observed).toBe(false);
    const up = await setLink(lab, 'r1:b', 'up', design, runner, { timeoutMs: 20_000 });
    expect(up.convergence?.ms).toBeLessThan(20_000);
    expect(await r1ToLan3()).toEqual(['10.0.12.2']);
    expect(readState(lab)!.cuts ?? []).toEqual([]);
  }, 90_000);

  it('impairs a link end: the rate with tbf, delay with netem or a refusal naming it', async () => {
    const rec = await impairLink(lab, 'r2:c', { rate: 10_000_000 }, design, runner);
    const ns = nsOf(plan, 'r2');
    const show = async () => (await runner.run(['ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'show', 'dev', 'c'])).stdout;
    expect(await show()).toMatch(rec!.qdisc === 'tbf' ? /tbf .*rate 10Mbit/ : /netem .*rate 10Mbit/);
    const delayed = impairLink(lab, 'r2:c', { delayMs: 20 }, design, runner);
    if (rec!.qdisc === 'tbf') await expect(delayed).rejects.toThrow(/no netem .*--delay/);
    else expect((await delayed)?.qdisc).toBe('netem');
    expect((await labStatus(lab, runner)).impairments?.map((i) => i.end)).toEqual(['r2:c']);
    await impairLink(lab, 'r2:c', {}, design, runner);
    expect(await show()).not.toMatch(/tbf|netem/);
    expect(readState(lab)!.impairments ?? []).toEqual([]);
  }, 30_000);

  it('a cost changed by hand with vtysh is drift of r1.ospfd (the file up wrote is unchanged); up restarts it with its configuration', async () => {
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    const vty = ['vtysh', '--vty_socket', `/run/vnetmap/${lab}/daemons/r1.zebra`, '-d', 'ospfd'];
    await runner.run([...vty, '-c', 'configure terminal', '-c', 'interface lan', '-c', 'ip ospf cost 20']);
    const drift = (await labStatus(lab, runner)).drift;
    expect(drift.map((d) => [d.kind, d.object, d.detail])).toEqual([['different', 'daemon r1.ospfd', expect.stringContaining('"interface lan: ip ospf cost 10"')]]);
    const up = await applyPlan(plan, runner, { designFile: example('ospf-triangle') });
    expect([up.action, up.repaired.map((d) => d.object)]).toEqual(['repaired', ['daemon r1.ospfd']]);
    expect((await runner.run([...vty, '-c', 'show running-config'])).stdout).toMatch(/interface lan\n.*\n ip ospf cost 10\n/);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
  }, 30_000);
});

describe.skipIf(!isRoot || !hasFrr)(`BGP in the twin (${!hasFrr ? 'skipped: FRR is not installed' : 'FRR'})`, () => {
  const bgpLab = uniqueLab();
  afterAll(async () => {
    await destroyLab(bgpLab, runner).catch(() => undefined);
    expect(await leftovers(bgpLab)).toEqual(NOTHING);
  }, 30_000);

  it('sessions come up and policies (prepend, local-pref, prefix list) choose the paths the semantics chose', async () => {
    const r = await planFromDesignFile(kernelEngine, example('bgp-three-as'), { lab: bgpLab, strategy: 'faithful' }, runner);
    await applyPlan(r.plan, runner, { designFile: r.designFile });
    const v = await verifyLive(r.plan, r.design, runner, { kinds: ['route', 'ping'], neigh: false, backlog: false, convergeMs: 30_000 });
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.checks.filter((c) => c.kind === 'route').length).toBe(6);
    const t = await readTable(runner, bgpLab, 'r3');
    if (t instanceof Error) throw t;
    // Through r2, not straight from r1 (r1 prepends its AS twice towards r3).
    expect(t.get('10.1.0.0/24')).toEqual({ proto: 'bgp', vias: ['172.16.23.1'] });
  }, 60_000);
});
