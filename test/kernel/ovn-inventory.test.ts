// The OVN engine over an inventory of machines, on this one machine: each "machine" is a network
// namespace the test makes, with a run directory of its own (VNETMAP_STATE_DIR), cabled to an
// underlay bridge in another namespace; every vnetmap command of a machine runs there through
// `nsenter --net` (the machines share this machine's files and mount table, so the central's
// verify can enter every workload's namespace — on real machines each is on its own). The
// central (`up --inventory`) runs in a third namespace and listens on its underlay address;
// `chassis join` on each machine fetches its part, builds its workloads and its own Open vSwitch
// and ovn-controller (userspace datapath here: the underlay device goes to the machine's tunnel
// bridge, and back on leave). Then verify passes across the machines; `chassis leave` on one
// shows in the central's status; `down` on the other machine and on the central leave nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from '../../src/apply/design.js';
import { ovnInstalled } from '../../src/engines/ovn/apply/preflight.js';
import { enterNs } from '../../src/exec/netns.js';
import { example, isRoot, processesNaming, runner, uniqueLab } from './realize-helpers.js';

const BIN = cliPath();
const ready = isRoot && existsSync(BIN) && (await ovnInstalled(runner));
const lab = uniqueLab();
const P = `vnit${lab.slice(-6)}`; // the test's own namespaces: the underlay, the central machine, two machines
const dir = mkdtempSync(join(tmpdir(), 'vnetmap-inventory-'));
const MACHINES = [
  { ns: `${P}-c`, ip: '100.65.0.1', state: join(dir, 'central') },
  { ns: `${P}-m1`, ip: '100.65.0.2', state: join(dir, 'm1'), name: 'm1' },
  { ns: `${P}-m2`, ip: '100.65.0.3', state: join(dir, 'm2'), name: 'm2' },
];
const [C, M1, M2] = MACHINES as [(typeof MACHINES)[0], (typeof MACHINES)[0], (typeof MACHINES)[0]];
const INV = join(dir, 'inventory.yaml');

/** A vnetmap command on one of the test's machines. */
const on = (m: (typeof MACHINES)[0], ...args: string[]) =>
  runner.run([...enterNs(m.ns), 'env', `VNETMAP_STATE_DIR=${m.state}`, 'node', BIN, ...args], { allowFail: true, timeoutMs: 120_000 });

async function underlay(): Promise<void> {
  const ul = `${P}-ul`;
  const lines = [`netns add ${ul}`, ...MACHINES.map((m) => `netns add ${m.ns}`)];
  await runner.run(['ip', '-batch', '-'], { input: lines.join('\n') + '\n' });
  await runner.run(['ip', '-n', ul, 'link', 'add', 'br0', 'mtu', '1600', 'type', 'bridge']);
  await runner.run(['ip', '-n', ul, 'link', 'set', 'br0', 'up']);
  for (const [i, m] of MACHINES.entries()) {
    await runner.run(['ip', '-n', ul, 'link', 'add', `u${i}`, 'mtu', '1600', 'type', 'veth', 'peer', 'name', 'ul0', 'netns', m.ns]);
    await runner.run(['ip', '-n', ul, 'link', 'set', `u${i}`, 'master', 'br0', 'up']);
    await runner.run(['ip', '-n', m.ns, 'link', 'set', 'lo', 'up']);
    await runner.run(['ip', '-n', m.ns, 'link', 'set', 'ul0', 'mtu', '1600', 'up']);
    await runner.run(['ip', '-n', m.ns, 'addr', 'add', `${m.ip}/24`, 'dev', 'ul0']);
  }
}

/** What a machine namespace holds: its devices and their IPv4 addresses. */
async function devices(ns: string): Promise<string[]> {
  const r = await runner.run(['ip', '-n', ns, '-j', 'addr', 'show']);
  return (JSON.parse(r.stdout) as { ifname: string; addr_info: { family: string; local: string }[] }[]).map((l) => `${l.ifname} ${l.addr_info.filter((a) => a.family === 'inet').map((a) => a.local).join(',')}`.trim()).sort();
}

beforeAll(async () => {
  if (ready) await underlay();
});

afterAll(async () => {
  if (!ready) return rmSync(dir, { recursive: true, force: true });
  for (const m of [M2, M1]) await on(m, 'chassis', 'leave', '--lab', lab);
  for (const l of [lab, `${lab}k`]) await on(C, 'down', l);
  await runner.run(['ip', '-force', '-batch', '-'], { input: [`${P}-ul`, ...MACHINES.map((m) => m.ns)].map((n) => `netns del ${n}\n`).join(''), allowFail: true });
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!ready)(`OVN engine over an inventory: machines simulated as namespaces with their own run directories${ready ? '' : ' (skipped: needs root, a build and OVN: apt-get install ovn-central ovn-host)'}`, () => {
  it('network A over 2 machines: up waits for both to join, verify passes across them, leave shows in status, down and leave leave nothing', async () => {
    writeFileSync(INV, `central:\n  address: ${C.ip}\nunderlay-mtu: 1600\nmachines:\n  - name: m1\n    address: ${M1.ip}\n    pins: [pc1]\n  - name: m2\n    address: ${M2.ip}\n`);
    // Network A, with an exec: command on pc1, which m1's join runs once its ports are up.
    const design = join(dir, 'network-a-exec.yaml');
    writeFileSync(design, readFileSync(example('network-a'), 'utf8').replace(/(  pc1:\n    kind: host\n)/, '$1    exec: ["sysctl -qw net.ipv4.tcp_fin_timeout=21"]\n'));
    // The central waits for the machines: started first, it says who has not joined.
    const up = spawn('nsenter', [`--net=/var/run/netns/${C.ns}`, '--', 'env', `VNETMAP_STATE_DIR=${C.state}`, 'node', BIN, 'up', design, '--engine', 'ovn', '--inventory', INV, '--lab', lab, '--join-timeout', '90'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    up.stdout.on('data', (b: Buffer) => (out += b.toString()));
    up.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number>((r) => up.once('exit', (code) => r(code ?? -1)));
    for (let i = 0; i < 300 && !err.includes('to join'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(err).toContain('waiting for m1, m2 to join (0 of 2 joined)');
    expect(err).toContain(`vnetmap chassis join --central ${C.ip}:6641 --lab ${lab} --name NAME`);

    const joins = await Promise.all([M1, M2].map((m) => on(m, 'chassis', 'join', '--central', C.ip, '--lab', lab, '--name', m.name!, '--encap-dev', 'ul0', '--json')));
    for (const j of joins) expect(j.code, j.stderr).toBe(0);
    const parts = joins.map((j) => JSON.parse(j.stdout) as { name: string; nodes: string[]; ports: number; action: string; exec: { node: string; code: number }[] });
    expect(parts.map((p) => p.action)).toEqual(['joined', 'joined']);
    expect(parts.map((p) => p.exec.map((x) => [x.node, x.code]))).toEqual([[['pc1', 0]], []]);
    expect((await runner.run(['ip', 'netns', 'exec', `vn-${lab}-pc1`, 'sysctl', '-n', 'net.ipv4.tcp_fin_timeout'])).stdout.trim()).toBe('21');
    expect(parts[0]!.nodes).toContain('pc1'); // the inventory's pin
    for (const p of parts) expect(p.ports).toBeGreaterThan(0); // both machines hold workloads
    expect(await exited, err).toBe(0);
    expect(out).toContain(`lab ${lab} created (engine ovn): 2 chassis`);

    const st = await on(C, 'status', lab);
    expect(st.code, st.stdout).toBe(0);
    expect(st.stdout).toMatch(/m1 \(machine, 100\.65\.0\.2\) healthy: joined/);
    expect(st.stdout).toMatch(/m2 \(machine, 100\.65\.0\.3\) healthy: joined/);
    expect((await on(M1, 'chassis', 'status', '--lab', lab)).code).toBe(0);
    const m1 = await on(M1, 'status', lab); // a machine's own status: its part
    expect(m1.code, m1.stdout).toBe(0);
    expect(m1.stdout).toContain('this machine is chassis m1');
    // Joining again changes nothing.
    expect(JSON.parse((await on(M2, 'chassis', 'join', '--central', C.ip, '--lab', lab, '--name', 'm2', '--encap-dev', 'ul0', '--json')).stdout)).toMatchObject({ action: 'unchanged' });

    // Every check of the design, workloads on both machines, through the Geneve tunnel between them.
    const v = await on(C, 'verify', lab);
    expect(v.code, v.stdout.slice(-2000)).toBe(0);
    expect(v.stdout).toMatch(/ 0 failed/);

    // m2 leaves: its chassis goes from the Southbound, and the central says who to bring back.
    const leave = await on(M2, 'chassis', 'leave', '--lab', lab);
    expect(leave.stdout).toMatch(/m2 left lab .*: 3 daemons, \d+ namespaces removed/);
    expect(await devices(M2.ns)).toEqual(['lo 127.0.0.1', 'ul0 100.65.0.3']);
    const after = await on(C, 'status', lab);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`m2 has not joined: run on it "vnetmap chassis join --central ${C.ip}:6641 --lab ${lab} --name m2"`);

    // `down` on a machine removes its part; on the central, the rows and the central daemons.
    const d1 = await on(M1, 'down', lab);
    expect(d1.stdout).toMatch(/m1 left lab/);
    const dc = await on(C, 'down', lab);
    expect(dc.stdout).toContain(`lab ${lab} removed (engine ovn): 3 daemons`);
    for (const m of MACHINES) expect(await devices(m.ns)).toEqual(['lo 127.0.0.1', `ul0 ${m.ip}`]);
    expect(processesNaming(dir)).toEqual([]); // every daemon of every machine names its run directory
    expect(readdirSync('/var/run/netns').filter((n) => n.startsWith(`vn-${lab}`))).toEqual([]);
    for (const m of MACHINES) expect(existsSync(m.state) ? readdirSync(m.state).filter((f) => f !== '.locks') : []).toEqual([]);
  }, 240_000);

  it('a central killed while it waits: up again starts over on its leftovers and names the machines when its wait runs out; down leaves nothing', async () => {
    const lab2 = `${lab}k`;
    const pidfile = join(C.state, lab2, 'ovn', 'central', 'northd.pid');
    const up = spawn('nsenter', [`--net=/var/run/netns/${C.ns}`, '--', 'env', `VNETMAP_STATE_DIR=${C.state}`, 'node', BIN, 'up', example('network-a'), '--engine', 'ovn', '--inventory', INV, '--lab', lab2], { stdio: 'ignore' });
    for (let i = 0; i < 300 && !existsSync(pidfile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(pidfile)).toBe(true);
    up.kill('SIGKILL');
    await new Promise((r) => up.once('exit', r));
    const again = await on(C, 'up', example('network-a'), '--engine', 'ovn', '--inventory', INV, '--lab', lab2, '--join-timeout', '2');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`machine(s) m1, m2 did not join within 2 s`);
    expect(again.stderr).toContain(`vnetmap chassis join --central ${C.ip}:6641 --lab ${lab2} --name m1`);
    expect((await on(C, 'status', lab2)).stdout).toContain('m1 has not joined');
    const down = await on(C, 'down', lab2);
    expect(down.stdout).toContain(`lab ${lab2} removed (engine ovn): 3 daemons`);
    expect(processesNaming(join(C.state, lab2))).toEqual([]);
    expect(existsSync(join(C.state, lab2))).toBe(false);
  }, 60_000);
});
