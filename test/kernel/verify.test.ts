// verify on real twins. (1) Every example x strategy (x macvlan mode) this kernel supports:
// up, then verify passes and every live observation equals the offline prediction for the plan.
// (2) Twins broken behind vnetmap's back (a deleted link, a flipped OVS tag, a deleted NAT
// table, a changed macvlan mode): verify fails on exactly the checks the semantics engine
// predicts for the same change made to the plan, offline. Labs are unique per run and always
// removed; probes only target addresses inside the lab.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { applyPlan } from '../../src/apply/apply.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import type { Design } from '../../src/model/types.js';
import type { Plan } from '../../src/plan/types.js';
import { compare } from '../../src/semantics/compare.js';
import { planModel } from '../../src/semantics/from-plan.js';
import type { NetModel } from '../../src/semantics/net-model.js';
import { pair, reachability } from '../../src/semantics/reachability.js';
import { formatVerify } from '../../src/verify/report.js';
import { checkTo } from '../../src/verify/tcp-phase.js';
import { verifyLive, type Check, type VerifyReport } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, nsOf, ovsRunning, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'vnetmap-verify-'));
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

/** A router capturing web traffic from its LAN to a local proxy port (REDIRECT). */
function redirectDesign(): string {
  const file = join(tmp, 'redirect.yaml');
  writeFileSync(
    file,
    `name: redir
nodes:
  pc: { kind: host, interfaces: { eth0: { address: 192.168.5.10/24 } }, gateway: 192.168.5.1 }
  gw:
    kind: router
    interfaces: { lan: { address: 192.168.5.1/24 }, wan: { address: 198.51.100.2/24 } }
    nat:
      masquerade: [{ out: wan }]
      redirects: [{ in: lan, protocol: tcp, port: 80, to-port: 3128 }]
  out: { kind: external, interfaces: { eth0: { address: 198.51.100.1/24 } } }
links:
  - endpoints: [pc:eth0, gw:lan]
  - endpoints: [gw:wan, out:eth0]
`,
  );
  return file;
}

/** Network A with hairpin NAT: inside hosts reach pc1's web server through the public address. */
function hairpinNatDesign(): string {
  const file = join(tmp, 'network-a-hairpin-nat.yaml');
  writeFileSync(file, readFileSync(example('network-a'), 'utf8').replace('    nat:\n', '    nat:\n      hairpin: true\n'));
  return file;
}
const ovs = isRoot ? await ovsRunning() : false;

interface Built {
  plan: Plan;
  design: Design;
  file: string;
}

async function build(name: string, strategy: string, macvlanMode?: string): Promise<Built | string> {
  if (!isRoot) return 'needs root';
  try {
    const lab = uniqueLab();
    const file = name === 'network-a-hairpin-nat' ? hairpinNatDesign() : name === 'redirect' ? redirectDesign() : example(name);
    const { plan, design } = await planFromDesignFile(kernelEngine, file, { lab, strategy, ...(macvlanMode ? { macvlanMode } : {}) }, runner);
    if (plan.objects.some((o) => o.kind === 'ovs-bridge') && !ovs) return 'Open vSwitch not running';
    return { plan, design, file };
  } catch (e) {
    return (e as Error).message.split(';')[0]!.slice(0, 80);
  }
}

/** What the semantics engine says each check of a report shows on `plan` (offline). */
function predict(design: Design, plan: Plan, checks: Check[]): Map<string, boolean> {
  const cmp = compare(design, plan);
  const r = reachability(planModel(plan) as NetModel);
  const refOf = new Map(cmp.design.endpoints.map((e) => [e.name, e.ref]));
  const out = new Map<string, boolean>();
  for (const c of checks) {
    if (!refOf.has(c.from)) continue; // a load balancer's "every backend answered" check: not per source
    if (c.kind === 'tcp' || c.kind === 'udp') {
      const t = r.tcp.find((x) => x.protocol === c.kind && c.to === checkTo(x));
      out.set(key(c), t?.fromClass.get(r.classOf.get(refOf.get(c.from)!)!) ?? false);
    } else {
      const p = pair(r, refOf.get(c.from)!, refOf.get(c.to)!);
      // Order-dependent pings (see L2View.unstable) have no single prediction: left out.
      if (!(c.kind === 'ping' && p.unstable)) out.set(key(c), c.kind === 'ping' ? p.reach : p.l2);
    }
  }
  return out;
}
const key = (c: Check) => `${c.kind} ${c.from} -> ${c.to}`;
const failed = (r: VerifyReport) => r.checks.filter((c) => !c.ok).map(key).sort();
/** Failed checks whose probe could be made (a probe from an unplugged host cannot: its checks fail with an error). */
const mismatched = (r: VerifyReport) => r.checks.filter((c) => !c.ok && !c.error).map(key).sort();
/** Sources whose probes could not be made. */
const erroredFrom = (r: VerifyReport) => [...new Set(r.checks.filter((c) => c.error).map((c) => c.from))].sort();

const CASES: [string, string, string?][] = [
  ['figure-1', 'faithful'],
  ['figure-1', 'compact'],
  ['figure-1', 'ovs'],
  ['network-a', 'faithful'],
  ['network-a', 'compact'],
  ['network-a', 'ovs'],
  ['network-a-vms', 'faithful'],
  ['network-a-vms', 'ovs'],
  ['network-a-hairpin-nat', 'faithful'],
  ['redirect', 'faithful'],
  ['office', 'faithful'],
  ['office', 'compact'],
  ['web-farm', 'faithful'],
  ['web-farm', 'compact'],
  ['network-a-vms', 'macvtap', 'bridge'],
  ['network-a-vms', 'macvtap', 'vepa'],
  ['network-a-vms', 'macvtap', 'private'],
  ['network-b', 'faithful'],
  ['network-b', 'compact'],
  ['network-b', 'ovs'],
  ['network-b-servers', 'faithful'],
  ['network-b-servers', 'compact'],
  ['network-b-servers', 'ovs'],
  ['network-b-servers', 'macvtap'],
];

// Planned at collection time so that a case this kernel cannot build says why in its name.
const PLANNED: { title: string; b: Built | string }[] = [];
for (const [name, strategy, mode] of CASES) PLANNED.push({ title: `${name} × ${strategy}${mode ? ` (${mode})` : ''}`, b: await build(name, strategy, mode) });

describe.concurrent('verify passes on every twin this kernel can build, and live equals offline', () => {
  for (const { title, b } of PLANNED) {
    const skip = typeof b === 'string' ? b : undefined;
    it.skipIf(!!skip)(`${title}${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const { plan, design, file } = b as Built;
      labs.push(plan.lab);
      try {
        await applyPlan(plan, runner, { designFile: file });
        const report = await verifyLive(plan, design, runner, { concurrency: 32 });
        expect(report.checks.length).toBeGreaterThan(0);
        const offline = predict(design, plan, report.checks);
        expect(report.checks.filter((c) => offline.has(key(c)) && c.observed !== offline.get(key(c))).map(key)).toEqual([]);
        expect(failed(report)).toEqual([]);
        expect(report.unexplained).toBe(0);
        if (title.startsWith('redirect')) expect(report.checks.filter((c) => c.kind === 'tcp' && c.observed).map((c) => c.from)).toEqual(['pc']);
        if (title.startsWith('office')) {
          // The firewall decides by port: the NTP rule lets the office in over UDP, the ISP not.
          const ntp = report.checks.filter((c) => c.kind === 'udp' && c.to.includes(':123 '));
          expect(ntp.filter((c) => c.observed).map((c) => c.from)).toContain('pc1');
          expect(ntp.filter((c) => c.from === 'isp').map((c) => c.observed)).toEqual([false]);
        }
        if (title.startsWith('network-a-hairpin-nat')) expect(report.checks.filter((c) => c.kind === 'tcp' && c.observed).map((c) => c.from)).toContain('pc2');
      } finally {
        await destroyLab(plan.lab, runner);
      }
      expect(await leftovers(plan.lab)).toEqual(NOTHING);
    }, 180_000);
  }
});

interface Break {
  title: string;
  example: string;
  strategy: string;
  mode?: string;
  /** Breaks the live twin (behind vnetmap's back) ... */
  live(p: Plan): string[][];
  /** ... and makes the same change to a copy of the plan, for the offline prediction. */
  offline(p: Plan): void;
  /** Endpoints the change leaves unable to probe at all (their checks fail with an error). */
  unreachable?: string[];
}

const rootEndOf = (p: Plan, ref: string) => {
  const v = p.objects.find((o) => o.kind === 'veth' && o.realizes.includes(ref));
  if (v?.kind !== 'veth') throw new Error(`no veth for ${ref}`);
  return v.a.namespace === null ? v.a.name : v.b.name;
};

const BREAKS: Break[] = [
  {
    title: 'a link deleted (pc3 unplugged)',
    example: 'network-a',
    strategy: 'faithful',
    live: (p) => [['ip', '-n', nsOf(p, 'pc3'), 'link', 'del', 'dev', 'eth0']],
    offline: (p) => void (p.objects = p.objects.filter((o) => !(o.kind === 'veth' && o.realizes.includes('iface:pc3/eth0')))),
    unreachable: ['pc3'],
  },
  {
    title: 'the NAT table deleted on the router',
    example: 'network-a',
    strategy: 'faithful',
    live: (p) => [['ip', 'netns', 'exec', nsOf(p, 'gw'), 'nft', 'delete', 'table', 'ip', 'vnetmap']],
    offline: (p) => void (p.objects = p.objects.filter((o) => o.kind !== 'nft')),
  },
  {
    title: "an OVS access tag flipped (pc4's port from VLAN 20 to 10)",
    example: 'network-b',
    strategy: 'ovs',
    live: (p) => [['ovs-vsctl', '--timeout=5', 'set', 'port', rootEndOf(p, 'iface:pc4/eth0'), 'tag=10']],
    offline: (p) => {
      const name = rootEndOf(p, 'iface:pc4/eth0');
      for (const o of p.objects) if (o.kind === 'ovs-port' && o.name === name) o.tag = 10;
    },
  },
  {
    title: "a macvlan mode changed (pc2's from vepa to private)",
    example: 'network-a-vms',
    strategy: 'macvtap',
    mode: 'vepa',
    live: (p) => [['ip', '-n', nsOf(p, 'pc2'), 'link', 'set', 'dev', 'eth0', 'type', 'macvlan', 'mode', 'private']],
    offline: (p) => {
      for (const o of p.objects) if (o.kind === 'macvlan' && o.realizes.includes('iface:pc2/eth0')) o.mode = 'private';
    },
  },
];

const BROKEN: { br: Break; b: Built | string }[] = [];
for (const br of BREAKS) BROKEN.push({ br, b: await build(br.example, br.strategy, br.mode) });

describe.concurrent('verify catches twins broken behind its back, pair by pair', () => {
  for (const { br, b } of BROKEN) {
    const skip = typeof b === 'string' ? b : undefined;
    it.skipIf(!!skip)(`${br.title} in ${br.example} × ${br.strategy}${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const { plan, design, file } = b as Built;
      labs.push(plan.lab);
      try {
        await applyPlan(plan, runner, { designFile: file });
        for (const argv of br.live(plan)) await runner.run(argv);
        const report = await verifyLive(plan, design, runner, { concurrency: 32 });
        const broken: Plan = JSON.parse(JSON.stringify(plan));
        br.offline(broken);
        const offline = predict(design, broken, report.checks);
        const known = report.checks.filter((c) => offline.has(key(c)));
        const predictedFailures = known.filter((c) => offline.get(key(c)) !== c.expected).map(key).sort();
        expect(predictedFailures.length).toBeGreaterThan(0);
        // Every predicted failure fails; checks that could be made fail only where predicted; a
        // probe that could not be made is only ever one from the broken endpoint itself.
        expect(failed({ ...report, checks: known.filter((c) => predictedFailures.includes(key(c))) })).toEqual(predictedFailures);
        expect(mismatched({ ...report, checks: known })).toEqual(predictedFailures.filter((k) => !report.checks.some((c) => c.error && key(c) === k)));
        expect(erroredFrom(report)).toEqual(br.unreachable ?? []);
      } finally {
        await destroyLab(plan.lab, runner);
      }
    }, 180_000);
  }
});

describe('the verify command', () => {
  it.skipIf(!isRoot)(`up, verify --json, down${isRoot ? '' : ' (skipped: needs root)'}`, async () => {
    const lab = uniqueLab();
    labs.push(lab);
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((x) => ((err += String(x)), true));
    try {
      expect(await main(['node', 'vnetmap', 'up', example('network-a'), '--lab', lab, '--json'])).toBe(0);
      out = '';
      err = '';
      const code = await main(['node', 'vnetmap', 'verify', lab, '--json', '--concurrency', '24']);
      const j = JSON.parse(out) as { checks: Record<string, unknown>[]; summary: { passed: number; failed: number } };
      expect(code).toBe(0);
      expect(Object.keys(j.checks[0]!)).toEqual(['kind', 'from', 'to', 'expected', 'observed', 'ok']);
      expect(j.summary).toEqual({ passed: j.checks.length, failed: 0 });
      expect(err).toContain(`${j.checks.length} passed, 0 failed`);
      // Behind its back: unplug pc2. The text report names the failures, exit 1.
      await runner.run(['ip', '-n', `vn-${lab}-pc2`, 'link', 'del', 'dev', 'eth0']);
      out = '';
      expect(await main(['node', 'vnetmap', 'verify', lab])).toBe(1);
      expect(out).toMatch(/mismatches:\n  ping pc1 -> pc2: expected a reply from the target, observed no reply from the target\n      why: vn-\S+-(access-sw\/p2|pc2\/eth0): device missing\n/);
      expect(out).toMatch(/  ping pc2 -> pc1: could not probe: 192\.168\.1\.12 is not an address of vn-\S+-pc2/);
      expect(out).toMatch(/\d+ passed, [1-9]\d* failed\n$/);
      // A sample of 2 targets per source still probes the unplugged host (as a source and as a
      // target), says it sampled, and fails.
      out = '';
      expect(await main(['node', 'vnetmap', 'verify', lab, '--sample', '2', '--json'])).toBe(1);
      const sj = JSON.parse(out) as { checks: { from: string; to: string; ok: boolean }[]; sampled: { perSource: number; pairs: number; ofPairs: number } };
      expect(sj.sampled.perSource).toBe(2);
      expect(sj.sampled.pairs).toBeLessThan(sj.sampled.ofPairs);
      expect(sj.checks.some((c) => !c.ok && (c.from === 'pc2' || c.to === 'pc2'))).toBe(true);
      expect(sj.checks.filter((c) => !c.ok).every((c) => c.from === 'pc2' || c.to === 'pc2')).toBe(true);
      expect(await main(['node', 'vnetmap', 'verify', lab, '--sample', '2', '--all'])).toBe(2);
    } finally {
      o.mockRestore();
      e.mockRestore();
      process.exitCode = undefined;
      await destroyLab(lab, runner);
    }
  }, 180_000);
});

describe('verify in waves of the neighbour table', () => {
  const b = PLANNED.find((p) => p.title === 'network-b × faithful')!.b;
  const skip = typeof b === 'string' ? b : undefined;
  it.skipIf(!!skip)(`a table told to hold 10 entries: every pair still matches, in waves, and the twin's caches end empty${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const { design, file } = b as Built;
    const plan = ((await build('network-b', 'faithful')) as Built).plan;
    labs.push(plan.lab);
    const thresh3 = readFileSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8');
    try {
      await applyPlan(plan, runner, { designFile: file });
      // 10 entries (8 usable) against the dozens these probes need: several waves on any machine.
      const report = await verifyLive(plan, design, runner, { concurrency: 8, sample: 'all', neigh: { thresh3: 10, entries: 0 } });
      expect(failed(report)).toEqual([]);
      const offline = predict(design, plan, report.checks);
      expect(report.checks.filter((c) => offline.has(key(c)) && c.observed !== offline.get(key(c))).map(key)).toEqual([]);
      const notes = report.notes ?? [];
      const note = notes.find((x) => / went in \d+ waves/.test(x));
      expect(note, notes.join('\n')).toBeDefined();
      expect(Number(/went in (\d+) waves/.exec(note!)![1])).toBeGreaterThan(2);
      // Emptied after the last wave: of the dozens of neighbours the probes made the twin learn,
      // at most a straggler or two is left (learned from a packet still in flight, such as a
      // closing TCP connection's last segment, while the caches were being emptied).
      const left: string[] = [];
      for (const ns of new Set(plan.endpoints.map((e) => e.namespace))) {
        const r = await runner.run(['ip', '-n', ns, '-json', 'neigh', 'show']);
        for (const e of JSON.parse(r.stdout || '[]') as { dst: string; state?: string[] }[]) if (!e.state?.includes('PERMANENT')) left.push(`${ns} ${e.dst} ${e.state?.join(',')}`);
      }
      expect(left.length, left.join('\n')).toBeLessThanOrEqual(2);
      expect(readFileSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3', 'utf8')).toBe(thresh3); // the host's limit untouched
    } finally {
      await destroyLab(plan.lab, runner);
    }
    expect(await leftovers(plan.lab)).toEqual(NOTHING);
  }, 180_000);

  it.skipIf(!!skip)(`ARP probes take no room: with a table told to hold 10 entries they go in one wave and the twin learns no neighbour${skip ? ` (skipped: ${skip})` : ''}`, async () => {
    const { design, file } = b as Built;
    const plan = ((await build('network-b', 'faithful')) as Built).plan;
    labs.push(plan.lab);
    try {
      await applyPlan(plan, runner, { designFile: file });
      const report = await verifyLive(plan, design, runner, { concurrency: 8, sample: 'all', kinds: ['arp'], neigh: { thresh3: 10, entries: 0 } });
      expect(failed(report)).toEqual([]);
      // Pairs in one domain answered, and pairs in different ones did not: the probes did reach.
      expect(report.checks.filter((c) => c.observed).length).toBeGreaterThan(0);
      expect(report.checks.filter((c) => !c.observed).length).toBeGreaterThan(0);
      expect(report.notes?.find((x) => /waves/.test(x))).toBeUndefined();
      // An ARP probe's sender is 0.0.0.0 (RFC 5227), so a target answers without learning anyone.
      const learned: string[] = [];
      for (const ns of new Set(plan.endpoints.map((e) => e.namespace))) {
        const r = await runner.run(['ip', '-n', ns, '-json', 'neigh', 'show']);
        for (const e of JSON.parse(r.stdout || '[]') as { dst: string; state?: string[] }[]) if (!e.state?.includes('PERMANENT')) learned.push(`${ns} ${e.dst} ${e.state?.join(',')}`);
      }
      expect(learned).toEqual([]);
    } finally {
      await destroyLab(plan.lab, runner);
    }
    expect(await leftovers(plan.lab)).toEqual(NOTHING);
  }, 120_000);
});

// The kernel drops a flood's copies beyond net.core.netdev_max_backlog (src/verify/backlog.ts).
// Provoking that for real needs either a machine-wide sysctl (which would disturb every other
// test running beside these) or a domain of thousands, so the limit and the drop counter are
// told to verify here; the twin, its probes and its (un)answered pairs are real.
describe('verify and the kernel input backlog', () => {
  const a = BROKEN[0]!; // network-a faithful, pc3 unplugged
  const skip = typeof a.b === 'string' ? a.b : undefined;
  // 1,000: floods that fit, but overlapped (second pass paced); 2: floods that cannot fit (no second pass).
  it.skipIf(!!skip).each([1000, 2])(`frames dropped in every pass, backlog %i: failures are inconclusive, never passes${skip ? ` (skipped: ${skip})` : ''}`, async (limit) => {
    const { design, file } = a.b as Built;
    const lab = uniqueLab();
    const { plan: fresh } = await planFromDesignFile(kernelEngine, file, { lab, strategy: 'faithful' }, runner);
    labs.push(lab);
    const backlog = readFileSync('/proc/sys/net/core/netdev_max_backlog', 'utf8');
    try {
      await applyPlan(fresh, runner, { designFile: file });
      for (const argv of a.br.live(fresh)) await runner.run(argv);
      let n = 0;
      const report = await verifyLive(fresh, design, runner, { concurrency: 32, kinds: ['ping', 'arp'], backlog: limit, drops: () => (n += 7) });
      const broken: Plan = JSON.parse(JSON.stringify(fresh));
      a.br.offline(broken);
      const offline = predict(design, broken, report.checks);
      const predicted = report.checks.filter((c) => offline.has(key(c)) && offline.get(key(c)) !== c.expected).map(key).sort();
      expect(predicted.length).toBeGreaterThan(0);
      // Still failures (a verify with dropped frames proves nothing), each marked inconclusive;
      // the unplugged host's own probes could not be made at all (errors, not doubts).
      expect(mismatched(report)).toEqual(predicted.filter((k) => !report.checks.some((c) => c.error && key(c) === k)));
      expect(erroredFrom(report)).toEqual(['pc3']);
      expect(report.checks.filter((c) => !c.ok && !c.inconclusive && !c.error)).toEqual([]);
      expect(report.checks.filter((c) => c.ok && c.inconclusive)).toEqual([]);
      expect(report.summary.inconclusive).toBe(report.summary.failed - report.summary.errors!);
      const second = limit > 2 ? /floods overlapped: doubtful pairs were probed again one flood at a time, [\d.]+ ms apart/ : /what failed is inconclusive and was not probed again/;
      expect(report.notes?.filter((x) => second.test(x)), report.notes?.join('\n')).toHaveLength(2); // ping and ARP
      if (limit > 2) expect(report.notes?.some((x) => /net\.core\.netdev_max_backlog = 1,000, per CPU\)/.test(x))).toBe(true);
      const text = formatVerify(report);
      expect(text).toMatch(/\(inconclusive\)\n/);
      expect(text).toMatch(new RegExp(`note: ${report.summary.inconclusive} of the ${report.summary.failed} failed checks are inconclusive`));
      expect(text).toMatch(/\d+ passed, [1-9]\d* failed\n$/);
      expect(readFileSync('/proc/sys/net/core/netdev_max_backlog', 'utf8')).toBe(backlog); // the host's setting untouched
    } finally {
      await destroyLab(lab, runner);
    }
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 180_000);

  const b = PLANNED.find((p) => p.title === 'network-a × faithful')!.b;
  const skipB = typeof b === 'string' ? b : undefined;
  it.skipIf(!!skipB)(`floods bigger than the backlog: verify says so and how to raise it; no drops, no doubt${skipB ? ` (skipped: ${skipB})` : ''}`, async () => {
    const { design, file } = b as Built;
    const plan = ((await build('network-a', 'faithful')) as Built).plan;
    labs.push(plan.lab);
    try {
      await applyPlan(plan, runner, { designFile: file });
      const report = await verifyLive(plan, design, runner, { concurrency: 16, backlog: 2, drops: () => 0 });
      expect(failed(report)).toEqual([]);
      expect(report.summary.inconclusive).toBeUndefined();
      const note = report.notes?.find((x) => /more than the kernel's per-CPU input backlog holds \(net\.core\.netdev_max_backlog = 2\)/.test(x));
      expect(note, report.notes?.join('\n')).toBeDefined();
      const flood = Number(/copied to at least (\d+) ports/.exec(note!)![1]);
      expect(flood).toBeGreaterThan(2);
      expect(note).toContain(`sysctl -w net.core.netdev_max_backlog=${2 ** Math.ceil(Math.log2(2 * flood))}`);
    } finally {
      await destroyLab(plan.lab, runner);
    }
    expect(await leftovers(plan.lab)).toEqual(NOTHING);
  }, 180_000);
});
