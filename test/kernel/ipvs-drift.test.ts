// IPVS drift on a kernel with ip_vs: the web farm's NAT load balancer is an IPVS service there.
// Changed by hand inside the director's namespace (a real server deleted, one re-weighted, the
// service deleted, a service added), `status` names exactly it, with the load balancer's
// realizes, and `up` repairs exactly it; the table is then the planned one again. Our CI kernel
// has no ip_vs: the test is skipped by name there, and the comparison and the repair's commands
// are covered by test/unit/ipvs-drift.test.ts (observed texts and golden ipvsadm lines). What
// does run there: the observer really runs ipvsadm -Sn inside the director's namespace, and a
// table it cannot read is reported, not taken for an empty one.
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { cliPath } from '../../src/apply/design.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { probeCapabilities } from '../../src/apply/probe.js';
import { readState, writeState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { IPVS_SAVE_ARGV } from '../../src/observe/ipvs.js';
import type { IpvsObj, Plan } from '../../src/plan/types.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const caps = isRoot ? await probeCapabilities(runner) : undefined;
const lab = uniqueLab();
const bare = uniqueLab();
afterAll(async () => {
  if (caps?.ipvs) await destroyLab(lab, runner).catch(() => undefined);
  if (caps && !caps.ipvs) await destroyLab(bare, runner).catch(() => undefined);
});

const ipvsadm = (ns: string, ...args: string[]) => runner.run(['ip', 'netns', 'exec', ns, 'ipvsadm', ...args]);
const SVC = '198.51.100.80:80';

describe.skipIf(!caps?.ipvs)(`IPVS drift: status names it, up repairs it${caps?.ipvs ? '' : isRoot ? ' (skipped: this kernel has no ip_vs)' : ' (skipped: needs root)'}`, () => {
  let plan: Plan;
  let lvs: string;
  let table: string;
  it('builds the web farm with an IPVS service and no drift', async () => {
    plan = await examplePlan('web-farm', 'faithful', lab);
    expect(plan.objects.filter((o) => o.kind === 'ipvs').map((o) => o.name)).toEqual(['web']);
    lvs = nsOf(plan, 'lvs');
    await applyPlan(plan, runner, { designFile: example('web-farm') });
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    table = (await ipvsadm(lvs, ...IPVS_SAVE_ARGV.slice(1))).stdout;
    expect(table).toContain(`-a -t ${SVC} -r 10.0.1.12:80 -m -w 1`);
  });

  const cases: [string, string[][], RegExp][] = [
    ['a real server deleted (ipvsadm -d)', [['-d', '-t', SVC, '-r', '10.0.1.12:80']], /^load balancer web: real server 10\.0\.1\.12:80 missing$/],
    ['a real server re-weighted (ipvsadm -e)', [['-e', '-t', SVC, '-r', '10.0.1.11:80', '-m', '-w', '5']], /^load balancer web: real server 10\.0\.1\.11:80 weight 5 \(planned 1\)$/],
    ['the scheduler changed, persistence set (ipvsadm -E)', [['-E', '-t', SVC, '-s', 'wrr', '-p', '60']], /^load balancer web: scheduler wrr \(planned rr\); persistent 60 s \(planned not persistent\)$/],
    ['the service deleted (ipvsadm -D)', [['-D', '-t', SVC]], /^load balancer web: IPVS virtual service missing/],
    ['a service added by hand (ipvsadm -A)', [['-A', '-t', '198.51.100.80:443', '-s', 'rr'], ['-a', '-t', '198.51.100.80:443', '-r', '10.0.1.11:443', '-m']], /^IPVS virtual service not in the plan/],
  ];
  for (const [name, cmds, detail] of cases) {
    it(`${name}: status names it, up repairs only it`, async () => {
      for (const c of cmds) await ipvsadm(lvs, ...c);
      const st = await labStatus(lab, runner);
      expect(st.drift.map((d) => d.what)).toEqual(['ipvs']);
      const d = st.drift[0]!;
      expect(d.detail).toMatch(detail);
      expect(d.namespace).toBe(lvs);
      if (d.kind !== 'extra') expect(d.realizes).toEqual(['service:lvs/0']);
      // The command line says it too, and exits 1.
      const cli = await runner.run(['node', cliPath(), 'status', lab], { allowFail: true });
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`drift: ${d.kind} ${d.object}: ${d.detail}`);
      const res = await applyPlan(plan, runner, { designFile: example('web-farm') });
      expect(res.action).toBe('repaired');
      expect(res.repaired.map((x) => x.object)).toEqual([d.object]);
      expect(res.left).toEqual([]);
      expect((await labStatus(lab, runner)).drift).toEqual([]);
      expect((await ipvsadm(lvs, ...IPVS_SAVE_ARGV.slice(1))).stdout).toBe(table);
    });
  }

  it('down leaves nothing', async () => {
    await destroyLab(lab, runner);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });
});

describe.skipIf(!caps || caps.ipvs)(`IPVS drift where the kernel has no ip_vs${caps && !caps.ipvs ? '' : ' (skipped: the kernel has ip_vs, or not root)'}`, () => {
  it('the observer runs ipvsadm -Sn in the director: an unreadable table is reported as such', async () => {
    // Built here with nftables balancers; the lab's state is then given an IPVS service, as a
    // plan made where the kernel had ip_vs would hold.
    const plan = await examplePlan('web-farm', 'faithful', bare);
    await applyPlan(plan, runner, { designFile: example('web-farm') });
    const lvs = nsOf(plan, 'lvs');
    const web: IpvsObj = { kind: 'ipvs', namespace: lvs, name: 'web', protocol: 'tcp', vip: '198.51.100.80', port: 80, scheduler: 'rr', backends: [{ addr: '10.0.1.11', port: 80, weight: 1 }], realizes: ['service:lvs/0'] };
    const st = readState(bare)!;
    writeState({ ...st, plan: { ...st.plan, objects: [...st.plan.objects, web] } });
    const drift = (await labStatus(bare, runner)).drift;
    expect(drift.map((d) => `${d.kind} ${d.what} ${d.object}: ${d.detail}`)).toEqual([`missing ipvs ${lvs} ipvs tcp ${SVC}: load balancer web: IPVS table unreadable (ipvsadm -Sn: Can't initialize ipvs: Protocol not available); 1 real server(s) planned`]);
    expect(drift[0]!.realizes).toEqual(['service:lvs/0']);
    const cli = await runner.run(['node', cliPath(), 'status', bare], { allowFail: true });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`drift: missing ${lvs} ipvs tcp ${SVC}: load balancer web: IPVS table unreadable`);
    await destroyLab(bare, runner);
    expect(await leftovers(bare)).toEqual(NOTHING);
  });
});
