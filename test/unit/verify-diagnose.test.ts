// Failed checks explained by the drift between the live twin and its plan, matched through the
// objects the pair's packets cross in the plan (src/verify/diagnose.ts); and a prober that fails
// as a whole turns into failed checks that say why, never into an exception.
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/exec/runner.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { check } from '../../src/verify/checks.js';
import { diagnose, located, type DriftItem } from '../../src/verify/diagnose.js';
import { verifyLive } from '../../src/verify/verify.js';

const design = loadDesignFile('examples/network-a.yaml').design!;
const plan = compile(design, { strategy: 'faithful', capabilities: PRESETS.minimal! });
const L = `vn-${plan.lab}`;

describe('diagnose', () => {
  const drift: DriftItem[] = [
    { kind: 'different', object: `${L}-pc2/eth0`, detail: 'device is down (planned up)' },
    { kind: 'missing', object: `${L}-gw nft table ip vnetmap`, detail: 'NAT rules not loaded' },
    { kind: 'extra', object: `${L}-pc4/eth0 192.168.1.11/24`, detail: 'address not in the plan' },
  ];
  it('reads where a drift item is from its fields, else from its text', () => {
    expect(located(drift[0]!)).toEqual({ ns: `${L}-pc2`, dev: 'eth0' });
    expect(located(drift[1]!)).toEqual({ ns: `${L}-gw` });
    expect(located({ kind: 'missing', object: `netns ${L}-pc1`, detail: '' })).toEqual({ ns: `${L}-pc1` });
    expect(located({ kind: 'missing', object: 'whatever', detail: '', namespace: `${L}-pc1`, dev: 'eth0' })).toEqual({ ns: `${L}-pc1`, dev: 'eth0' });
  });

  it('a missing answer is explained by drift on its path only; an unexpected one by what was added', () => {
    const checks = [
      check('ping', 'pc1', 'pc2', true, false), // pc2 down: on the path
      check('ping', 'pc1', 'pc3', true, false), // nothing on its path
      check('tcp', 'internet', 'gw 203.0.113.2:8080 -> pc1:80', true, false), // NAT table on the path
      check('arp', 'pc3', 'pc4', true, true, { wrong: true, detail: '192.168.1.14 is also answered by pc4' }),
    ];
    diagnose(checks, plan, drift);
    expect(checks[0]!.explanation).toEqual([`${L}-pc2/eth0: device is down (planned up)`]);
    expect(checks[1]!.explanation![0]).toMatch(/^no drift on this pair's path; elsewhere: /);
    expect(checks[2]!.explanation).toContain(`${L}-gw nft table ip vnetmap: NAT rules not loaded`);
    expect(checks[3]!.explanation).toContain(`${L}-pc4/eth0 192.168.1.11/24: address not in the plan`);
  });

  it('refs of the drift item match the design elements the path crosses', () => {
    const checks = [check('ping', 'pc1', 'internet', true, false)];
    diagnose(checks, plan, [{ kind: 'missing', object: 'somewhere', detail: 'rule gone', realizes: ['masquerade:gw/0'] }]);
    expect(checks[0]!.explanation).toEqual(['somewhere: rule gone']);
  });

  it('without drift: says that the live objects match the plan', () => {
    const checks = [check('ping', 'pc1', 'pc2', true, false)];
    diagnose(checks, plan, []);
    expect(checks[0]!.explanation![0]).toMatch(/match the plan/);
  });
});

describe('a prober that fails as a whole', () => {
  it.each([
    [{ code: 1, stdout: '', stderr: 'Traceback ...\nPermissionError: [Errno 1] Operation not permitted\n' }, /the prober exited with 1: PermissionError/],
    [{ code: 0, stdout: 'not json', stderr: '' }, /no readable answer/],
    [{ code: null, stdout: '', stderr: '(killed by SIGKILL)' }, /the prober was stopped/],
  ])('turns into failed checks that say why (%#)', async (res, why) => {
    const runner = new RecordingRunner((argv) => (argv.some((a) => a.endsWith('probe.py')) ? res : undefined));
    const r = await verifyLive(plan, design, runner, { neigh: false, backlog: false, drops: () => 0 });
    expect(r.checks.length).toBeGreaterThan(0);
    for (const c of r.checks) expect(c).toMatchObject({ ok: false, error: expect.stringMatching(why) });
    expect(r.summary).toMatchObject({ passed: 0, errors: r.checks.length });
  });
});
