// The commands as users run them: `up` with no file deploys network-a, --json summaries,
// status --json, exec passes the exit code through, a failing command is reported with its
// argv and rolled back, down is idempotent.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { cliPath } from '../../src/apply/design.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { ToolError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/types.js';
import { renderScript } from '../../src/render/script.js';
import { example, examplePlan, isRoot, leftovers, NOTHING, runner, uniqueLab } from './realize-helpers.js';

const BIN = cliPath();
const ready = isRoot && existsSync(BIN);
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});
const cli = (...args: string[]) => runner.run(['node', BIN, ...args], { allowFail: true, timeoutMs: 60_000 });

describe.skipIf(!ready)(`vnetmap up/status/exec/down${ready ? '' : ' (skipped: needs root and a build: npm run build)'}`, () => {
  it('up without a file deploys network-a; status, exec and down work on it', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const up = await cli('up', '--lab', lab, '--json');
    expect(up.code, up.stderr).toBe(0);
    const sum = JSON.parse(up.stdout) as { action: string; namespaces: number; strategy: string };
    expect(sum).toMatchObject({ action: 'created', namespaces: 9, strategy: 'faithful' });
    const again = await cli('up', '--lab', lab);
    expect(again.stdout).toContain(`lab ${lab} is up to date`);
    const st = await cli('status', lab, '--json');
    expect(st.code, st.stdout).toBe(0);
    const status = JSON.parse(st.stdout) as { running: boolean; drift: unknown[]; namespaces: { node?: string; interfaces: { name: string; addresses: string[] }[] }[] };
    expect(status.running).toBe(true);
    expect(status.drift).toEqual([]);
    expect(status.namespaces.find((n) => n.node === 'pc3')?.interfaces.find((i) => i.name === 'eth0')?.addresses).toEqual(['192.168.1.13/24']);
    const ex = await cli('exec', lab, 'pc1', '--', 'ping', '-c', '1', '-W', '2', 'pc4');
    expect(ex.code).toBe(0);
    expect(ex.stdout).toContain('192.168.1.14');
    expect((await cli('exec', lab, 'pc1', '--', 'sh', '-c', 'exit 7')).code).toBe(7);
    const bad = await cli('exec', lab, 'nosuch', '--', 'true');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no node "nosuch"');
    // Drift: remove an address behind vnetmap's back.
    await runner.run(['ip', '-n', `vn-${lab}-pc2`, 'addr', 'flush', 'dev', 'eth0']);
    await runner.run(['ip', 'netns', 'exec', `vn-${lab}-gw`, 'nft', 'delete', 'table', 'ip', 'vnetmap']);
    const drifted = await cli('status', lab);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`drift: missing vn-${lab}-pc2/eth0 192.168.1.12/24`);
    expect(drifted.stdout).toContain(`drift: missing vn-${lab}-pc2 route default via 192.168.1.1`);
    expect(drifted.stdout).toContain(`drift: missing vn-${lab}-gw nft table ip vnetmap`);
    const down = await cli('down', lab);
    expect(down.stdout).toContain(`lab ${lab} removed: 9 namespaces`);
    expect((await cli('down', lab)).stdout).toContain('nothing to remove');
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it('a failing command is reported with argv, exit code and stderr, and the lab is rolled back', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const plan = await examplePlan('network-a', 'faithful', lab);
    // A gateway no interface can reach: the kernel refuses the route.
    const broken: Plan = { ...plan, objects: plan.objects.map((o) => (o.kind === 'route' && o.to === 'default' && o.via ? { ...o, via: '10.250.250.250' } : o)) };
    const err = await applyPlan(broken, runner, { designFile: 'broken' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    const te = err as ToolError;
    // The namespace's batch, entered with nsenter; the failing line of its input is named.
    expect(te.argv[0]).toBe('nsenter');
    expect(te.argv.slice(3)).toEqual(['ip', '-batch', '-']);
    expect(te.stderr).toMatch(/gateway|unreachable|Nexthop/i);
    expect(te.stderr).toMatch(/line \d+ of its input: route replace default via 10\.250\.250\.250/);
    expect(te.hint).toContain('was removed again');
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it('a lab of 529 hosts and 552 links builds, proves and goes under the usual limit of 1,024 open files', async () => {
    // iproute2 keeps a file open per `netns NAME` of a batch; one batch for all links failed
    // past ~500 veths under the stock soft limit. Built as users build it: the CLI, whole.
    const { designYaml, treeTopo } = await import('../../bench/gen-designs.js');
    const lab = uniqueLab();
    labs.push(lab);
    const file = join(mkdtempSync(join(tmpdir(), 'vnetmap-big-')), 'big.yaml');
    writeFileSync(file, designYaml(treeTopo(2, 23), { name: lab }));
    const limited = (...args: string[]) => runner.run(['prlimit', '--nofile=1024:1024', 'node', BIN, ...args], { allowFail: true, timeoutMs: 120_000 });
    const up = await limited('up', file, '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ action: 'created', namespaces: 553 });
    // A sample (2 per source) keeps this test short; every endpoint is still probed both ways.
    const v = await limited('verify', lab, '--sample', '2');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/sampled: [\d,]+ of 279,312 ordered pairs/);
    const down = await limited('down', lab);
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 240_000);

  it('up --script prints the same script the library renders', async () => {
    const lab = uniqueLab();
    const r = await cli('up', 'examples/network-b.yaml', '--lab', lab, '--strategy', 'ovs', '--capabilities', 'minimal', '--script');
    expect(r.code, r.stderr).toBe(0);
    const plan = (await planFromDesignFile(kernelEngine, example('network-b'), { lab, strategy: 'ovs', capabilities: 'minimal' }, runner)).plan;
    expect(r.stdout).toBe(renderScript(plan));
    expect(await leftovers(lab)).toEqual(NOTHING); // printing builds nothing
  });

  it('refuses an invalid lab name with a clear message', async () => {
    const r = await cli('up', '--lab', 'Bad_Name', '--capabilities', 'minimal');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lab name "Bad_Name"');
  });
});
