// Data plane: iperf3 TCP throughput (-t 3) between two endpoints of a twin built by each
// strategy, relative to the fastest thing Linux offers: a direct veth pair between two
// namespaces, measured beside every run. Every iperf is bounded in time; the server serves one client (-1) and exits.
import { labName, pairDesign, vmPairDesign } from '../gen-designs.js';
import { vnetmapLeftovers } from '../lib/leftovers.js';
import { median, runner, sleep } from '../lib/measure.js';
import type { DataplaneRow } from '../lib/results.js';
import { vnDown, vnUp, writeDesign } from '../lib/vnetmap.js';
import { inNetns } from '../../src/exec/netns.js';

const SERVER = '10.0.0.2';

/** Runs of each path, each beside a run of the reference (alternating which goes first). */
const REPS = 3;

/** Gbit/s from client namespace to SERVER in server namespace, one iperf3 run. */
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

/** The reference: two namespaces joined by one veth, kept for the whole suite; remove() deletes them. */
async function directVeth(): Promise<{ client: string; server: string; remove: () => Promise<void> }> {
  const a = `vnbench-${process.pid}-a`;
  const b = `vnbench-${process.pid}-b`;
  const ip = (argv: string[]) => runner.run(['ip', ...argv]);
  const remove = async () => {
    await runner.run(['ip', 'netns', 'del', a], { allowFail: true });
    await runner.run(['ip', 'netns', 'del', b], { allowFail: true });
  };
  try {
    await ip(['netns', 'add', a]);
    await ip(['netns', 'add', b]);
    await ip(['link', 'add', 'eth0', 'netns', a, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b]);
    for (const [ns, addr] of [[a, '10.0.0.1/16'], [b, `${SERVER}/16`]] as const) {
      await ip(['-n', ns, 'addr', 'add', addr, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { client: a, server: b, remove };
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

/**
 * Every path REPS times, each run beside a run of a direct veth pair (which goes first
 * alternates), so that each path is compared with the reference measured under the same load:
 * single-stream throughput here varies by ±10 % from one run to the next, and a reference
 * measured once at the start (as until 2026-12-06) made macvtap look 11 % faster than a veth.
 */
export async function dataplaneSuite(log: (s: string) => void): Promise<DataplaneRow[]> {
  let ref: Awaited<ReturnType<typeof directVeth>>;
  try {
    ref = await directVeth();
  } catch (e) {
    return [{ path: 'direct veth pair (reference)', error: (e as Error).message.slice(0, 240) }];
  }
  const rows: DataplaneRow[] = [];
  const refRuns: number[] = [];
  try {
    for (const c of CASES) {
      const lab = labName('dp');
      const file = writeDesign(lab, c.yaml(lab));
      const row: DataplaneRow = { path: c.path };
      try {
        const up = await vnUp(file);
        if (!up.ok) throw new Error(`up: ${up.error}`);
        const runs: number[] = [];
        const beside: number[] = [];
        const path = () => iperfOnce(`vn-${lab}-${c.client}`, `vn-${lab}-${c.server}`);
        const veth = () => iperfOnce(ref.client, ref.server);
        for (let i = 0; i < REPS; i++) {
          if (i % 2) runs.push(await path());
          beside.push(await veth());
          if (!(i % 2)) runs.push(await path());
        }
        const [gbps, reference] = [median(runs), median(beside)];
        Object.assign(row, { gbps, runs, reference, relative: gbps / reference });
        refRuns.push(...beside);
      } catch (e) {
        row.error = (e as Error).message.slice(0, 240);
      } finally {
        const down = await vnDown(lab);
        const left = (await vnetmapLeftovers(lab)).total;
        if (!down.ok || left) row.error = `${row.error ? row.error + '; ' : ''}down: ${down.error ?? 'ok'}, leftovers ${left}`;
      }
      log(`dataplane ${c.path}: ${row.runs?.map((x) => x.toFixed(1)).join(', ') ?? '-'} Gbit/s, veth beside it ${row.reference?.toFixed(1) ?? '-'}${row.error ? ` (${row.error})` : ''}`);
      rows.push(row);
    }
  } finally {
    await ref.remove();
  }
  const all = refRuns.length ? median(refRuns) : undefined;
  return [{ path: 'direct veth pair (reference: every run beside the paths below)', ...(all !== undefined ? { gbps: all, runs: refRuns, relative: 1 } : { error: 'no run' }) }, ...rows];
}
