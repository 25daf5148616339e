// Data plane: iperf3 TCP throughput (-t 3) between two endpoints of a twin built by each
// strategy, relative to the fastest thing Linux offers: a direct veth pair between two
// namespaces. Every iperf is bounded in time; the server serves one client (-1) and exits.
import { labName, pairDesign, vmPairDesign } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { runner, sleep } from '../lib/measure.js';
import type { DataplaneRow } from '../lib/results.js';
import { vnDown, vnUp, writeDesign } from '../lib/vnetmap.js';
import { inNetns } from '../../src/exec/netns.js';

const SERVER = '10.0.0.2';

/**
 * Gbit/s from client namespace to SERVER in server namespace, best of `tries` runs: on a shared
 * machine other load can only lower a throughput figure, so the best run is the least disturbed.
 */
export async function iperf(clientNs: string, serverNs: string, tries = 2): Promise<number> {
  let best = 0;
  for (let i = 0; i < tries; i++) best = Math.max(best, await iperfOnce(clientNs, serverNs));
  return best;
}

async function iperfOnce(clientNs: string, serverNs: string): Promise<number> {
  const server = runner.run(inNetns(serverNs, ['iperf3', '-s', '-1', '-B', SERVER]), { allowFail: true, timeoutMs: 20_000 });
  await sleep(400);
  const c = await runner.run(inNetns(clientNs, ['iperf3', '-c', SERVER, '-t', '3', '-J', '--connect-timeout', '2000']), { allowFail: true, timeoutMs: 15_000 });
  await server;
  if (c.code !== 0) throw new Error(`iperf3 client failed: ${(c.stderr || c.stdout).trim().slice(0, 200)}`);
  const j = JSON.parse(c.stdout) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  if (j.error) throw new Error(`iperf3: ${j.error}`);
  return (j.end?.sum_received?.bits_per_second ?? NaN) / 1e9;
}

/** The reference: two namespaces joined by one veth, made and removed here. */
async function directVeth(): Promise<number> {
  const a = `vnbench-${process.pid}-a`;
  const b = `vnbench-${process.pid}-b`;
  const ip = (argv: string[]) => runner.run(['ip', ...argv]);
  try {
    await ip(['netns', 'add', a]);
    await ip(['netns', 'add', b]);
    await ip(['link', 'add', 'eth0', 'netns', a, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b]);
    for (const [ns, addr] of [[a, '10.0.0.1/16'], [b, `${SERVER}/16`]] as const) {
      await ip(['-n', ns, 'addr', 'add', addr, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    return await iperf(a, b);
  } finally {
    await runner.run(['ip', 'netns', 'del', a], { allowFail: true });
    await runner.run(['ip', 'netns', 'del', b], { allowFail: true });
  }
}

interface Case {
  path: string;
  yaml: (lab: string) => string;
  client: string;
  server: string;
}

const CASES: Case[] = [
  { path: 'faithful (bridge in a switch namespace)', yaml: (l) => pairDesign(l, 'faithful'), client: 'h1', server: 'h2' },
  { path: 'compact (one shared bridge)', yaml: (l) => pairDesign(l, 'compact'), client: 'h1', server: 'h2' },
  { path: 'ovs (Open vSwitch userspace)', yaml: (l) => pairDesign(l, 'ovs'), client: 'h1', server: 'h2' },
  { path: 'macvtap bridge (VM to VM on one server)', yaml: (l) => vmPairDesign(l, 'bridge'), client: 'vm1', server: 'vm2' },
  { path: 'macvtap vepa (reflected by the hairpin switch)', yaml: (l) => vmPairDesign(l, 'vepa'), client: 'vm1', server: 'vm2' },
];

export async function dataplaneSuite(log: (s: string) => void): Promise<DataplaneRow[]> {
  const rows: DataplaneRow[] = [];
  let base: number | undefined;
  try {
    base = await directVeth();
    rows.push({ path: 'direct veth pair (reference)', gbps: base, relative: 1 });
  } catch (e) {
    rows.push({ path: 'direct veth pair (reference)', error: (e as Error).message });
  }
  log(`dataplane direct veth: ${base?.toFixed(1) ?? 'failed'} Gbit/s`);
  for (const c of CASES) {
    const lab = labName('dp');
    const file = writeDesign(lab, c.yaml(lab));
    const row: DataplaneRow = { path: c.path };
    try {
      const up = await vnUp(file);
      if (!up.ok) throw new Error(`up: ${up.error}`);
      row.gbps = await iperf(`vn-${lab}-${c.client}`, `vn-${lab}-${c.server}`);
      if (base) row.relative = row.gbps / base;
    } catch (e) {
      row.error = (e as Error).message.slice(0, 240);
    } finally {
      const down = await vnDown(lab);
      const left = (await vnetmapLeftovers(lab)).total;
      if (!down.ok || left) row.error = `${row.error ? row.error + '; ' : ''}down: ${down.error ?? 'ok'}, leftovers ${left}`;
    }
    log(`dataplane ${c.path}: ${row.gbps?.toFixed(2) ?? '-'} Gbit/s${row.error ? ` (${row.error})` : ''}`);
    rows.push(row);
  }
  // The reference again at the end: the better of the two is the reference, so a disturbed
  // first measurement cannot flatter the strategies.
  try {
    const again = await directVeth();
    rows.push({ path: 'direct veth pair (reference, measured again at the end)', gbps: again });
    log(`dataplane direct veth again: ${again.toFixed(1)} Gbit/s`);
    const ref = Math.max(again, base ?? 0);
    for (const r of rows) if (r.gbps !== undefined) r.relative = r.gbps / ref;
  } catch (e) {
    rows.push({ path: 'direct veth pair (reference, measured again at the end)', error: (e as Error).message });
  }
  return rows;
}
