// Fault injection: SIGKILL `up` at every phase boundary and at random moments, `down` and
// `verify` at random moments; afterwards `down` must leave no object, no process and no
// temporary file of the lab, and the next `up` must work. Concurrent runs of one lab must take
// turns (or refuse with --no-wait), never destroy each other's work.
//
// `npm test` runs a bounded set; VNETMAP_FAULTS=full (docs/faults.md) runs at least 100 kills.
// VNETMAP_FAULTS_SEED repeats a run's random moments.
import { afterAll, describe, expect, it } from 'vitest';
import { destroyLab } from '../../src/apply/destroy.js';
import { readJournal } from '../../src/apply/journal.js';
import { labStatus } from '../../src/apply/status.js';
import { PHASES } from '../../src/render/steps.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, nsOf, ovsRunning, ping, runner, uniqueLab } from '../kernel/realize-helpers.js';
import { describeMoment, FULL, killAt, labInodes, lingering, rng, scratchOf, start, whileStopped, type Moment } from './fault-helpers.js';

const ready = isRoot && (await ovsRunning());
const SEED = Number(process.env.VNETMAP_FAULTS_SEED ?? 20261207);
const random = rng(SEED);
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

const upArgs = (lab: string, design = 'network-b', strategy = 'ovs'): string[] => ['up', example(design), '--lab', lab, '--strategy', strategy, '--json'];

/** After a kill: `down` works and leaves nothing — objects, processes, scratch files. */
async function downLeavesNothing(lab: string, inodes: Set<string>, killed: number[]): Promise<void> {
  const down = await start(['down', lab]).done;
  expect(down.code, down.stderr).toBe(0);
  expect(await leftovers(lab)).toEqual(NOTHING);
  // Probes and batches of a killed run die with it (parent-death signal).
  expect(await lingering(lab, inodes, killed), `seed ${SEED}`).toEqual([]);
  expect(scratchOf(killed)).toEqual([]);
}

/** Then a fresh `up` of the same lab works and the twin forwards. */
async function upWorks(lab: string): Promise<void> {
  const up = await start(upArgs(lab)).done;
  expect(up.code, up.stderr).toBe(0);
  const plan = await examplePlan('network-b', 'ovs', lab);
  expect(await ping(nsOf(plan, 'pc3'), '192.168.10.1')).toBe(true);
}

describe.skipIf(!ready)(`fault injection (seed ${SEED}, ${FULL ? 'full' : 'bounded'} run)${ready ? '' : ' (skipped: needs root and Open vSwitch)'}`, () => {
  let upMs = 1500;
  it('measures an undisturbed up and down (the range random kills fall in)', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const up = await start(upArgs(lab)).done;
    expect(up.code, up.stderr).toBe(0);
    upMs = up.ms;
    const down = await start(['down', lab]).done;
    expect(down.code, down.stderr).toBe(0);
  });

  it('SIGTERM during up: it stops between steps, removes what it built, and exits 130', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const run = start(upArgs(lab));
    for (let i = 0; i < 30_000; i++) {
      const j = readJournal(lab);
      if (j && j.phase !== 'done' && PHASES.indexOf(j.phase) >= PHASES.indexOf('links')) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted');
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  // Every phase boundary of `up` once, then random moments. After every other kill no `down`
  // runs: the next `up` finds the journal of a dead run and cleans up by itself.
  const phases = FULL ? PHASES.filter((p) => p !== 'vlans' && p !== 'bridge-vlans') : (['netns', 'devices', 'links', 'ovs', 'config', 'offload'] as const);
  const randomUps = FULL ? 70 : 2;
  const moments: (Moment | 'random')[] = [...phases.map((phase) => ({ phase })), ...Array.from({ length: randomUps }, () => 'random' as const)];
  moments.forEach((m, i) => {
    const viaUp = i % 2 === 1;
    it(`SIGKILL up ${m === 'random' ? `at a random moment (#${i})` : describeMoment(m)}: ${viaUp ? 'the next up recovers by itself' : 'down leaves nothing, up works'}`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const moment: Moment = m === 'random' ? { ms: Math.floor(random() * upMs) } : m;
      const run = start(upArgs(lab));
      // The lab's namespaces as they appear, to look for processes inside them later.
      const inodes = new Set<string>();
      const watch = setInterval(() => labInodes(lab).forEach((x) => inodes.add(x)), 5);
      await killAt(run, lab, moment);
      clearInterval(watch);
      labInodes(lab).forEach((x) => inodes.add(x));
      if (!viaUp) await downLeavesNothing(lab, inodes, [run.pid]);
      await upWorks(lab);
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
      if (viaUp) expect(await lingering(lab, inodes, [run.pid]), `seed ${SEED}`).toEqual([]);
    });
  });

  const randomDowns = FULL ? 20 : 1;
  for (let i = 0; i < randomDowns; i++) {
    it(`SIGKILL down at a random moment (#${i}): down again leaves nothing`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const up = await start(upArgs(lab)).done;
      expect(up.code, up.stderr).toBe(0);
      const inodes = labInodes(lab);
      const run = start(['down', lab]);
      await killAt(run, lab, { ms: Math.floor(random() * 400) });
      await downLeavesNothing(lab, inodes, [run.pid]);
    });
  }

  const randomVerifies = FULL ? 15 : 1;
  it(`SIGKILL verify at ${randomVerifies} random moments: no probe survives it, the lab is untouched, verify passes after`, async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const up = await start(upArgs(lab, 'network-a', 'faithful')).done;
    expect(up.code, up.stderr).toBe(0);
    const inodes = labInodes(lab);
    const full = await start(['verify', lab, '--json']).done;
    expect(full.code, full.stderr).toBe(0);
    const killed: number[] = [];
    for (let i = 0; i < randomVerifies; i++) {
      const run = start(['verify', lab]);
      killed.push(run.pid);
      await killAt(run, lab, { ms: Math.floor(random() * full.ms) });
      // Nothing of the run may go on inside the lab once it is dead.
      expect(await lingering(lab, inodes, [run.pid]), `verify killed (seed ${SEED})`).toEqual([]);
    }
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    const again = await start(['verify', lab]).done;
    expect(again.code, again.stdout + again.stderr).toBe(0);
    await downLeavesNothing(lab, inodes, killed);
  }, 30_000 + randomVerifies * 10_000); // the full run's 15 kills took 60 s on a loaded 2-CPU machine

  it('two ups of one design at once: one waits for the other, the lab is whole', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    // The second starts once the first holds the lab (its journal exists), and the first stays
    // stopped until the second says it waits, so they do overlap (the first could otherwise be
    // done before the second, starting, asks for the lab).
    const first = start(upArgs(lab));
    for (let i = 0; i < 10_000 && !readJournal(lab); i++) await new Promise((r) => setTimeout(r, 1));
    const second = await whileStopped(first, async () => {
      const run = start(upArgs(lab));
      for (let i = 0; i < 3000 && !run.stderr().includes('is busy'); i++) await new Promise((r) => setTimeout(r, 10));
      return run;
    });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const actions = [a, b].map((r) => (JSON.parse(r.stdout) as { action: string }).action).sort();
    expect(actions).toEqual(['created', 'unchanged']);
    expect(a.stderr + b.stderr).toMatch(/is busy: "vnetmap up" \(pid \d+\)/);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    await destroyLab(lab, runner);
  });

  it('up and down at once: they take turns, and what is left is whole (a lab with no drift, or nothing)', async () => {
    for (let i = 0; i < (FULL ? 5 : 1); i++) {
      const lab = uniqueLab();
      labs.push(lab);
      const up = start(upArgs(lab));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      const down = start(['down', lab]);
      const [u, d] = await Promise.all([up.done, down.done]);
      expect([u.code, d.code], u.stderr + d.stderr).toEqual([0, 0]);
      const st = await labStatus(lab, runner);
      if (st.running) expect(st.drift).toEqual([]);
      else expect(await leftovers(lab)).toEqual(NOTHING);
      await destroyLab(lab, runner);
    }
  });

  it('--no-wait refuses at once (exit 75) while another run holds the lab, and changes nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const first = start(upArgs(lab));
    // Until the first holds the lock (its journal exists), then ask.
    for (let i = 0; i < 5000; i++) {
      if (readJournal(lab)) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    // The first stays stopped, holding the lab, while the second asks for it.
    const second = await whileStopped(first, () => start(['down', lab, '--no-wait']).done);
    expect(second.code, second.stderr).toBe(75);
    expect(second.stderr).toMatch(/lab "[^"]+" is busy: "vnetmap up"/);
    expect((await first.done).code).toBe(0);
    expect((await labStatus(lab, runner)).drift).toEqual([]);
    await destroyLab(lab, runner);
  });
});
