// The twin's daemons (plan DaemonObj): `up` writes their files and starts them in their
// namespace; `status` sees one that died or whose files changed; `up` starts it again (and only
// it); `down` stops it. The daemon here is socat serving a file of its directory to every
// connection.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { processStart } from '../../src/apply/daemons.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { readState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { daemonDir } from '../../src/paths.js';
import type { Plan } from '../../src/plan/types.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

const PAGE = 'hello from pc1\n';

function withDaemon(plan: Plan): Plan {
  return {
    ...plan,
    objects: [
      ...plan.objects,
      {
        kind: 'daemon',
        namespace: nsOf(plan, 'pc1'),
        name: 'web-pc1',
        argv: ['socat', 'TCP-LISTEN:7000,reuseaddr,fork', 'OPEN:{dir}/index.html,rdonly'],
        files: [{ name: 'index.html', content: PAGE }],
        realizes: ['node:pc1'],
      },
    ],
  };
}

/** What pc2 gets from pc1's server ('' when nothing answers). */
async function fetchPage(plan: Plan): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const r = await runner.run(['ip', 'netns', 'exec', nsOf(plan, 'pc2'), 'socat', '-T', '2', '-u', 'TCP:192.168.1.11:7000,connect-timeout=1', '-'], { allowFail: true, timeoutMs: 5000 });
    if (r.code === 0 && r.stdout) return r.stdout;
    await new Promise((res) => setTimeout(res, 100));
  }
  return '';
}

describe.skipIf(!isRoot)(`daemons of the twin${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('start with up, come back after dying or being changed, stop with down', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = withDaemon(await examplePlan('network-a', 'faithful', lab));
    await applyPlan(plan, runner, { designFile: example('network-a') });
    expect(await fetchPage(plan)).toBe(PAGE);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    const first = readState(lab)!.daemons!['web-pc1']!;

    // It dies: status says so, up starts it again and nothing else.
    process.kill(first.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect((await labStatus(lab, runner)).drift.map((d) => `${d.kind} ${d.object}`)).toEqual(['missing daemon web-pc1']);
    const res = await applyPlan(plan, runner, { designFile: example('network-a') });
    expect(res.action).toBe('repaired');
    expect(res.repaired.map((d) => d.what)).toEqual(['daemon']);
    expect(await fetchPage(plan)).toBe(PAGE);
    const second = readState(lab)!.daemons!['web-pc1']!;
    expect(second.pid).not.toBe(first.pid);

    // Its file is changed by hand: it is written again and the daemon restarted.
    writeFileSync(join(daemonDir(lab, 'web-pc1'), 'index.html'), 'defaced\n');
    expect((await labStatus(lab, runner)).drift.map((d) => `${d.kind} ${d.object}`)).toEqual(['different daemon web-pc1']);
    await applyPlan(plan, runner, { designFile: example('network-a') });
    expect(await fetchPage(plan)).toBe(PAGE);
    const third = readState(lab)!.daemons!['web-pc1']!;
    expect(processStart(second.pid)).toBeUndefined(); // the old one was stopped
    expect((await labStatus(lab, runner)).drift).toEqual([]);

    await destroyLab(lab, runner);
    expect(processStart(third.pid)).toBeUndefined();
    expect(await leftovers(lab)).toEqual(NOTHING);
  });
});
