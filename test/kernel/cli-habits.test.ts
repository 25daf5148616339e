// Habits of people who work in a lab all day, through the real executable: the directory's
// design is found; exec runs on many nodes at once with prefixed output, and without "--";
// capture writes a pcap; down --all; -q keeps quiet and -v shows every command.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyLab } from '../../src/apply/destroy.js';
import { cliPath } from '../../src/apply/design.js';
import { example, isRoot, leftovers, NOTHING, runner, uniqueLab } from './realize-helpers.js';

const BIN = cliPath();
const dirs: string[] = [];
const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function vnetmap(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('node', [BIN, ...args], { cwd: opts.cwd ?? process.cwd(), env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    c.stdout.on('data', (b: Buffer) => out.push(b));
    c.stderr.on('data', (b: Buffer) => err.push(b));
    c.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** A directory holding network A as its vnetmap.yaml, under a lab name of its own. */
function projectDir(lab: string): string {
  const d = mkdtempSync(join(tmpdir(), 'vnetmap-habits-'));
  dirs.push(d);
  writeFileSync(join(d, 'vnetmap.yaml'), readFileSync(example('network-a'), 'utf8').replace(/^name: network-a$/m, `name: ${lab}`));
  return d;
}

describe.skipIf(!isRoot)(`working in a lab from the command line${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it("finds the directory's design, runs on many nodes, captures, and takes the lab down", async () => {
    const lab = uniqueLab();
    labs.push(lab);
    const cwd = projectDir(lab);
    expect((await vnetmap(['validate'], { cwd })).stdout).toContain('vnetmap.yaml: ok');
    const up = await vnetmap(['up', '-q'], { cwd });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`lab ${lab} created`);
    expect(up.stderr).toBe(''); // -q: no notes

    const many = await vnetmap(['exec', lab, '--nodes', 'pc*', '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], { cwd });
    expect(many.code, many.stderr).toBe(0);
    const lines = many.stdout.trim().split('\n').sort();
    expect(lines.map((l) => l.split(' |')[0])).toEqual(['pc1', 'pc2', 'pc3', 'pc4', 'pc5']);
    expect(lines[0]).toContain('192.168.1.11/24');
    // No "--" needed: the options after the node are the command's.
    expect((await vnetmap(['exec', lab, 'pc1', 'ping', '-c', '1', '-W', '2', '192.168.1.12'])).code).toBe(0);
    // The worst exit code of all the nodes.
    expect((await vnetmap(['exec', lab, '--nodes', 'pc[12]', '--', 'ping', '-c', '1', '-W', '1', '10.255.255.1'])).code).not.toBe(0);

    const pcap = join(cwd, 'pc1.pcap');
    const cap = vnetmap(['capture', lab, 'pc1', '-c', '2', '-w', pcap, 'icmp']);
    await new Promise((r) => setTimeout(r, 700));
    await vnetmap(['exec', lab, 'pc2', 'ping', '-c', '3', '-i', '0.2', '-W', '1', '192.168.1.11']);
    const done = await cap;
    expect(done.code, done.stderr).toBe(0);
    const read = await runner.run(['tcpdump', '-n', '-r', pcap], { allowFail: true });
    expect(read.stdout).toMatch(/192\.168\.1\.12 > 192\.168\.1\.11: ICMP echo request/);

    // The console: a node name among the arguments is its address; lab commands are vnetmap's;
    // the exit code is the last failure's.
    const con = await vnetmap(['console', lab, '-c', 'nodes', 'pc1 ping -c 1 -W 2 pc2', 'trace pc1 internet']);
    expect(con.code, con.stderr).toBe(0);
    expect(con.stdout).toMatch(/^ {2}pc2 +vn-\S+-pc2 +eth0 192\.168\.1\.12\/24$/m);
    expect(con.stdout).toContain('1 received');
    expect(con.stdout).toContain('verdict: delivered (to internet 203.0.113.1)');
    const bad = await vnetmap(['console', lab, '-c', 'pc1 ping -c 1 -W 1 internet', 'nosuch x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nosuch" is neither a node of');

    const verbose = await vnetmap(['status', lab, '-v']);
    expect(verbose.stderr).toMatch(/^\+ ip -j netns list$/m);
    const down = await vnetmap(['down'], { cwd });
    expect(down.code, down.stderr).toBe(0);
    expect(await leftovers(lab)).toEqual(NOTHING);
  });

  it('two designs in one directory: it asks which (exit 2) instead of guessing', async () => {
    const cwd = projectDir(uniqueLab());
    writeFileSync(join(cwd, 'branch.vnetmap.yaml'), 'name: other\nnodes: {}\n');
    const r = await vnetmap(['validate'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/this directory has 2 designs \(vnetmap\.yaml, branch\.vnetmap\.yaml\)/);
  });

  it('down --all removes every lab of the state directory it is given', async () => {
    const state = mkdtempSync(join(tmpdir(), 'vnetmap-allstate-'));
    dirs.push(state);
    const env = { VNETMAP_STATE_DIR: state };
    const [a, b] = [uniqueLab(), uniqueLab()];
    labs.push(a, b);
    for (const l of [a, b]) expect((await vnetmap(['up', example('network-a'), '--lab', l, '-q'], { env })).code).toBe(0);
    const down = await vnetmap(['down', '--all', '--json'], { env });
    expect(down.code, down.stderr).toBe(0);
    expect((JSON.parse(down.stdout) as { lab: string }[]).map((r) => r.lab).sort()).toEqual([a, b].sort());
    for (const l of [a, b]) expect({ ...(await leftovers(l)), stateDir: false }).toEqual(NOTHING);
  });
});
