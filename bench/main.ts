// The benchmark driver (bench/run.sh builds and calls it): vnetmap against Mininet on this
// machine, in this run. Saves bench/out/results.json after every step (a long run that is cut
// short keeps what it measured: render it with `node dist/bench/report.js bench/out/results.json`),
// then writes BENCHMARKS.md and the chart via report.ts. Options:
//   --quick              deploy sizes 10,100; no scale climb (a reduced run covering every suite)
//   --sizes 10,100,300   deploy sizes          --reps N     runs per size (default 3; 1 for linear >= 1000)
//   --scale 300,2000     scale climb sizes     --skip deploy,reach,scale,dataplane,compile
//   --reach-tree 2,10    depth,fanout of the all-pairs tree   --verify-max 6000  most hosts a scale row verifies
//   --topos tree         deploy only these topologies (linear,tree)
//   --merge              start from the last results (bench/out/results.json, else the committed
//                        bench/results/latest.json) and replace only what this run measures (deploy
//                        rows by topology, scale rows by size asked; kept rows name their commit)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MININET_NEIGH, restore, snapshot } from './lib/host-settings.js';
import { census, delta } from './lib/leftovers.js';
import { machine, median, OUT_DIR, ROOT, runner, timed } from './lib/measure.js';
import { isPending, mergeMachine, type DeployRow, type Results, type ScaleRow } from './lib/results.js';
import { availableCommands, BIN } from './lib/vnetmap.js';
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
    merge: argv.includes('--merge'),
    sizes: list('--sizes', quick ? [10, 100] : [10, 100, 300, 1000]),
    // Mininet's linear,1000 alone takes ~27 min, so once; every other row three times.
    reps: (n: number, topo: 'linear' | 'tree') => (reps ? Number(reps) : n >= 1000 && topo === 'linear' ? 1 : 3),
    scale: list('--scale', quick ? [] : [300, 1000, 2000, 5000, 10000]),
    verifyMaxHosts: Number(get('--verify-max') ?? 6000),
    /** Reachability tree as depth,fanout (issue 7 asks for 2,10; smaller for smoke tests). */
    reachTree: list('--reach-tree', [2, 10]) as [number, number],
    skip: new Set((get('--skip') ?? '').split(',').filter(Boolean)),
    topos: get('--topos') ? new Set(get('--topos')!.split(',')) : undefined,
  };
}

const log = (s: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const RESULTS = join(OUT_DIR, 'results.json');
/** What --merge starts from: this checkout's last run, else the results committed with it (a fresh clone has no bench/out). */
const LAST = [RESULTS, join(ROOT, 'bench', 'results', 'latest.json')];

/** Replace rows with the same key, keep the rest, keep size order. */
function upsert<T>(list: T[], row: T, key: (r: T) => string, order: (r: T) => number): T[] {
  return [...list.filter((r) => key(r) !== key(row)), row].sort((x, y) => order(x) - order(y));
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const cmds = await availableCommands();
  const missing = (names: string[]) => names.filter((c) => !cmds.has(c));
  const upDownPending = missing(['up', 'down']).length ? `vnetmap ${missing(['up', 'down']).join('/')} not in this build yet` : undefined;
  const verifyPending = upDownPending ?? (missing(['verify']).length ? 'vnetmap verify not in this build yet' : undefined);
  const commit = (await runner.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], { allowFail: true })).stdout.trim();
  const argsLine = `bench/run.sh ${process.argv.slice(2).join(' ')}`.trim();

  const fresh: Results = {
    mode: a.quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    machine: await machine(),
    vnetmapCommit: commit,
    commands: [
      'vnetmap: node dist/vnetmap.mjs up FILE; … down LAB; … verify LAB --json [--only ping]',
      'Mininet: python3 bench/mn-safe.py (= /usr/bin/mn without its global clean-up) --switch lxbr --controller none --topo <linear,N | tree,depth=D,fanout=F> --test none; pingall: + --post script printing timestamps around pingall',
    ],
    deploy: [],
    scale: { pending: 'not run' },
    dataplane: { pending: 'not run' },
    compile: { shape: '', hosts: 0, rows: [] },
    notes: [],
  };
  const last = a.merge ? LAST.find((f) => existsSync(f)) : undefined;
  if (last) log(`--merge: starting from ${last}`);
  const results: Results = last ? (JSON.parse(readFileSync(last, 'utf8')) as Results) : fresh;
  if (results !== fresh) {
    results.mode = results.mode === 'full' && !a.quick ? 'full' : 'quick';
    // Rows kept from the earlier run say which commit measured them.
    for (const row of [...results.deploy, ...(isPending(results.scale) ? [] : results.scale)]) row.commit ??= results.vnetmapCommit;
    mergeMachine(results, fresh.machine);
    results.vnetmapCommit = commit;
    results.notes = results.notes.filter((n) => !n.startsWith('Machine-wide'));
  }
  // Newest first, each command once (a merged run repeated may have run the same one before).
  results.commands = [argsLine, ...results.commands.filter((c) => c !== argsLine)];
  // --note TEXT: a remark about this run (e.g. a step stopped at the deadline), kept in the report.
  for (let i = process.argv.indexOf('--note'); i >= 0; i = process.argv.indexOf('--note', i + 1)) if (process.argv[i + 1]) results.notes.push(process.argv[i + 1]!);
  if (upDownPending) results.notes.push(`${upDownPending}: deploy, scale and data-plane numbers for vnetmap are pending, not estimated.`);
  else if (verifyPending) results.notes.push(`${verifyPending}: all-pairs reachability for vnetmap is pending.`);
  const save = () => writeFileSync(RESULTS, JSON.stringify(results, null, 2));
  // Fixed start-up cost of one command of each tool, so small-size ratios can be read right.
  const startup = async (argv: string[]) => {
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) xs.push((await timed(argv)).seconds);
    return median(xs);
  };
  const vnStart = await startup(['node', BIN, '--version']);
  const mnStart = await startup(['/usr/bin/python3', join(ROOT, 'bench', 'mn-safe.py'), '--version']);
  results.notes = results.notes.filter((n) => !n.startsWith('Start-up'));
  results.notes.push(`Start-up alone (median of 3, measured at the start of this run): \`vnetmap --version\` ${vnStart.toFixed(2)} s (vnetmap pays it twice per deploy: up and down), \`mn --version\` ${mnStart.toFixed(2)} s.`);
  const before = await census();
  const onDeploy = (r: DeployRow) => {
    results.deploy = upsert(results.deploy, { ...r, commit }, (x) => x.shape, (x) => x.size * 10 + (x.topo === 'tree' ? 1 : 0));
    save();
  };
  const deploy = async (sizes: number[]) => {
    if (!a.skip.has('deploy') && sizes.length) loadNow(`deploy ${sizes.join('/')}`);
    if (!a.skip.has('deploy') && sizes.length) await deploySuite({ sizes, reps: a.reps, log, onRow: onDeploy, ...(a.topos ? { topos: a.topos } : {}), ...(upDownPending ? { vnetmapPending: upDownPending } : {}) });
  };

  const loadNow = (suite: string) => {
    results.load = { ...(results.load ?? {}), [suite]: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]) };
  };
  // Cheap suites first, the long large-size runs last, so a run cut short still covers the most.
  if (!a.skip.has('compile')) {
    log('compile/semantics speed on 10,000 hosts');
    loadNow('compile');
    results.compile = await compileSuite();
    for (const r of results.compile.rows) log(`  ${r.step}: ${r.ms?.toFixed(1) ?? r.error} ms`);
    save();
  }
  await deploy(a.sizes.filter((s) => s <= 100));
  if (!a.skip.has('reach')) {
    loadNow('reach');
    const neighAtStart = Object.fromEntries(Object.entries(SETTINGS_AT_START).filter(([k]) => k in MININET_NEIGH));
    results.reach = await reachSuite(log, verifyPending, a.reachTree, neighAtStart);
    save();
  }
  if (!a.skip.has('dataplane')) {
    loadNow('dataplane');
    results.dataplane = upDownPending ? { pending: upDownPending } : await dataplaneSuite(log);
    save();
  }
  await deploy(a.sizes.filter((s) => s > 100));
  if (!a.skip.has('scale') && a.scale.length) {
    loadNow('scale');
    if (upDownPending) results.scale = { pending: upDownPending };
    else {
      // Kept rows are keyed by the size asked; rows from before that was recorded (another shape
      // rule) give way to the climb.
      results.scale = !a.merge || isPending(results.scale) ? [] : results.scale.filter((r) => r.size !== undefined);
      await scaleSuite({
        sizes: a.scale,
        withVerify: !verifyPending,
        verifyMaxHosts: a.verifyMaxHosts,
        planObjects: planObjectCountYaml,
        log,
        onRow: (r: ScaleRow) => {
          results.scale = upsert(results.scale as ScaleRow[], { ...r, commit }, (x) => String(x.size), (x) => x.hosts);
          save();
        },
      });
    }
    save();
  }
  const restored = restore(SETTINGS_AT_START);
  results.notes = results.notes.filter((n) => !n.startsWith('Settings Mininet changed'));
  if (restored.length) {
    results.notes.push(`Settings Mininet changed during this run, restored when it ended: ${restored.join('; ')}.`);
    log(`restored what Mininet changed: ${restored.join('; ')}`);
  }
  const d = delta(before, await census());
  results.notes.push(`Machine-wide change over this run (other engineers share the machine, so this can include their objects): ${d.netns} named namespaces, ${d.rootLinks} root-namespace links, ${d.ovsBridges} OVS bridges.`);
  results.finishedAt = new Date().toISOString();
  save();
  writeReport(results);
  log('wrote BENCHMARKS.md, bench/results/deploy.svg and bench/results/latest.json');
}

// What Mininet will change, read before anything runs; written back however the run ends.
const SETTINGS_AT_START = snapshot();
const restoreOnExit = (code: number) => {
  const r = restore(SETTINGS_AT_START);
  if (r.length) console.error(`bench: restored what Mininet changed: ${r.join('; ')}`);
  process.exit(code);
};
process.once('SIGINT', () => restoreOnExit(130));
process.once('SIGTERM', () => restoreOnExit(143));

main().catch((e) => {
  console.error(e);
  restoreOnExit(1);
});
