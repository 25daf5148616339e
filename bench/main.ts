// The benchmark driver (bench/run.sh builds and calls it): vnetmap against Mininet on this
// machine, in this run. Writes bench/out/results.json, then BENCHMARKS.md and the chart via
// report.ts. Options:
//   --quick              sizes 10,100; no scale climb (a reduced run that still covers every suite)
//   --sizes 10,100,300   deploy sizes          --reps N     runs per size (default 3; 1 at >= 1000)
//   --scale 2000,5000    scale climb sizes     --skip deploy,reach,scale,dataplane,compile
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { census, delta } from './lib/leftovers.js';
import { machine, OUT_DIR, ROOT, runner } from './lib/measure.js';
import type { Results } from './lib/results.js';
import { availableCommands } from './lib/vnetmap.js';
import { writeReport } from './report.js';
import { compileSuite, planObjectCountYaml } from './suites/compile-speed.js';
import { dataplaneSuite } from './suites/dataplane.js';
import { deploySuite } from './suites/deploy.js';
import { reachSuite } from './suites/reach.js';
import { scaleSuite } from './suites/scale.js';

function args(argv: string[]) {
  const get = (k: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (k: string, d: number[]) => get(k)?.split(',').filter(Boolean).map(Number) ?? d;
  const quick = argv.includes('--quick');
  const reps = get('--reps');
  return {
    quick,
    sizes: list('--sizes', quick ? [10, 100] : [10, 100, 300, 1000]),
    reps: (n: number) => (reps ? Number(reps) : n >= 1000 ? 1 : 3),
    scale: list('--scale', quick ? [] : [2000, 5000]),
    skip: new Set((get('--skip') ?? '').split(',').filter(Boolean)),
  };
}

const log = (s: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const cmds = await availableCommands();
  const missing = (names: string[]) => names.filter((c) => !cmds.has(c));
  const upDownPending = missing(['up', 'down']).length ? `vnetmap ${missing(['up', 'down']).join('/')} not in this build yet` : undefined;
  const verifyPending = upDownPending ?? (missing(['verify']).length ? 'vnetmap verify not in this build yet' : undefined);
  const commit = (await runner.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], { allowFail: true })).stdout.trim();

  const results: Results = {
    mode: a.quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    machine: await machine(),
    vnetmapCommit: commit,
    commands: [
      `bench/run.sh ${process.argv.slice(2).join(' ')}`.trim(),
      'vnetmap: node dist/src/cli/bin.js up <design>; ... down <design>; ... verify <design>',
      'Mininet: mn --switch lxbr --controller none --topo <linear,N | tree,depth=D,fanout=F> --test none (pingall: --post script with timestamps around `pingall`)',
    ],
    deploy: [],
    scale: { pending: 'skipped' },
    dataplane: { pending: 'skipped' },
    compile: { shape: '', hosts: 0, rows: [] },
    notes: [],
  };
  if (upDownPending) results.notes.push(`${upDownPending}: deploy, scale and data-plane numbers for vnetmap are pending, not estimated.`);
  else if (verifyPending) results.notes.push(`${verifyPending}: all-pairs reachability for vnetmap is pending.`);
  const save = () => writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(results, null, 2));
  const before = await census();

  if (!a.skip.has('compile')) {
    log('compile/semantics speed on 10,000 hosts');
    results.compile = await compileSuite();
    for (const r of results.compile.rows) log(`  ${r.step}: ${r.ms?.toFixed(1) ?? r.error} ms`);
    save();
  }
  if (!a.skip.has('deploy')) {
    results.deploy = await deploySuite({ sizes: a.sizes, reps: a.reps, log, ...(upDownPending ? { vnetmapPending: upDownPending } : {}) });
    save();
  }
  if (!a.skip.has('reach')) {
    results.reach = await reachSuite(log, verifyPending);
    save();
  }
  if (!a.skip.has('dataplane')) {
    results.dataplane = upDownPending ? { pending: upDownPending } : await dataplaneSuite(log);
    save();
  }
  if (!a.skip.has('scale') && a.scale.length) {
    results.scale = upDownPending ? { pending: upDownPending } : await scaleSuite(a.scale, log, !verifyPending, planObjectCountYaml);
    save();
  }
  const d = delta(before, await census());
  results.notes.push(`Machine-wide change over the whole run (other engineers share the machine, so this can include their objects): ${d.netns} named namespaces, ${d.rootLinks} root-namespace links, ${d.ovsBridges} OVS bridges.`);
  results.finishedAt = new Date().toISOString();
  save();
  writeReport(results);
  log('wrote BENCHMARKS.md, bench/results/deploy.svg and bench/results/latest.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
