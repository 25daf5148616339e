// DHCP and DNS targets (issue 27): 100 DHCP clients leased in under 3 s of `up` time, and
// verify of DNS for 100 hosts in under 2 s. Builds a design of N hosts on one switch behind a
// router that serves them DHCP (a pool) and DNS, and the same design with fixed addresses as a
// baseline; runs the vnetmap executable (dist/vnetmap.mjs) as users do, RUNS times each, and
// writes bench/results/dhcp-dns.md (ENGINE ovn: the OVN engine on 2 simulated chassis, OVN's
// DHCP_Options and DNS rows serving, written to bench/results/dhcp-dns-ovn.md).
// Run: bench/dhcp-dns.sh [N] [RUNS] [ENGINE] (as root).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 100);
const RUNS = Number(process.argv[3] ?? 3);
const ENGINE = process.argv[4] === 'ovn' ? 'ovn' : 'kernel';
const OVN = ENGINE === 'ovn';
const OUT = join('bench', 'out');
const VNETMAP = join('dist', 'vnetmap.mjs');

function design(name: string, dhcp: boolean): string {
  const lines = [`name: ${name}`, 'nodes:', '  sw: { kind: switch }', '  gw:', '    kind: router', '    interfaces: { lan: { address: 10.20.0.1/16 } }'];
  if (dhcp) lines.push('    dhcp:', '      lan:', `        pools: [10.20.1.1-10.20.${1 + Math.ceil(N / 250)}.250]`, '        domain: bench.lab', '    dns: { domain: bench.lab }');
  for (let i = 1; i <= N; i++) {
    const addr = dhcp ? 'dhcp' : `10.20.${1 + Math.floor((i - 1) / 250)}.${1 + ((i - 1) % 250)}/16`;
    lines.push(`  h${i}: { kind: host, interfaces: { eth0: { address: ${addr} } }${dhcp ? '' : ', gateway: 10.20.0.1'} }`);
  }
  lines.push('links:', '  - endpoints: [gw:lan, sw:p0]');
  for (let i = 1; i <= N; i++) lines.push(`  - endpoints: [h${i}:eth0, sw:p${i}]`);
  return lines.join('\n') + '\n';
}

const cli = (args: string[]): { out: string; ms: number } => {
  const t = Date.now();
  const out = execFileSync('node', [VNETMAP, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { out, ms: Date.now() - t };
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

mkdirSync(OUT, { recursive: true });
const rows: Record<string, number[]> = { upStatic: [], upDhcp: [], daemons: [], leaseWait: [], verifyDnsWall: [], verifyDnsInside: [] };
let dnsChecks = 0;
let failed = 0;
for (let r = 0; r < RUNS; r++) {
  for (const dhcp of [false, true]) {
    const lab = `${dhcp ? 'bench-dhcp' : 'bench-static'}${OVN ? '-o' : ''}`;
    const file = join(OUT, `${lab}.yaml`);
    writeFileSync(file, design(lab, dhcp));
    try {
      const up = JSON.parse(cli(['up', file, '--json', ...(OVN ? ['--engine', 'ovn', '--chassis', '2'] : [])]).out) as { ms: number; leases?: { ms: number; missing: string[] }; phases: { phase: string; ms: number }[] };
      if (!dhcp) rows.upStatic!.push(up.ms);
      else {
        rows.upDhcp!.push(up.ms);
        // OVN: the clients start after convergence, and leases.ms runs from their start to the last lease.
        rows.leaseWait!.push(OVN ? 0 : up.leases!.ms);
        rows.daemons!.push(OVN ? up.leases!.ms : (up.phases.find((p) => p.phase === 'daemons')?.ms ?? 0));
        if (up.leases!.missing.length) throw new Error(`${up.leases!.missing.length} clients got no lease`);
        const v = cli(['verify', lab, '--only', 'dns', '--all', '--json']);
        const rep = JSON.parse(v.out) as { ms: number; checks: { ok: boolean }[] };
        rows.verifyDnsWall!.push(v.ms);
        rows.verifyDnsInside!.push(rep.ms);
        dnsChecks = rep.checks.length;
        failed += rep.checks.filter((c) => !c.ok).length;
      }
    } finally {
      cli(['down', lab]);
    }
  }
  process.stderr.write(`run ${r + 1}/${RUNS} done\n`);
}

const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
const m = (k: string) => `${median(rows[k]!)} ms (${rows[k]!.join(', ')})`;
const report = [
  '# DHCP and DNS benchmark',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), kernel ${kernel}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (the machine is shared: figures are under that load).`,
  `Command: \`bench/dhcp-dns.sh ${N} ${RUNS}${OVN ? ' ovn' : ''}\`. ${N} hosts on one switch behind a router${OVN ? ', engine ovn on 2 simulated chassis (the router a logical router: OVN\'s DHCP_Options and DNS rows serve)' : ''}; medians of ${RUNS} runs (every run in brackets).`,
  '',
  '| what | target | measured |',
  '| --- | --- | --- |',
  `| \`up\` with fixed addresses (baseline) | | ${m('upStatic')} |`,
  `| \`up\` with ${N} DHCP clients and a DNS service, until every client holds a lease | | ${m('upDhcp')} |`,
  ...(OVN
    ? [`| of which starting the ${N} udhcpc (after every port is up) until the last holds its lease | | ${m('daemons')} |`]
    : [`| of which starting the ${N + 1} daemons (dnsmasq, then ${N} udhcpc) | | ${m('daemons')} |`, `| of which waiting for the leases after the daemons started | | ${m('leaseWait')} |`]),
  `| DHCP's share of \`up\` (${OVN ? 'clients started to last lease' : 'daemons phase + lease wait'}) | under 3 s | ${median(rows.daemons!.map((x, i) => x + rows.leaseWait![i]!))} ms |`,
  `| \`verify --only dns --all\`: ${dnsChecks.toLocaleString('en')} lookups (${N} hosts x every name), wall time of the command | under 2 s | ${m('verifyDnsWall')} |`,
  `| the same, inside verify (without process start and reading the lab) | | ${m('verifyDnsInside')} |`,
  '',
  `Failed DNS checks over all runs: ${failed}.`,
  '',
].join('\n');
writeFileSync(join('bench', 'results', OVN ? 'dhcp-dns-ovn.md' : 'dhcp-dns.md'), report);
process.stdout.write(report);
