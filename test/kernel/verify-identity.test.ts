// verify cannot be fooled, and does not fall over (issue 25):
// - two sites reuse 192.168.1.0/24 behind their own NAT routers: a site-B host pinging
//   192.168.1.10 is answered by site B's .10; expect and verify both say it does not reach site
//   A's, and verify passes on the twin;
// - a masquerade added on a router's inside interface makes the web server see the router
//   instead of the client: the TCP checks fail and say which peer it saw;
// - an interface down, a lab deleted mid-run, a user who is not root: failed checks with their
//   reason, or a clear error (exit 2), never a crash or a false verdict.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { cliPath, packageRoot } from '../../src/apply/design.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { readState } from '../../src/apply/state.js';
import { main } from '../../src/cli/main.js';
import { predict } from '../../src/semantics/prediction.js';
import { assertLab } from '../../src/verify/lab-check.js';
import { verifyLive } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const labs: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'vnetmap-identity-'));
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});
const twoSites = join(packageRoot(), 'test', 'fixtures', 'two-sites.yaml');

async function up(file: string, strategy = 'faithful') {
  const lab = uniqueLab();
  labs.push(lab);
  const { plan, design } = await planFromDesignFile(kernelEngine, file, { lab, strategy }, runner);
  await applyPlan(plan, runner, { designFile: file });
  return { lab, plan, design };
}

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((x) => ((err += String(x)), true));
  try {
    return { code: await main(['node', 'vnetmap', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

describe.skipIf(!isRoot)('identity: overlapping private ranges behind two NAT routers', () => {
  it.each(['faithful', 'compact'])('expect and verify agree that site B reaches its own .10, never site A\'s (%s)', async (strategy) => {
    const { lab, plan, design } = await up(twoSites, strategy);
    try {
      expect(predict(design, plan).bugs).toEqual([]);
      const r = await verifyLive(plan, design, runner, { concurrency: 16 });
      expect(r.checks.filter((c) => !c.ok)).toEqual([]);
      const ping = (from: string, to: string) => r.checks.find((c) => c.kind === 'ping' && c.from === from && c.to === to)!;
      expect(ping('b-h11', 'b-h10')).toMatchObject({ expected: true, observed: true, ok: true });
      // The address answers, but from the other site's node: not reached, and said so.
      expect(ping('b-h11', 'a-h10')).toMatchObject({ expected: false, observed: false, ok: true, detail: 'answered by b-h10, not a-h10 (another node with the address 192.168.1.10)' });
      expect(ping('a-h11', 'b-h10')).toMatchObject({ expected: false, observed: false, ok: true });
      // Across sites only through the port forward, landing on that site's .10, seen from the other site's router.
      const tcp = r.checks.filter((c) => c.kind === 'tcp' && c.observed);
      expect(tcp.some((c) => c.from === 'b-h11' && c.to === 'a-gw 198.51.100.1:8080 -> a-h10:80')).toBe(true);
      expect(tcp.some((c) => c.from === 'a-h11' && c.to === 'b-gw 198.51.100.2:8080 -> b-h10:80')).toBe(true);
    } finally {
      await destroyLab(lab, runner);
    }
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 120_000);
});

describe.skipIf(!isRoot)('port forwards: what the target sees', () => {
  it('a masquerade added on the inside interface: the forward still lands, but pc1 sees the router, and verify fails saying so', async () => {
    const { lab, plan, design } = await up(example('network-a'));
    try {
      const gw = nsOf(plan, 'gw');
      await runner.run(['nsenter', `--net=/var/run/netns/${gw}`, '--', 'nft', '-f', '-'], { input: 'table ip rogue {\n chain post { type nat hook postrouting priority 200; oifname "lan" masquerade; }\n}\n' });
      const r = await verifyLive(plan, design, runner, { concurrency: 16, kinds: ['tcp'] });
      const bad = r.checks.filter((c) => !c.ok);
      expect(bad.map((c) => c.from)).toEqual(['internet']);
      expect(bad[0]).toMatchObject({ expected: true, observed: true, detail: 'pc1 saw the connection come from 192.168.1.1; the design implies 203.0.113.1 (the client\'s own address)' });
    } finally {
      await destroyLab(lab, runner);
    }
  }, 120_000);
});

describe.skipIf(!isRoot)('a broken twin gets a verdict, never a crash', () => {
  it('one host\'s interface down: every check still reported, its ARP probes fail with the reason, and why', async () => {
    const { lab, plan } = await up(example('network-a'));
    try {
      await runner.run(['ip', '-n', nsOf(plan, 'pc1'), 'link', 'set', 'dev', 'eth0', 'down']);
      const r = await cli(['verify', lab, '--json']);
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out) as { checks: { kind: string; from: string; to: string; ok: boolean; error?: string; explanation?: string[] }[]; summary: { failed: number; errors: number } };
      const arp = j.checks.filter((c) => c.kind === 'arp' && c.from === 'pc1');
      expect(arp.length).toBeGreaterThan(0);
      for (const c of arp) expect(c).toMatchObject({ ok: false, error: expect.stringMatching(/eth0 in vn-\S+-pc1: eth0 is down/) });
      expect(arp[0]!.explanation).toContainEqual(expect.stringMatching(/pc1\/eth0: device is down \(planned up\)/));
      // Pings from pc1 are the network's answer (no route while its interface is down), not errors.
      expect(j.checks.filter((c) => c.kind === 'ping' && c.from === 'pc1' && c.to === 'pc2')).toMatchObject([{ ok: false }]);
      expect(j.checks.find((c) => c.kind === 'ping' && c.from === 'pc1')!.error).toBeUndefined();
      // Nothing else fails but what needs pc1: pairs with it, and the port forward to its web server.
      expect(j.checks.filter((c) => c.from !== 'pc1' && c.to !== 'pc1' && !c.to.endsWith('-> pc1:80') && !c.ok)).toEqual([]);
      expect(j.summary.errors).toBe(arp.length);
    } finally {
      await destroyLab(lab, runner);
    }
  }, 120_000);

  it('a lab deleted while verify runs is an error (exit 2), not a network of mismatches', async () => {
    const { lab, plan, design } = await up(example('network-a'));
    try {
      let deleted: Promise<unknown> | undefined;
      const st = readState(lab)!;
      const run = verifyLive(plan, design, runner, {
        concurrency: 16,
        intact: () => assertLab(st, 'verify stopped'),
        progress: (line) => {
          if (line.startsWith('ping:') && !deleted) deleted = runner.run(['ip', 'netns', 'del', nsOf(plan, 'pc4')]);
        },
      });
      await expect(run).rejects.toThrow(/verify stopped: lab \S+ is not the twin vnetmap built: 1 of its \d+ namespaces are gone \(vn-\S+-pc4\)/);
      await deleted;
      // And before probing: the CLI says so and exits 2.
      const r = await cli(['verify', lab]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/is not the twin vnetmap built: .*vnetmap status/);
      expect(r.out).toBe('');
    } finally {
      await destroyLab(lab, runner);
    }
  }, 120_000);

  it('run as another user than root: exit 2 and what to do, no verdict', async () => {
    const { lab } = await up(example('network-a'));
    try {
      const r = await runner.run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'node', cliPath(packageRoot()), 'verify', lab], { allowFail: true, timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs root: run it as root/);
      expect(r.stdout).toBe('');
    } finally {
      await destroyLab(lab, runner);
    }
  }, 60_000);
});

