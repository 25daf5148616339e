// The routing benchmark (docs/routing.md, issue 28's targets), on its own:
//   OSPF - 50 routers in a ring of rings (a core ring of R routers, each the head of a ring of
//          N routers): time from `vnetmap up` returning until every router's zebra holds the
//          routes the semantics engine computes; then one ring link cut (`vnetmap link ...
//          down`) and the time until they hold the routes around the cut; then the link back up.
//   VXLAN - iperf3 between two hosts across a VXLAN tunnel laid by vnetmap over a routed path,
//          and over the same path without the tunnel, in one run (when the design language
//          has tunnels: see docs/routing.md).
// Writes bench/results/routing.json and routing.md (the table docs/routing.md shows).
// Usage, as root:  npx tsc -p bench && node dist/bench/routing.js [--rings 5] [--per-ring 10] [--runs 3]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDesignFile } from '../src/model/load.js';
import { designModel } from '../src/semantics/from-design.js';
import { designWithCuts, type Cut } from '../src/semantics/cuts.js';
import { awaitConvergence, expectedTables } from '../src/verify/routes-phase.js';
import { machine, median, OUT_DIR, ROOT, runner } from './lib/measure.js';
import { BIN } from './lib/vnetmap.js';

const arg = (k: string, d: number): number => {
  const i = process.argv.indexOf(k);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};

/** A ring of rings: core ring c1..cR; ring k is ck, rk-1 .. rk-(N-1), back to ck. Every router runs OSPF on every link (cost 10). */
export function ringOfRings(name: string, rings: number, perRing: number): { yaml: string; routers: number; cut: string } {
  const ifaces = new Map<string, string[]>();
  const links: string[] = [];
  let net = 0;
  const link = (a: string, b: string): void => {
    const base = net++ * 4;
    const at = (k: number): string => `10.200.${base >> 8}.${(base & 255) + k}/30`;
    const ia = `e${(ifaces.get(a) ?? []).length}`;
    const ib = `e${(ifaces.get(b) ?? []).length}`;
    ifaces.set(a, [...(ifaces.get(a) ?? []), `${ia}: { address: ${at(1)} }`]);
    ifaces.set(b, [...(ifaces.get(b) ?? []), `${ib}: { address: ${at(2)} }`]);
    links.push(`  - endpoints: [${a}:${ia}, ${b}:${ib}]`);
  };
  const core = Array.from({ length: rings }, (_, k) => `c${k + 1}`);
  for (let k = 0; k < rings; k++) link(core[k]!, core[(k + 1) % rings]!);
  for (let k = 0; k < rings; k++) {
    const ring = [core[k]!, ...Array.from({ length: perRing - 1 }, (_, j) => `r${k + 1}-${j + 1}`)];
    for (let j = 0; j < ring.length; j++) link(ring[j]!, ring[(j + 1) % ring.length]!);
  }
  const nodes = [...ifaces].map(([n, ifs]) => {
    const names = ifs.map((s) => s.split(':')[0]!);
    return `  ${n}:\n    kind: router\n    interfaces: { ${ifs.join(', ')} }\n    routing: { ospf: { interfaces: { ${names.map((i) => `${i}: {}`).join(', ')} } } }`;
  });
  return { yaml: `name: ${name}\nnodes:\n${nodes.join('\n')}\nlinks:\n${links.join('\n')}\n`, routers: ifaces.size, cut: 'r1-1:e0' };
}

/** ms until every router's live routes are the expected ones (for the design with `cuts`). */
async function converge(lab: string, file: string, cuts: Cut[]): Promise<number | undefined> {
  const d = loadDesignFile(file).design!;
  const nodes = d.nodes.map((n) => n.name);
  const expected = expectedTables(designModel(designWithCuts(d, cuts)).routing, nodes);
  const c = await awaitConvergence(runner, lab, expected, { timeoutMs: 60_000 });
  return c.ms;
}

async function cli(args: string[]): Promise<{ ms: number; stdout: string }> {
  const t = Date.now();
  const r = await runner.run(['node', BIN, ...args], { timeoutMs: 600_000 });
  return { ms: Date.now() - t, stdout: r.stdout };
}

interface OspfRun {
  upMs: number;
  convergeAfterUpMs?: number;
  cutMs?: number;
  restoreMs?: number;
}

async function ospfRun(file: string, lab: string, cut: string): Promise<OspfRun> {
  const up = await cli(['up', file, '--lab', lab, '--strategy', 'faithful', '--json']);
  try {
    const after = await converge(lab, file, []);
    // `link` itself waits for re-convergence and says how long it took after the link changed.
    const down = await cli(['link', lab, cut, 'down', '--json']);
    const upAgain = await cli(['link', lab, cut, 'up', '--json']);
    const ms = (s: string): number | undefined => (JSON.parse(s) as { convergedMs?: number | null }).convergedMs ?? undefined;
    return { upMs: up.ms, ...(after !== undefined ? { convergeAfterUpMs: after } : {}), ...(ms(down.stdout) !== undefined ? { cutMs: ms(down.stdout)! } : {}), ...(ms(upAgain.stdout) !== undefined ? { restoreMs: ms(upAgain.stdout)! } : {}) };
  } finally {
    await cli(['down', lab]);
  }
}

/** iperf3 from `fromNs` to `ip` (a one-off server in `toNs`): received bit/s. */
async function iperf(fromNs: string, toNs: string, ip: string, seconds: number): Promise<number> {
  const server = runner.run(['ip', 'netns', 'exec', toNs, 'timeout', String(seconds + 15), 'iperf3', '-s', '-1', '-p', '5201'], { allowFail: true, timeoutMs: (seconds + 20) * 1000 });
  await new Promise((r) => setTimeout(r, 300));
  const c = await runner.run(['ip', 'netns', 'exec', fromNs, 'timeout', String(seconds + 10), 'iperf3', '-c', ip, '-p', '5201', '-t', String(seconds), '-J'], { allowFail: true, timeoutMs: (seconds + 15) * 1000 });
  await server;
  const j = JSON.parse(c.stdout || '{}') as { end?: { sum_received?: { bits_per_second?: number } } };
  return j.end?.sum_received?.bits_per_second ?? 0;
}

/** VXLAN throughput: pc1 -> pc3 across the tunnel, and host-a -> host-c over the same routed path without it, alternately. */
async function vxlanRuns(runs: number, seconds: number): Promise<{ tunnel: number[]; plain: number[] }> {
  const lab = 'bench-vx';
  const file = join(ROOT, 'examples', 'vxlan-servers.yaml');
  await cli(['up', file, '--lab', lab, '--strategy', 'faithful', '--json']);
  const ns = (n: string): string => `vn-${lab}-${n}`;
  const out = { tunnel: [] as number[], plain: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      out.plain.push(await iperf(ns('host-a'), ns('host-c'), '10.0.3.2', seconds));
      out.tunnel.push(await iperf(ns('pc1'), ns('pc3'), '192.168.10.13', seconds));
      console.log(`vxlan run ${i + 1}: plain ${(out.plain[i]! / 1e9).toFixed(2)} Gbit/s, tunnel ${(out.tunnel[i]! / 1e9).toFixed(2)} Gbit/s`);
    }
  } finally {
    await cli(['down', lab]);
  }
  return out;
}

async function main(): Promise<void> {
  const rings = arg('--rings', 5);
  const perRing = arg('--per-ring', 10);
  const runs = arg('--runs', 3);
  mkdirSync(OUT_DIR, { recursive: true });
  const startedAt = new Date().toISOString();
  const m = await machine();
  const commit = (await runner.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], { allowFail: true })).stdout.trim();
  const g = ringOfRings('bench-ospf', rings, perRing);
  const file = join(OUT_DIR, 'bench-ospf.yaml');
  writeFileSync(file, g.yaml);
  const loads: number[] = [];
  const results: OspfRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await ospfRun(file, 'bench-ospf', g.cut);
    loads.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
    console.log(`run ${i + 1}: ${JSON.stringify(r)}`);
    results.push(r);
  }
  const vx = await vxlanRuns(runs, arg('--seconds', 5));
  const gb = (xs: number[]): string => `${(median(xs) / 1e9).toFixed(1)} Gbit/s`;
  const ratio = median(vx.tunnel) / Math.max(1, median(vx.plain));
  const med = (k: keyof OspfRun): string => {
    const xs = results.flatMap((r) => (r[k] !== undefined ? [r[k]!] : []));
    return xs.length === results.length ? `${(median(xs) / 1000).toFixed(2)} s` : `not within 60 s in ${results.length - xs.length} of ${results.length} runs`;
  };
  const md = [
    `> Generated by \`node dist/bench/routing.js ${process.argv.slice(2).join(' ')}\` on ${startedAt.slice(0, 16).replace('T', ' ')} UTC, vnetmap commit \`${commit}\`, on ${m.cpu} (${m.cores} cores, shared with other work), ${m.os}, kernel ${m.kernel}, FRR ${(await runner.run(['dpkg-query', '-W', '-f', '${Version}', 'frr'], { allowFail: true })).stdout.trim() || '?'}; 1-minute load average after each run: ${loads.map((l) => l.toFixed(1)).join(', ')}.`,
    '',
    `| OSPF, ${g.routers} routers in a ring of ${rings} rings of ${perRing} (faithful) | median of ${runs} | runs |`,
    '|---|---|---|',
    `| \`vnetmap up\` (build and start ${g.routers * 2} FRR daemons) | ${med('upMs')} | ${results.map((r) => (r.upMs / 1000).toFixed(2)).join(', ')} |`,
    `| converged after \`up\` returned (target < 10 s) | ${med('convergeAfterUpMs')} | ${results.map((r) => (r.convergeAfterUpMs !== undefined ? (r.convergeAfterUpMs / 1000).toFixed(2) : '-')).join(', ')} |`,
    `| re-converged after \`link ${g.cut} down\` | ${med('cutMs')} | ${results.map((r) => (r.cutMs !== undefined ? (r.cutMs / 1000).toFixed(2) : '-')).join(', ')} |`,
    `| re-converged after \`link ${g.cut} up\` | ${med('restoreMs')} | ${results.map((r) => (r.restoreMs !== undefined ? (r.restoreMs / 1000).toFixed(2) : '-')).join(', ')} |`,
    '',
    `| VXLAN (examples/vxlan-servers.yaml, iperf3 ${arg('--seconds', 5)} s, alternating) | median of ${runs} | runs |`,
    '|---|---|---|',
    `| host-a -> host-c over the routed core, no tunnel | ${gb(vx.plain)} | ${vx.plain.map((x) => (x / 1e9).toFixed(1)).join(', ')} |`,
    `| pc1 -> pc3 through the VXLAN tunnel on the same path | ${gb(vx.tunnel)} | ${vx.tunnel.map((x) => (x / 1e9).toFixed(1)).join(', ')} |`,
    `| tunnel / no tunnel (target >= 60 %) | ${(ratio * 100).toFixed(0)} % | |`,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'results', 'routing.json'), JSON.stringify({ startedAt, commit, machine: m, rings, perRing, runs: results, loads, vxlan: vx }, null, 2) + '\n');
  writeFileSync(join(ROOT, 'bench', 'results', 'routing.md'), md);
  console.log(md);
}

if (process.argv[1]?.endsWith('routing.js')) void main();
