// Services on the real kernel: the web farm with a source-hash balancer added and two exec
// commands (one that fails). up runs the commands and reports the failure without undoing the
// lab; verify passes (every backend answers, each sees the source the mode implies, a client's
// sh connections stay on one backend, the proxies' targets see the director, the workloads'
// ports accept); then the fullnat masquerade is flushed and a proxy killed behind vnetmap's
// back, and verify names exactly those; down stops the daemons and leaves nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { processStart } from '../../src/apply/daemons.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { readState } from '../../src/apply/state.js';
import { labStatus } from '../../src/apply/status.js';
import { verifyLive } from '../../src/verify/verify.js';
import { example, isRoot, leftovers, NOTHING, nsOf, runner, uniqueLab } from './realize-helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vnetmap-services-'));
const lab = uniqueLab();
afterAll(async () => {
  await destroyLab(lab, runner).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

function design(): string {
  const file = join(tmp, 'farm.yaml');
  const text = readFileSync(example('web-farm'), 'utf8')
    .replace('      - { kind: tcp-proxy,', '      - { kind: load-balancer, name: sticky, vip: 198.51.100.80, port: 81, scheduler: sh, backends: [{ address: 10.0.1.11, port: 80 }, { address: 10.0.1.12, port: 80 }] }\n      - { kind: load-balancer, name: dns-lb, vip: 198.51.100.80, port: 5353, protocol: udp, backends: [{ address: 10.0.1.11, port: 53 }, { address: 10.0.1.12, port: 53 }] }\n      - { kind: tcp-proxy,')
    .replace('    services:\n      - { kind: process, name: http, run: [python3', '    exec: [[sh, -c, "exit 3"], "true"]\n    services:\n      - { kind: process, name: http, run: [python3');
  writeFileSync(file, text);
  return file;
}

describe.skipIf(!isRoot)(`services on the real kernel${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  it('up, verify, two breaks verify names, down', async () => {
    const file = design();
    const { plan, design: d } = await planFromDesignFile(kernelEngine, file, { lab, strategy: 'faithful' }, runner);
    const res = await applyPlan(plan, runner, { designFile: file });
    expect(res.exec.map((x) => `${x.node} ${x.argv.join(' ')} ${x.code}`).sort()).toEqual(['web1 sysctl -qw net.ipv4.tcp_fin_timeout=15 0', 'web2 sh -c exit 3 3', 'web2 true 0']);
    const ok = await verifyLive(plan, d, runner, { concurrency: 32, kinds: ['tcp', 'udp'] });
    expect(ok.checks.filter((c) => !c.ok).map((c) => `${c.from} ${c.to} ${c.detail ?? c.error ?? ''}`)).toEqual([]);
    // A UDP balancer: every question from the client answered by a backend, both backends heard.
    expect(ok.checks.filter((c) => c.kind === 'udp' && c.to.includes(':5353 ')).map((c) => `${c.from} ${c.observed} ${c.detail}`)).toContain('5 sources true all 2 backends answered');
    const sticky = ok.checks.filter((c) => c.to.includes(':81 ') && c.from === 'client');
    expect(sticky.map((c) => [c.observed, c.detail])).toEqual([[true, expect.stringMatching(/^4 connections answered by web[12]$/)]]);
    expect(ok.checks.some((c) => c.to.endsWith('every backend') && c.to.includes(':8080 ') && c.ok)).toBe(true);

    // Behind vnetmap's back: the fullnat masquerade goes, the SSH proxy dies.
    const lvs = nsOf(plan, 'lvs');
    await runner.run(['ip', 'netns', 'exec', lvs, 'nft', 'flush', 'chain', 'ip', 'vnetmap', 'postrouting']);
    const proxy = readState(lab)!.daemons!['lvs.ssh-web1']!;
    process.kill(proxy.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const st = await labStatus(lab, runner);
    expect(st.daemons!.map((x) => `${x.name} ${x.running}`)).toEqual(['lvs.ssh-web1 false', 'lvs.dns true', 'web1.http true', 'web2.http true']);
    expect(st.daemons![2]!.log).toMatch(/\/daemons\/web1\.http\/log$/);
    const broken = await verifyLive(plan, d, runner, { concurrency: 32, kinds: ['tcp'] });
    const bad = broken.checks.filter((c) => !c.ok);
    // The backends now see the client: the check says so; web1 and web2 lose the VIP's 8080 (their replies skip the director).
    expect(bad.find((c) => c.from === 'client' && c.to.includes(':8080 '))?.detail).toMatch(/saw the connection come from 198\.51\.100\.10; the design implies 10\.0\.1\.1/);
    expect(bad.filter((c) => c.to.includes(':8080 ') && !c.to.endsWith('every backend')).map((c) => c.from).sort()).toEqual(['client', 'web1', 'web2']);
    expect(bad.filter((c) => c.to.includes(':2222 ')).length).toBe(5);
    expect(bad.every((c) => c.to.includes(':8080 ') || c.to.includes(':2222 '))).toBe(true);

    const http = readState(lab)!.daemons!['web1.http']!;
    await destroyLab(lab, runner);
    expect(processStart(http.pid) === http.start).toBe(false);
    expect(await leftovers(lab)).toEqual(NOTHING);
  }, 120_000);
});
