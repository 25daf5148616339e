// The OVN engine on this machine: chassis simulated in namespaces, each with its own
// ovsdb-server, ovs-vswitchd (userspace datapath) and ovn-controller, the central part in a
// namespace of its own; every daemon started by the test's `up` and stopped by its `down`.
// Skipped by name where OVN's programs are missing (scripts/setup.sh installs them).
//  - network A on 2 chassis: up, healthy, verify = design, faults (ovs-vswitchd killed: verify
//    fails on exactly that chassis's nodes; ovn-controller killed: the data plane survives and
//    status says so), up repairs, down leaves nothing;
//  - network B on 3 chassis through the CLI: up, status, verify, down;
//  - the exported script's twin, removed by `vnetmap down`;
//  - a SIGKILLed `up`, at two moments: `down` leaves nothing.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../src/apply/design.js';
import { labDir, readState } from '../../src/apply/state.js';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import { layoutOf } from '../../src/engines/ovn/apply/paths.js';
import { daemonPid } from '../../src/engines/ovn/apply/daemons.js';
import type { ChassisDaemon } from '../../src/engines/ovn/render/layout.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { verifyLive, type Check, type CheckKind } from '../../src/verify/verify.js';
import { loadOrThrow } from '../../src/cli/expect.js';
import { example, isRoot, processesNaming, runner, uniqueLab } from './realize-helpers.js';

const BIN = cliPath();
const ready = isRoot && existsSync(BIN) && (await ovnInstalled(runner));
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await ovnEngine.down(l, runner, {}).catch(() => undefined);
});
const cli = (...args: string[]) => runner.run(['node', BIN, ...args], { allowFail: true, timeoutMs: 90_000 });

/** Everything of the lab on the host, by name and by run directory: namespaces, processes, files. */
function leftovers(lab: string): { namespaces: string[]; processes: number[]; dir: boolean; etcNetns: string[] } {
  const named = (n: string) => n.startsWith(`vn-${lab}-`) || n.startsWith(`vn-${lab}.`);
  const namespaces = existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter(named) : [];
  const dir = labDir(lab);
  const processes = processesNaming(dir);
  return { namespaces, processes, dir: existsSync(dir), etcNetns: existsSync('/etc/netns') ? readdirSync('/etc/netns').filter(named) : [] };
}
const NOTHING = { namespaces: [], processes: [], dir: false, etcNetns: [] };

/** verify as the CLI runs it on an OVN lab (`kinds`: fewer probes where a fault makes the rest wait out timeouts). */
async function verify(lab: string, kinds?: CheckKind[]) {
  const st = readState(lab)!;
  const design = loadOrThrow(st.designFile);
  return verifyLive(st.plan, design, runner, { comparison: ovnEngine.compare(design, st.ovn!), ...(kinds ? { kinds } : {}) });
}

const failed = (cs: Check[]) => cs.filter((c) => !c.ok).map((c) => `${c.kind} ${c.from} -> ${c.to}`).sort();

/** SIGKILL one daemon of a chassis, and wait until it is gone. */
async function kill(lab: string, chassis: string, daemon: ChassisDaemon): Promise<void> {
  const files = layoutOf(lab).chassisFiles(chassis, daemon);
  process.kill(daemonPid(files)!, 'SIGKILL');
  for (let i = 0; i < 200 && daemonPid(files) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(!ready)(`OVN engine, chassis simulated in namespaces${ready ? '' : ' (skipped: needs root, a build and OVN: apt-get install ovn-central ovn-host)'}`, () => {
  it('network A on 2 chassis: verify = design; a dead ovs-vswitchd cuts off exactly its chassis\'s nodes, a dead ovn-controller leaves the data plane; up repairs; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const { plan, designFile } = await planFromDesignFile(ovnEngine, example('network-a'), { lab, chassis: '2' }, runner);
    const up = (await ovnEngine.up(plan, runner, { designFile })).json as { action: string; converged: { portsMs: number } };
    expect(up.action).toBe('created');
    expect((await ovnEngine.status(lab, runner)).ok).toBe(true);
    const good = await verify(lab);
    expect(failed(good.checks)).toEqual([]);
    expect(good.unexplained).toBe(0);
    expect(good.checks.some((c) => c.kind === 'tcp' && c.expected && c.ok)).toBe(true); // the port forward lands
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { action: string }).action).toBe('unchanged');

    // The data plane of chassis-2 goes: exactly the checks that need one of its nodes fail.
    const on2 = new Set(plan.bindings.filter((b) => b.chassis === 'chassis-2').map((b) => b.node));
    expect(on2.size).toBeGreaterThan(0);
    await kill(lab, 'chassis-2', 'ovs-vswitchd');
    const st = await ovnEngine.status(lab, runner);
    expect(st.ok).toBe(false);
    expect(st.text(true)).toContain('chassis-2: ovs-vswitchd is not running');
    // (pings only: every missing answer waits out verify's patient second pass)
    const cut = await verify(lab, ['ping']);
    const involves = (c: Check) => on2.has(c.from) || on2.has(c.to);
    expect(failed(cut.checks)).toEqual(failed(cut.checks.map((c) => ({ ...c, ok: !(c.expected && involves(c)) }))));
    expect(failed(cut.checks).length).toBeGreaterThan(0);
    const fixed = (await ovnEngine.up(plan, runner, { designFile })).json as { action: string; restarted: string[] };
    // (its ovsdb-server and ovn-controller start afresh with it: see startChassis)
    expect(fixed).toMatchObject({ action: 'repaired', restarted: ['chassis-2/ovsdb-server', 'chassis-2/ovs-vswitchd', 'chassis-2/ovn-controller'] });
    expect(failed((await verify(lab, ['ping'])).checks)).toEqual([]);

    // ovn-controller dies: OVS keeps its flows (OVN's design), so traffic goes on; status says it.
    await kill(lab, 'chassis-1', 'ovn-controller');
    expect((await ovnEngine.status(lab, runner)).text(true)).toContain('chassis-1: ovn-controller is not running');
    expect(failed((await verify(lab, ['ping', 'arp'])).checks)).toEqual([]);
    expect(((await ovnEngine.up(plan, runner, { designFile })).json as { restarted: string[] }).restarted).toEqual(['chassis-1/ovn-controller']);
    expect((await ovnEngine.status(lab, runner)).ok).toBe(true);

    const down = (await ovnEngine.down(lab, runner, {})).json as { daemons: number; nbRows: number; namespaces: number };
    expect(down).toMatchObject({ daemons: 9, nbRows: 4, namespaces: 10 });
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 180_000);

  it('network B on 3 chassis through the CLI: up, status, verify pass; down leaves nothing', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const up = await cli('up', example('network-b'), '--lab', lab, '--engine', 'ovn', '--chassis', '3', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ action: 'created', engine: 'ovn', chassis: 3 });
    const st = await cli('status', lab);
    expect(st.code, st.stdout).toBe(0);
    expect(st.stdout).toContain('chassis-3');
    const v = await cli('verify', lab);
    expect(v.code, v.stdout).toBe(0);
    const down = await cli('down', lab);
    expect(down.stdout).toContain(`lab ${lab} removed (engine ovn)`);
    expect(leftovers(lab)).toEqual(NOTHING);
    expect((await cli('down', lab)).stdout).toContain('nothing to remove');
  }, 120_000);

  it('the exported script builds the same twin; vnetmap down removes it', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const script = await cli('up', example('network-a'), '--lab', lab, '--engine', 'ovn', '--script');
    expect(script.code, script.stderr).toBe(0);
    const up = await runner.run(['bash', '-s', 'up'], { input: script.stdout, allowFail: true, timeoutMs: 90_000 });
    expect(up.code, up.stderr.slice(-500)).toBe(0);
    // pc1 and pc2 are on two chassis; internet beyond the NAT router
    for (const ip of ['192.168.1.12', '203.0.113.1']) expect((await runner.run(['ip', 'netns', 'exec', `vn-${lab}-pc1`, 'ping', '-c', '1', '-W', '2', ip], { allowFail: true })).code).toBe(0);
    const down = await cli('down', lab);
    expect(down.stdout).toContain('10 namespaces');
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 90_000);

  it('a SIGKILLed up (central daemons started; chassis daemons started): down leaves nothing, and up works again', async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const L = layoutOf(lab);
    for (const moment of [L.centralFiles('northd').pidfile, L.chassisFiles('chassis-2', 'ovs-vswitchd').pidfile]) {
      const child = spawn('node', [BIN, 'up', example('network-a'), '--lab', lab, '--engine', 'ovn', '--chassis', '2'], { stdio: 'ignore' });
      const t0 = Date.now();
      while (!existsSync(moment) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
      const reached = existsSync(moment);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(reached).toBe(true);
      const down = await cli('down', lab);
      expect(down.code, down.stderr).toBe(0);
      expect(leftovers(lab)).toEqual(NOTHING);
    }
    const up = await cli('up', example('network-a'), '--lab', lab, '--engine', 'ovn', '--chassis', '2');
    expect(up.code, up.stderr).toBe(0);
    expect((await cli('down', lab)).code).toBe(0);
    expect(leftovers(lab)).toEqual(NOTHING);
  }, 120_000);
});
