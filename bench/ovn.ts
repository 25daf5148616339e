// The OVN engine's benchmark (bench/ovn.sh builds and runs it, as root): figures, not timed
// tests. Writes bench/results/ovn.json and bench/results/ovn.md (a table, with the machine and
// the date). What it measures:
//   nb-write   one transaction of N logical switch ports into a private Northbound database:
//              ovn-nbctl (one run, one transaction) against vnetmap's JSON-RPC client;
//   scale      1,000 hosts over 4 simulated chassis, in two shapes: the deploy suite's tree
//              (one broadcast domain: one logical switch of 1,000 ports) and 10 subnets of 100
//              behind one router; `vnetmap up --engine ovn` (wall, its stages, and Northbound
//              commit -> every port up), a new port's first ping after its Northbound commit
//              (to a host of its switch on another chassis), and `vnetmap down` (wall);
//   dataplane  iperf3 (TCP, 3 s) between two hosts on one switch: OVN across two chassis
//              (Geneve, userspace datapath) and on one chassis, beside the kernel engine's
//              Linux bridge and Open vSwitch, in the same run.
// Options: --skip nb,scale,dataplane   --hosts 1000   --chassis 4   --reps 2
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectOvsdb } from '../src/engines/ovn/ovsdb/client.js';
import { layoutOf } from '../src/engines/ovn/apply/paths.js';
import { readState } from '../src/apply/state.js';
import { designYaml, pairDesign, routedYaml, treeForHosts, treeTopo, labName } from './gen-designs.js';
import { machine, median, OUT_DIR, ROOT, runner, sleep, timed } from './lib/measure.js';
import { BIN, writeDesign } from './lib/vnetmap.js';
import { inNetns } from '../src/exec/netns.js';

const argv = process.argv.slice(2);
const get = (k: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
const skip = new Set((get('--skip') ?? '').split(',').filter(Boolean));
const HOSTS = Number(get('--hosts') ?? 1000);
const CHASSIS = Number(get('--chassis') ?? 4);
const REPS = Number(get('--reps') ?? 2);
const log = (s: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

interface Results {
  date: string;
  commit: string;
  machine: unknown;
  load: string;
  nbWrite: { ports: number; nbctlMs: number[]; jsonRpcMs: number[] }[];
  scale?: { shape: string; hosts: number; chassis: number; upWallS: number[]; commitToPortsUpMs: number[]; commitToBoundMs?: number[]; stages: Record<string, number>[]; firstPingMs: number[]; downWallS: number[] }[];
  dataplane: { path: string; gbits: number[] }[];
}

/** N ports in 4 switches as one transaction, as rows (JSON-RPC) and as ovn-nbctl arguments. */
function portRows(n: number, tag: string): { ops: unknown[]; args: string[] } {
  const ops: unknown[] = [];
  const args: string[] = [];
  for (let s = 0; s < 4; s++) {
    const ports: unknown[] = [];
    args.push('--', 'ls-add', `${tag}-${s}`);
    for (let i = 0; i < n / 4; i++) {
      const name = `${tag}-${s}-${i}`;
      const mac = `02:00:00:0${s}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
      ports.push(['named-uuid', `p${s}_${i}`]);
      ops.push({ op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': `p${s}_${i}`, row: { name, addresses: mac, external_ids: ['map', [['vnetmap-lab', tag]]] } });
      args.push('--', 'lsp-add', `${tag}-${s}`, name, '--', 'lsp-set-addresses', name, mac, '--', 'set', 'Logical_Switch_Port', name, `external_ids:vnetmap-lab=${tag}`);
    }
    ops.push({ op: 'insert', table: 'Logical_Switch', row: { name: `${tag}-${s}`, ports: ['set', ports] } });
  }
  return { ops, args };
}

async function nbWrite(): Promise<Results['nbWrite']> {
  const dir = mkdtempSync(join(OUT_DIR, 'nb-'));
  const db = join(dir, 'nb.db');
  const sock = join(dir, 'nb.sock');
  const pidfile = join(dir, 'nb.pid');
  await runner.run(['ovsdb-tool', 'create', db, '/usr/share/ovn/ovn-nb.ovsschema']);
  await runner.run(['ovsdb-server', db, `--remote=punix:${sock}`, `--pidfile=${pidfile}`, `--unixctl=${dir}/nb.ctl`, '--detach', '--no-chdir', '-vconsole:off']);
  const out: Results['nbWrite'] = [];
  const client = await connectOvsdb(`unix:${sock}`);
  const clear = () => client.transact('OVN_Northbound', [{ op: 'delete', table: 'Logical_Switch', where: [] }]);
  try {
    for (const n of [1000, 4000]) {
      const row = { ports: n, nbctlMs: [] as number[], jsonRpcMs: [] as number[] };
      for (let r = 0; r < 3; r++) {
        const { ops, args } = portRows(n, `b${r}`);
        const t = performance.now();
        await client.transact('OVN_Northbound', ops, 120_000);
        row.jsonRpcMs.push(Math.round(performance.now() - t));
        await clear();
        const t2 = performance.now();
        await runner.run(['ovn-nbctl', `--db=unix:${sock}`, ...args], { timeoutMs: 120_000 });
        row.nbctlMs.push(Math.round(performance.now() - t2));
        await clear();
      }
      log(`nb-write ${n} ports: nbctl ${median(row.nbctlMs)} ms, JSON-RPC ${median(row.jsonRpcMs)} ms`);
      out.push(row);
    }
  } finally {
    client.close();
    // Our own server: its pidfile in our directory, and its command line names it.
    const pid = Number(readFileSync(pidfile, 'utf8'));
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGTERM');
    await sleep(200);
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * A new port on a running lab: its namespace and veth plugged into chassis-1's br-int first,
 * then its logical switch port committed; a ping every 5 ms to a host of its switch on another
 * chassis (each end given the other's MAC) says when the first reply came.
 */
async function firstPing(lab: string): Promise<number> {
  const st = readState(lab)!;
  const plan = st.ovn!;
  const L = layoutOf(lab);
  const target = plan.bindings.find((b) => b.chassis === plan.chassis[plan.chassis.length - 1]!.name)!;
  const lsp = plan.logical.find((o) => o.kind === 'lsp' && o.name === target.lsp)!;
  if (lsp.kind !== 'lsp') throw new Error('no port');
  const ep = plan.endpoints.find((e) => e.node === target.node)!;
  // The new port joins the target's switch with an address of its /16 (both bench designs use /16s).
  const [a, b] = ep.addresses[0]!.split('.');
  const own = `${a}.${b}.200.1/16`;
  const ns = `vnbench-${process.pid}`;
  const port = `vnb${process.pid % 100000}`;
  const mac = '02:ee:00:00:00:01';
  const name = `${lab}.bench.new`;
  const chassis = plan.chassis[0]!;
  if (!chassis.namespace) throw new Error("the bench simulates its chassis: each has a namespace");
  const chassisNs = chassis.namespace;
  const ip = (...a: string[]) => runner.run(['ip', ...a]);
  const nb = await connectOvsdb(`unix:${L.nbSock}`);
  try {
    await ip('netns', 'add', ns);
    await ip('link', 'add', 'eth0', 'netns', ns, 'address', mac, 'type', 'veth', 'peer', 'name', port, 'netns', chassisNs);
    await ip('-n', ns, 'addr', 'add', own, 'dev', 'eth0');
    await ip('-n', ns, 'link', 'set', 'eth0', 'up');
    await ip('-n', chassisNs, 'link', 'set', port, 'up');
    // Both ends know each other's MAC: no ARP, whose retry after a lost request is a whole
    // second on Linux, stands between OVN's convergence and the first reply.
    await ip('-n', ns, 'neigh', 'replace', ep.addresses[0]!.split('/')[0]!, 'lladdr', lsp.addresses[0]!, 'dev', 'eth0', 'nud', 'permanent');
    await ip('-n', ep.namespace, 'neigh', 'replace', own.split('/')[0]!, 'lladdr', mac, 'dev', ep.dev, 'nud', 'permanent');
    await runner.run(inNetns(ns, ['ethtool', '-K', 'eth0', 'tx', 'off']));
    await runner.run(['ovs-vsctl', `--db=unix:${L.dbSock(chassis.name)}`, 'add-port', 'br-int', port, '--', 'set', 'Interface', port, `external_ids:iface-id=${name}`]);
    await sleep(300); // the port is in br-int, unbound
    const pinging = runner.run(inNetns(ns, ['ping', '-D', '-n', '-i', '0.005', '-c', '400', '-w', '4', ep.addresses[0]!.split('/')[0]!]), { allowFail: true, timeoutMs: 10_000 });
    await sleep(100);
    await nb.transact('OVN_Northbound', [
      { op: 'insert', table: 'Logical_Switch_Port', 'uuid-name': 'newport', row: { name, addresses: mac } },
      { op: 'mutate', table: 'Logical_Switch', where: [['name', '==', lsp.ls]], mutations: [['ports', 'insert', ['set', [['named-uuid', 'newport']]]]] },
    ]);
    const committed = Date.now() / 1000;
    const out = (await pinging).stdout;
    const first = /^\[(\d+\.\d+)\] \d+ bytes from/m.exec(out);
    if (!first) throw new Error(`no reply within 4 s: ${out.slice(-300)}`);
    return Math.round((Number(first[1]) - committed) * 1000);
  } finally {
    await nb.transact('OVN_Northbound', [{ op: 'delete', table: 'Logical_Switch_Port', where: [['name', '==', name]] }]).catch(() => undefined);
    nb.close();
    await runner.run(['ovs-vsctl', `--db=unix:${L.dbSock(chassis.name)}`, '--if-exists', 'del-port', 'br-int', port], { allowFail: true });
    await runner.run(['ip', 'netns', 'del', ns], { allowFail: true });
    await runner.run(['ip', '-n', ep.namespace, 'neigh', 'del', own.split('/')[0]!, 'dev', ep.dev], { allowFail: true });
  }
}

type ScaleRow = NonNullable<Results['scale']>[number];

async function scale(): Promise<Results['scale']> {
  const { depth, fanout } = treeForHosts(HOSTS);
  const shapes = [
    { shape: `tree (one broadcast domain, ${fanout ** depth} hosts)`, yaml: (lab: string) => designYaml(treeTopo(depth, fanout), { name: lab }) },
    { shape: `10 subnets of ${HOSTS / 10} behind one router`, yaml: (lab: string) => routedYaml(lab, HOSTS, 10) },
  ];
  const rows: ScaleRow[] = [];
  for (const sh of shapes) rows.push(await scaleOne(sh.shape, sh.yaml));
  return rows;
}

async function scaleOne(shape: string, yaml: (lab: string) => string): Promise<ScaleRow> {
  const res: ScaleRow = { shape, hosts: HOSTS, chassis: CHASSIS, upWallS: [], commitToPortsUpMs: [], commitToBoundMs: [], stages: [], firstPingMs: [], downWallS: [] };
  for (let r = 0; r < REPS; r++) {
    const lab = labName('ovn');
    const file = writeDesign(lab, yaml(lab));
    const up = await timed(['node', BIN, 'up', file, '--engine', 'ovn', '--chassis', String(CHASSIS), '--json']);
    try {
      if (up.code !== 0) throw new Error(`up failed: ${up.stderr.slice(0, 400)}`);
      const j = JSON.parse(up.stdout) as { phases: { phase: string; ms: number }[]; converged: { portsMs: number; boundMs?: number } };
      res.upWallS.push(up.seconds);
      res.commitToPortsUpMs.push(j.converged.portsMs);
      if (j.converged.boundMs !== undefined) res.commitToBoundMs!.push(j.converged.boundMs);
      res.stages.push(Object.fromEntries(j.phases.map((p) => [p.phase, p.ms])));
      res.firstPingMs.push(await firstPing(lab));
    } finally {
      const down = await timed(['node', BIN, 'down', lab]);
      res.downWallS.push(down.seconds);
    }
    log(`scale ${shape} / ${CHASSIS} chassis: up ${res.upWallS.at(-1)} s (commit -> ports bound ${res.commitToBoundMs!.at(-1)} ms, up ${res.commitToPortsUpMs.at(-1)} ms), first ping ${res.firstPingMs.at(-1)} ms, down ${res.downWallS.at(-1)} s`);
  }
  return res;
}

async function iperf(lab: string): Promise<number> {
  const server = runner.run(inNetns(`vn-${lab}-h2`, ['iperf3', '-s', '-1', '-B', '10.0.0.2']), { allowFail: true, timeoutMs: 20_000 });
  await sleep(400);
  const c = await runner.run(inNetns(`vn-${lab}-h1`, ['iperf3', '-c', '10.0.0.2', '-t', '3', '-J', '--connect-timeout', '2000']), { allowFail: true, timeoutMs: 15_000 });
  await server;
  const j = JSON.parse(c.stdout || '{}') as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  if (c.code !== 0 || j.error) throw new Error(`iperf3: ${j.error ?? c.stderr.slice(0, 200)}`);
  return Math.round(((j.end?.sum_received?.bits_per_second ?? NaN) / 1e9) * 100) / 100;
}

async function dataplane(): Promise<Results['dataplane']> {
  const cases: { path: string; extra: string[]; strategy: 'faithful' | 'ovs' }[] = [
    { path: 'OVN, two chassis (Geneve, userspace datapath)', extra: ['--engine', 'ovn', '--chassis', '2'], strategy: 'faithful' },
    { path: 'OVN, one chassis (userspace datapath)', extra: ['--engine', 'ovn', '--chassis', '1'], strategy: 'faithful' },
    { path: 'kernel engine, faithful (Linux bridge)', extra: [], strategy: 'faithful' },
    { path: 'kernel engine, ovs (Open vSwitch, this machine\'s datapath)', extra: [], strategy: 'ovs' },
  ];
  const out: Results['dataplane'] = [];
  for (const c of cases) {
    const lab = labName('dp');
    const file = writeDesign(lab, pairDesign(lab, c.strategy));
    const row = { path: c.path, gbits: [] as number[] };
    try {
      const up = await timed(['node', BIN, 'up', file, ...c.extra]);
      if (up.code !== 0) throw new Error(`up failed: ${up.stderr.slice(0, 300)}`);
      for (let r = 0; r < 3; r++) row.gbits.push(await iperf(lab));
    } finally {
      await timed(['node', BIN, 'down', lab]);
    }
    log(`dataplane ${c.path}: ${median(row.gbits)} Gbit/s`);
    out.push(row);
  }
  return out;
}

function report(r: Results): string {
  const m = (xs: number[]) => Math.round(median(xs) * 100) / 100;
  const lines = [
    '# OVN engine benchmark',
    '',
    `Measured ${r.date} at commit ${r.commit} by \`bench/ovn.sh\` (${JSON.stringify(r.machine)}); load average when it started: ${r.load}.`,
    'Medians; every run in bench/results/ovn.json.',
    '',
    '| what | measured | target |',
    '|---|---|---|',
    ...r.nbWrite.map((x) => `| Northbound write, ${x.ports.toLocaleString('en')} ports in one transaction | ovn-nbctl ${m(x.nbctlMs)} ms · JSON-RPC ${m(x.jsonRpcMs)} ms | (choice) |`),
  ];
  for (const s of r.scale ?? []) {
    const stages = Object.keys(s.stages[0] ?? {}).map((k) => `${k} ${m(s.stages.map((x) => x[k] ?? 0))}`).join(', ');
    lines.push(
      ...(s.commitToBoundMs?.length ? [`| ${s.hosts.toLocaleString('en')} hosts, ${s.shape}, over ${s.chassis} chassis: \`up\`, Northbound commit to every port bound (claimed by its chassis) | ${m(s.commitToBoundMs)} ms | < 5 s |`] : []),
      `| ${s.hosts.toLocaleString('en')} hosts, ${s.shape}, over ${s.chassis} chassis: \`up\`, Northbound commit to every port up (bound and its flows installed) | ${m(s.commitToPortsUpMs)} ms | < 5 s |`,
      `| … \`up\` wall time (stages in ms: ${stages}) | ${m(s.upWallS)} s | |`,
      `| … a new port's first ping after its Northbound commit | ${m(s.firstPingMs)} ms | < 100 ms |`,
      `| … full teardown (\`vnetmap down\`, wall) | ${m(s.downWallS)} s | < 3 s |`,
    );
  }
  for (const d of r.dataplane) lines.push(`| iperf3 TCP, ${d.path} | ${m(d.gbits)} Gbit/s | |`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const results: Results = {
    date: new Date().toISOString(),
    commit: (await runner.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], { allowFail: true })).stdout.trim(),
    machine: await machine(),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    nbWrite: [],
    dataplane: [],
  };
  if (!skip.has('nb')) results.nbWrite = await nbWrite();
  if (!skip.has('scale')) results.scale = await scale();
  if (!skip.has('dataplane')) results.dataplane = await dataplane();
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ovn.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(dir, 'ovn.md'), report(results));
  process.stdout.write(report(results));
}

await main();
