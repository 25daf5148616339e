// SIGKILL `vnetmap up` at several moments: `down` must then leave nothing (the journal and
// the markers find everything, even objects created before their marker), and a new `up`
// of the same lab must succeed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { packageRoot } from '../../src/apply/design.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, ovsRunning, ping, nsOf, runner, uniqueLab } from './realize-helpers.js';

const BIN = join(packageRoot(), 'dist', 'src', 'cli', 'bin.js');
const ready = isRoot && existsSync(BIN) && (await ovsRunning());
const why = !isRoot ? 'needs root' : !existsSync(BIN) ? 'dist not built: npm run build' : 'Open vSwitch not running';
// Node starts in ~300 ms and the build takes ~0.5-1 s more, so these moments fall before,
// during namespace creation, during links / OVS, and near the end.
const KILL_AFTER_MS = [50, 150, 300, 450, 600, 750, 900, 1100];

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

describe.skipIf(!ready)(`crash-safe up${ready ? '' : ` (skipped: ${why})`}`, () => {
  for (const ms of KILL_AFTER_MS) {
    it(`SIGKILL after ${ms} ms, then down leaves nothing and up works`, async () => {
      const lab = uniqueLab();
      labs.push(lab);
      const killed = await runner.run(['node', BIN, 'up', example('network-b'), '--lab', lab, '--strategy', 'ovs', '--capabilities', 'minimal', '--json'], { allowFail: true, timeoutMs: ms });
      // The killed process's own children (ip -batch, ovs-vsctl) may still finish their work.
      await new Promise((r) => setTimeout(r, 400));
      const down = await runner.run(['node', BIN, 'down', lab], { allowFail: true, timeoutMs: 30_000 });
      expect(down.code, down.stderr).toBe(0);
      expect(await leftovers(lab)).toEqual(NOTHING);
      const plan = await examplePlan('network-b', 'ovs', lab);
      const res = await applyPlan(plan, runner, { designFile: example('network-b') });
      expect(res.action).toBe('created');
      expect(await ping(nsOf(plan, 'pc3'), '192.168.10.1')).toBe(true);
      await destroyLab(lab, runner);
      expect(await leftovers(lab)).toEqual(NOTHING);
      void killed;
    });
  }
});
