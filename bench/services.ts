// Services benchmark (docs/services.md): two targets of issue 27.
// 1. Firewalls: 1,000 hosts, each with a 20-rule firewall, compile and load in under 1 s of `up`
//    time: the time compile spends on firewalls (the plan with them minus the plan without) plus
//    the nft phase of `up` (every table loaded, NAT and firewalls), measured on a real twin.
// 2. Load balancer NAT throughput at least 80 % of a plain DNAT port forward's: iperf3 (TCP,
//    -t 4) from a client through one router to a backend, once through a port forward and once
//    through a load balancer (nftables jhash DNAT: iperf3's control and data connections must
//    land on one backend, so sh), alternating, in the same run.
// Run as root: npx vite-node bench/services.ts  (writes bench/results/services.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { applyPlan } from '../src/apply/apply.js';
import { destroyLab } from '../src/apply/destroy.js';
import { inNetns } from '../src/exec/netns.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { loadDesign } from '../src/model/load.js';
import { PRESETS } from '../src/plan/capabilities.js';
import { compile } from '../src/plan/compile.js';
import { netnsName } from '../src/plan/names.js';
import type { NftObj } from '../src/plan/types.js';
import { renderNft } from '../src/render/nft.js';
import { renderSteps } from '../src/render/render.js';
import type { CommandStep } from '../src/render/steps.js';

const runner = new ProcessRunner({ netlink: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** hosts on switches of 50 behind one router; with `rules`, each host has that many firewall rules. */
function farmDesign(name: string, hosts: number, rules: number): string {
  const lines = [`name: ${name}`, 'nodes:', '  gw:', '    kind: router', '    interfaces:'];
  const sws = Math.ceil(hosts / 50);
  for (let s = 0; s < sws; s++) lines.push(`      lan${s}: { address: 10.${s}.0.1/16 }`);
  const fw = (i: number) => {
    const out = ['    firewall:', '      input: drop', '      rules:'];
    for (let r = 0; r < rules - 2; r++) out.push(`        - { action: allow, protocol: tcp, port: ${8000 + r}, source: 10.${r % sws}.0.0/16 }`);
    out.push(`        - { action: allow, protocol: icmp, icmp-type: echo-request }`, `        - { action: reject, protocol: udp, port: "1-1024", comment: host ${i} }`);
    return out;
  };
  for (let i = 0; i < hosts; i++) {
    const s = Math.floor(i / 50);
    lines.push(`  h${i}:`, '    kind: host', `    interfaces: { eth0: { address: 10.${s}.${1 + Math.floor((i % 50) / 250)}.${(i % 50) + 10}/16 } }`, `    gateway: 10.${s}.0.1`);
    if (rules) lines.push(...fw(i));
  }
  for (let s = 0; s < sws; s++) lines.push(`  sw${s}: { kind: switch }`);
  lines.push('links:');
  for (let s = 0; s < sws; s++) lines.push(`  - endpoints: [gw:lan${s}, sw${s}:up]`);
  for (let i = 0; i < hosts; i++) lines.push(`  - endpoints: [sw${Math.floor(i / 50)}:p${i % 50}, h${i}:eth0]`);
  return lines.join('\n') + '\n';
}

/** CPU seconds of this process (user + system) and of its waited-for children (/proc/self/stat cutime, cstime). */
function cpu(): { self: number; children: number } {
  const u = process.cpuUsage();
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const hz = 100; // USER_HZ
  return { self: (u.user + u.system) / 1e6, children: (Number(f[13]) + Number(f[14])) / hz };
}

interface Cost {
  wallMs: number;
  cpuMs: number;
}

async function measure(f: () => unknown): Promise<Cost> {
  const [c0, t0] = [cpu(), performance.now()];
  await f();
  const [c1, t1] = [cpu(), performance.now()];
  return { wallMs: t1 - t0, cpuMs: (c1.self - c0.self + c1.children - c0.children) * 1000 };
}

/**
 * The firewall's share of up: compile (with minus without firewalls), rendering its tables, and
 * loading them (the nft steps of up run again on the built twin: each table is replaced whole,
 * the same work as the first load). Wall and CPU time: on a loaded machine the wall time is
 * mostly waiting for a core.
 */
async function firewallBench(hosts: number, rules: number): Promise<{ compile: Cost; render: Cost; load: Cost; upMs: number; tables: number }> {
  const lab = `bfw${process.pid % 100000}`;
  const withFw = loadDesign(farmDesign(lab, hosts, rules)).design!;
  const without = loadDesign(farmDesign(lab, hosts, 0)).design!;
  const opts = { strategy: 'faithful' as const, capabilities: PRESETS.minimal! };
  const med = (xs: Cost[]): Cost => ({ wallMs: median(xs.map((x) => x.wallMs)), cpuMs: median(xs.map((x) => x.cpuMs)) });
  const compiles: Cost[] = [];
  for (let i = 0; i < 3; i++) {
    const a = await measure(() => compile(withFw, opts));
    const b = await measure(() => compile(without, opts));
    compiles.push({ wallMs: a.wallMs - b.wallMs, cpuMs: a.cpuMs - b.cpuMs });
  }
  const plan = compile({ ...withFw, name: lab }, opts);
  const tables = plan.objects.filter((o): o is NftObj => o.kind === 'nft' && !!o.filter);
  const renders: Cost[] = [];
  for (let i = 0; i < 3; i++) renders.push(await measure(() => tables.map(renderNft)));
  try {
    const res = await applyPlan(plan, runner, { designFile: 'bench-firewall' });
    const steps = renderSteps(plan).filter((s): s is CommandStep => s.phase === 'nft' && 'argv' in s);
    const loads: Cost[] = [];
    for (let i = 0; i < 3; i++) loads.push(await measure(() => runner.runMany(steps.map((s) => ({ argv: s.argv, ...(s.input !== undefined ? { input: s.input } : {}) })), 4)));
    return { compile: med(compiles), render: med(renders), load: med(loads), upMs: res.ms, tables: tables.length };
  } finally {
    await destroyLab(lab, runner);
  }
}

const LB_DESIGN = (name: string) => `name: ${name}
nodes:
  client: { kind: external, interfaces: { eth0: { address: 198.51.100.10/24 } } }
  lvs:
    kind: router
    interfaces: { wan: { address: [198.51.100.1/24, 198.51.100.80/24] }, lan: { address: 10.0.1.1/24 } }
    nat: { port-forwards: [{ in: wan, port: 5201, to: 10.0.1.11 }] }
    services:
      - { kind: load-balancer, name: iperf, vip: 198.51.100.80, port: 5201, scheduler: sh, backends: [{ address: 10.0.1.11 }, { address: 10.0.1.12 }] }
  web1: { kind: host, interfaces: { eth0: { address: 10.0.1.11/24 } }, gateway: 10.0.1.1 }
  web2: { kind: host, interfaces: { eth0: { address: 10.0.1.12/24 } }, gateway: 10.0.1.1 }
  sw: { kind: switch }
links:
  - endpoints: [client:eth0, lvs:wan]
  - endpoints: [lvs:lan, sw:p1]
  - endpoints: [sw:p2, web1:eth0]
  - endpoints: [sw:p3, web2:eth0]
`;

/** Gbit/s of one iperf3 run from the client to addr:5201; both backends serve one client and exit. */
async function iperf(lab: string, addr: string): Promise<number> {
  const stop = new AbortController();
  const servers = ['web1', 'web2'].map((n) => runner.run(inNetns(netnsName(lab, n), ['iperf3', '-s', '-1', '-p', '5201']), { allowFail: true, timeoutMs: 15_000, signal: stop.signal }));
  await sleep(400);
  const c = await runner.run(inNetns(netnsName(lab, 'client'), ['iperf3', '-c', addr, '-p', '5201', '-t', '4', '-J', '--connect-timeout', '2000']), { allowFail: true, timeoutMs: 15_000 });
  // The backend that got no client is stopped (the one that did has exited: -1).
  stop.abort();
  await Promise.all(servers.map((x) => x.catch(() => undefined)));
  const j = JSON.parse(c.stdout || '{}') as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  if (c.code !== 0 || j.error) throw new Error(`iperf3 to ${addr}: ${j.error ?? c.stderr.slice(0, 200)}`);
  return (j.end?.sum_received?.bits_per_second ?? NaN) / 1e9;
}

async function lbBench(reps: number): Promise<{ dnat: number[]; lb: number[] }> {
  const lab = `blb${process.pid % 100000}`;
  const plan = compile(loadDesign(LB_DESIGN(lab)).design!, { strategy: 'faithful', capabilities: PRESETS.minimal! });
  const out = { dnat: [] as number[], lb: [] as number[] };
  try {
    await applyPlan(plan, runner, { designFile: 'bench-lb' });
    for (let i = 0; i < reps; i++) {
      const order = i % 2 ? (['lb', 'dnat'] as const) : (['dnat', 'lb'] as const);
      for (const k of order) out[k].push(await iperf(lab, k === 'dnat' ? '198.51.100.1' : '198.51.100.80'));
    }
  } finally {
    await destroyLab(lab, runner);
  }
  return out;
}

const load0 = loadavg()[0]!;
const fw = await firewallBench(1000, 20);
const lb = await lbBench(5);
const load1 = loadavg()[0]!;
const ratio = median(lb.lb) / median(lb.dnat);
const md = `# Services benchmark

Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux, ${new Date().toISOString().slice(0, 10)}; load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after (a shared machine: figures measured under that load).
Command: \`npx vite-node bench/services.ts\` (as root).

| target | measured | goal | met |
|---|---|---|---|
| firewalls, 1,000 hosts × 20 rules: compile (with minus without firewalls, median of 3) | ${fw.compile.wallMs.toFixed(0)} ms wall, ${fw.compile.cpuMs.toFixed(0)} ms CPU | | |
| … render their ${fw.tables} nft tables | ${fw.render.wallMs.toFixed(0)} ms wall, ${fw.render.cpuMs.toFixed(0)} ms CPU | | |
| … load them (the nft steps of \`up\`: one helper process through libnftables; median of 3) | ${fw.load.wallMs.toFixed(0)} ms wall, ${fw.load.cpuMs.toFixed(0)} ms CPU | | |
| … together | ${(fw.compile.wallMs + fw.render.wallMs + fw.load.wallMs).toFixed(0)} ms wall, ${(fw.compile.cpuMs + fw.render.cpuMs + fw.load.cpuMs).toFixed(0)} ms CPU | < 1,000 ms | ${fw.compile.wallMs + fw.render.wallMs + fw.load.wallMs < 1000 ? 'yes' : `wall no; CPU ${fw.compile.cpuMs + fw.render.cpuMs + fw.load.cpuMs < 1000 ? 'yes' : 'no'}`} |
| whole \`up\` of that lab (1,001 namespaces) | ${(fw.upMs / 1000).toFixed(1)} s | | |
| load balancer NAT (nftables jhash DNAT), iperf3 -t 4, median of ${lb.lb.length} | ${median(lb.lb).toFixed(1)} Gbit/s | | |
| plain DNAT port forward, same run, alternating | ${median(lb.dnat).toFixed(1)} Gbit/s | | |
| ratio | ${(ratio * 100).toFixed(0)} % | ≥ 80 % | ${ratio >= 0.8 ? 'yes' : 'no'} |

Runs (Gbit/s): load balancer ${lb.lb.map((x) => x.toFixed(1)).join(', ')}; port forward ${lb.dnat.map((x) => x.toFixed(1)).join(', ')}.
`;
writeFileSync('bench/results/services.md', md);
process.stdout.write(md);
