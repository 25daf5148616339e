// SIGKILL `vnetmap up` at several moments: `down` must then leave nothing (the journal and
// the markers find everything, even objects created before their marker), and a new `up`
// of the same lab must succeed.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { cliPath } from '../../src/apply/design.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { listNamespaces } from '../../src/apply/discover.js';
import { readJournal } from '../../src/apply/journal.js';
import { netnsName } from '../../src/plan/names.js';
import { PHASES, type Phase } from '../../src/render/steps.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, ovsRunning, ping, nsOf, runner, uniqueLab } from './realize-helpers.js';

const BIN = cliPath();
const ready = isRoot && existsSync(BIN) && (await ovsRunning());
const why = !isRoot ? 'needs root' : !existsSync(BIN) ? 'dist not built: npm run build' : 'Open vSwitch not running';
// Moments to kill at: before Node has even started the build, and as soon as the journal
// (which `up` writes before each phase, with its pid) shows a phase, or the first namespace exists.
type Moment = { ms: number } | { phase: Phase } | { firstNetns: true };
const MOMENTS: Moment[] = [{ ms: 50 }, { firstNetns: true }, { phase: 'devices' }, { phase: 'links' }, { phase: 'ovs' }, { phase: 'config' }, { phase: 'offload' }];
const label = (m: Moment): string => ('ms' in m ? `after ${m.ms} ms` : 'phase' in m ? `in phase ${m.phase}` : 'once the first namespace exists');

/** Start `vnetmap up` and SIGTERM it once the journal shows `phase`: it should stop and clean up. */
async function upTerminatedAt(lab: string, phase: Phase): Promise<{ code: number | null; stderr: string }> {
  const run = runner.run(['node', BIN, 'up', example('network-b'), '--lab', lab, '--strategy', 'ovs', '--capabilities', 'minimal'], { allowFail: true, timeoutMs: 60_000 });
  for (let i = 0; i < 6000; i++) {
    const j = readJournal(lab);
    if (j && j.phase !== 'done' && PHASES.indexOf(j.phase) >= PHASES.indexOf(phase)) {
      process.kill(j.pid, 'SIGTERM');
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return run;
}

/** Start `vnetmap up` and SIGKILL it (by the pid it wrote, a process this test started) at the moment. */
async function upKilledAt(lab: string, m: Moment): Promise<{ code: number | null; killedIn?: string }> {
  const argv = ['node', BIN, 'up', example('network-b'), '--lab', lab, '--strategy', 'ovs', '--capabilities', 'minimal', '--json'];
  if ('ms' in m) return runner.run(argv, { allowFail: true, timeoutMs: m.ms });
  const run = runner.run(argv, { allowFail: true, timeoutMs: 60_000 });
  let finished = false;
  void run.then(() => (finished = true));
  const prefix = netnsName(lab, '');
  for (let i = 0; i < 6000 && !finished; i++) {
    const j = readJournal(lab);
    const hit = j && j.phase !== 'done' && ('phase' in m ? PHASES.indexOf(j.phase) >= PHASES.indexOf(m.phase) : (await listNamespaces(runner)).some((n) => n.startsWith(prefix)));
    if (j && hit) {
      process.kill(j.pid, 'SIGKILL');
      return { code: (await run).code, killedIn: j.phase };
    }
    await new Promise((r) => setTimeout(r, 'phase' in m ? 2 : 0));
  }
  return { code: (await run).code };
}

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

describe.skipIf(!ready)(`crash-safe up${ready ? '' : ` (skipped: ${why})`}`, () => {
  it('SIGTERM during up: it stops between steps and removes what it built', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const r = await upTerminatedAt(lab, 'links');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted');
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  MOMENTS.forEach((m, i) => {
    const viaUp = i % 2 === 1;
    it(`SIGKILL ${label(m)}, then ${viaUp ? 'up again recovers on its own' : 'down leaves nothing and up works'}`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const killed = await upKilledAt(lab, m);
      // It really died mid-way (a signal, no exit code), not after finishing.
      expect(killed.code).toBe(null);
      // The killed process's own children (ip -batch, ovs-vsctl) may still finish their work.
      await new Promise((r) => setTimeout(r, 400));
      if (viaUp) {
        // No down: the next up sees the unfinished journal of a dead pid and cleans up first.
      } else {
        const down = await runner.run(['node', BIN, 'down', lab], { allowFail: true, timeoutMs: 30_000 });
        expect(down.code, down.stderr).toBe(0);
        expect(await leftovers(lab)).toEqual(NOTHING);
      }
      const plan = await examplePlan('network-b', 'ovs', lab);
      const res = await applyPlan(plan, runner, { designFile: example('network-b') });
      expect(res.action).toBe('created');
      expect(await ping(nsOf(plan, 'pc3'), '192.168.10.1')).toBe(true);
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
    });
  });
});
