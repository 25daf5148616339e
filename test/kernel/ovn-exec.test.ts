// Hosts' exec: commands on the OVN engine: run once in the hosts' namespaces after every port is
// up (pc1's ping of pc2 needs the logical switch), in design order per node; a failing one is
// reported with its exit and stderr, and the lab stays; the exported script runs them too.
// Skipped by name where OVN is missing.
import { afterAll, describe, expect, it } from 'vitest';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import type { OvnUpResult } from '../../src/engines/ovn/apply/up.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { isRoot, runner, uniqueLab } from './realize-helpers.js';
import { leftovers, NOTHING } from './ovn-verify.js';

const FILE = 'test/fixtures/ovn-exec.yaml';
const ready = isRoot && (await ovnInstalled(runner));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await ovnEngine.down(l, runner, {}).catch(() => undefined);
});

const finTimeout = async (lab: string, node: string): Promise<string> => (await runner.run(['ip', 'netns', 'exec', `vn-${lab}-${node}`, 'sysctl', '-n', 'net.ipv4.tcp_fin_timeout'])).stdout.trim();

describe.skipIf(!ready)(`OVN engine: hosts' exec commands${ready ? '' : ' (skipped: needs root and OVN: apt-get install ovn-central ovn-host)'}`, () => {
  it('run after every port is up, in order; a failure is reported and the lab stays', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, FILE, { lab, chassis: '2' }, runner);
    const out = await ovnEngine.up(plan, runner, { designFile });
    const r = out.json as OvnUpResult;
    expect(r.action).toBe('created');
    expect(r.exec.map((x) => [x.node, x.argv[0], x.code])).toEqual(
      expect.arrayContaining([
        ['pc1', 'sysctl', 0],
        ['pc1', 'ping', 0],
        ['pc2', 'sysctl', 0],
        ['pc2', 'sh', 3],
      ]),
    );
    expect(r.exec).toHaveLength(4);
    expect(out.errors).toEqual([expect.stringMatching(/^exec on pc2 \(exec:pc2\/1\) "sh -c echo this one fails >&2; exit 3" exited with 3: this one fails$/)]);
    expect(out.detail).toContain('  exec: 3 of 4 command(s) succeeded');
    expect(await finTimeout(lab, 'pc1')).toBe('17');
    expect(await finTimeout(lab, 'pc2')).toBe('19');
    // The lab stays, healthy; an up with nothing to do runs nothing again.
    expect((await ovnEngine.status(lab, runner)).ok).toBe(true);
    const again = (await ovnEngine.up(plan, runner, { designFile })).json as OvnUpResult;
    expect([again.action, again.exec]).toEqual(['unchanged', []]);
    await ovnEngine.down(lab, runner, {});
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);

  it('the exported script runs them too, after the ports are up, and says which failed', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan } = await planFromDesignFile(ovnEngine, FILE, { lab, chassis: '2' }, runner);
    const up = await runner.run(['bash', '-s', 'up'], { input: ovnEngine.script(plan), allowFail: true, timeoutMs: 90_000 });
    expect(up.code, up.stderr.slice(-500)).toBe(0);
    expect(up.stderr).toContain(`vnetmap ${lab}: exec on pc2 (exec:pc2/1) failed`);
    expect(up.stderr).not.toContain('exec on pc1');
    expect(await finTimeout(lab, 'pc1')).toBe('17');
    await ovnEngine.down(lab, runner, {});
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);
});
