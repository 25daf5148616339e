// A router's firewall on the OVN engine (docs/ovn-policy.md): what it costs.
// One router with S interfaces, each a subnet of H hosts, and a firewall of R rules (zones,
// sources, port ranges, ICMP) — compiled, then built on 2 simulated chassis, with and without
// the firewall: compile time, ACLs written, the Northbound transaction and the wait until every
// chassis applied it (up's phases "nb" and "converge").
// Run as root: npx vite-node bench/ovn-policy.ts  (writes bench/results/ovn-policy.md)
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ProcessRunner } from '../src/exec/runner.js';
import { ovnEngine } from '../src/engines/ovn/index.js';
import { upOvn } from '../src/engines/ovn/apply/up.js';
import { downOvn } from '../src/engines/ovn/apply/down.js';
import type { OvnPlan } from '../src/engines/ovn/plan/types.js';
import { loadDesign } from '../src/model/load.js';
import { PRESETS } from '../src/plan/capabilities.js';

const runner = new ProcessRunner({ netlink: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function design(name: string, subnets: number, hosts: number, rules: number): string {
  const l = [`name: ${name}`, 'nodes:', '  gw:', '    kind: router', '    interfaces:'];
  for (let s = 0; s < subnets; s++) l.push(`      lan${s}: { address: 10.${s}.0.1/24 }`);
  if (rules) {
    l.push('    firewall:', `      zones: { staff: [${Array.from({ length: subnets >> 1 }, (_, s) => `lan${s}`).join(', ')}], guests: [${Array.from({ length: subnets - (subnets >> 1) }, (_, s) => `lan${s + (subnets >> 1)}`).join(', ')}] }`, '      input: drop', '      forward: drop', '      rules:');
    for (let r = 0; r < rules - 3; r++) l.push(`        - { action: ${r % 3 ? 'allow' : 'reject'}, from: ${r % 2 ? 'staff' : 'guests'}, to: ${r % 2 ? 'guests' : 'staff'}, protocol: ${r % 4 ? 'tcp' : 'udp'}, port: "${8000 + 10 * r}-${8005 + 10 * r}", source: 10.${r % subnets}.0.0/24 }`);
    l.push('        - { action: allow, from: staff }', '        - { action: allow, to: self, protocol: icmp, icmp-type: echo-request }', '        - { action: deny, from: guests, to: staff }');
  }
  for (let s = 0; s < subnets; s++) for (let h = 0; h < hosts; h++) l.push(`  h${s}x${h}: { kind: host, interfaces: { eth0: { address: 10.${s}.0.${h + 10}/24 } }, gateway: 10.${s}.0.1 }`);
  for (let s = 0; s < subnets; s++) l.push(`  sw${s}: { kind: switch }`);
  l.push('links:');
  for (let s = 0; s < subnets; s++) {
    l.push(`  - endpoints: [gw:lan${s}, sw${s}:up]`);
    for (let h = 0; h < hosts; h++) l.push(`  - endpoints: [sw${s}:p${h}, h${s}x${h}:eth0]`);
  }
  return l.join('\n') + '\n';
}

async function run(subnets: number, hosts: number, rules: number, live: boolean) {
  const lab = `bop${process.pid % 10000}`;
  const d = loadDesign(design(lab, subnets, hosts, rules)).design!;
  const times: number[] = [];
  let plan!: OvnPlan;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    plan = ovnEngine.compile(d, { capabilities: PRESETS.minimal!, chassis: 2 }) as OvnPlan;
    times.push(performance.now() - t);
  }
  const acls = plan.logical.filter((o) => o.kind === 'acl').length;
  let nb: number | undefined;
  let converge: number | undefined;
  if (live) {
    try {
      const r = (await upOvn(plan, runner, { designFile: `bench-${lab}.yaml` })) as unknown as { phases: { phase: string; ms: number }[] };
      nb = r.phases.find((p) => p.phase === 'nb')?.ms;
      converge = r.phases.find((p) => p.phase === 'converge')?.ms;
    } finally {
      await downOvn(lab, runner, {});
    }
  }
  return { hosts: subnets * hosts, rules, compileMs: median(times), acls, nb, converge };
}

const rows: string[] = [];
for (const [subnets, hosts, live] of [[4, 50, true], [10, 100, false]] as const)
  for (const rules of [0, 20]) {
    const r = await run(subnets, hosts, rules, live);
    rows.push(`| ${r.hosts} hosts in ${subnets} subnets | ${rules || 'none'} | ${r.compileMs.toFixed(0)} | ${r.acls} | ${r.nb ?? '–'} | ${r.converge ?? '–'} |`);
    console.log(rows.at(-1));
  }
const out = [
  '# OVN engine: a router\'s firewall as ACLs (bench/ovn-policy.ts)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${loadavg()[0]!.toFixed(1)} at the start (a machine shared with other work: read the figures relative to each other). Compile: median of 5; up on 2 simulated chassis once.`,
  '',
  '| design | firewall rules | compile (ms) | ACLs | Northbound transaction (ms) | until every chassis applied it (ms) |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
];
writeFileSync('bench/results/ovn-policy.md', out.join('\n'));
