// vnetmap verify LAB [--json] [--concurrency N]: probe the live twin with real packets and
// compare with what the design promises (adjusted by the plan's declared deviations).
// Exit 0 only when every check matches; 1 when one does not (a probe that could not be made
// included); 2 when there is nothing to judge: not root, or the lab gone or rebuilt meanwhile.
import { writeFileSync } from 'node:fs';
import { isQuiet, note } from '../exec/verbosity.js';
import type { Command } from 'commander';
import { withLabLock } from '../apply/lock.js';
import { checkedLab, readState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { ProcessRunner } from '../exec/runner.js';
import { formatVerify, verifyJson } from '../verify/report.js';
import { verifyHtmlReport } from '../verify/report-html.js';
import { assertLab, assertProber, assertRoot } from '../verify/lab-check.js';
import { ALL_PAIRS_MAX, DEFAULT_SAMPLE } from '../verify/sample.js';
import type { CheckKind } from '../verify/verify.js';
import { loadOrThrow } from './expect.js';
import { verifyLab } from '../engines/verify-lab.js';

export function register(program: Command): void {
  program
    .command('verify')
    .description('probe a running twin (ping, ARP, TCP through port forwards) and report every difference from the design')
    .argument('<lab>', 'name of a lab built with "vnetmap up"')
    .option('--json', 'print { "checks": [...], "summary": { "passed", "failed", "inconclusive" (when the host dropped frames) } }')
    .option('--concurrency <n>', 'how fast probes go, relative to 16 (about 2 million frame deliveries a second in the largest broadcast domain)', '16')
    .option('--only <kinds>', 'comma-separated subset of route,dhcp,ping,arp,tcp,udp,dns (route: the routing daemons\' live routes, where the twin runs any)')
    .option('--sample <k>', `probe k targets per source (balanced, every class pair covered) instead of every pair; above ${ALL_PAIRS_MAX} endpoints the default is ${DEFAULT_SAMPLE}, fewer (at least 2) in very big broadcast domains`)
    .option('--all', 'probe every ordered pair, however many endpoints')
    .option('--html <file>', 'also write a self-contained HTML report: verdict, matrix, mismatches, design and twin diagrams')
    .option('--progress', 'say what is being probed on stderr (the default on a terminal, never with --json)')
    .option('--no-wait', 'refuse at once (exit 75) when another vnetmap run holds the lab, instead of waiting for it')
    .action(async (lab: string, opts: { json?: boolean; concurrency: string; only?: string; html?: string; sample?: string; all?: boolean; progress?: boolean; wait?: boolean }) => {
      checkedLab(lab);
      assertRoot();
      // One run of a lab at a time: verify must not probe a lab that up or down is changing.
      await withLabLock(lab, { what: 'verify', wait: opts.wait !== false, onWait: (m) => note(`vnetmap: ${m}`) }, () => verifyCommand(lab, opts));
    });
}

async function verifyCommand(lab: string, opts: { json?: boolean; concurrency: string; only?: string; html?: string; sample?: string; all?: boolean; progress?: boolean }): Promise<void> {
  const st = readState(lab);
  if (!st) throw new UserError(`no running lab "${lab}"; build it with "vnetmap up FILE" first.`);
  assertRoot();
  assertProber();
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UserError(`--concurrency ${opts.concurrency}: use a whole number from 1 to 256.`);
  const kinds = opts.only?.split(',').map((k) => k.trim());
  if (kinds?.some((k) => !['route', 'dhcp', 'ping', 'arp', 'tcp', 'udp', 'dns'].includes(k))) throw new UserError(`--only ${opts.only}: use route, dhcp, ping, arp, tcp, udp and/or dns.`);
  if (opts.all && opts.sample !== undefined) throw new UserError('--all and --sample exclude each other: probe every pair, or a sample.');
  const k = opts.sample === undefined ? undefined : Number(opts.sample);
  if (k !== undefined && (!Number.isInteger(k) || k < 1)) throw new UserError(`--sample ${opts.sample}: use a whole number of targets per source, 1 or more.`);
  const sample = opts.all ? ('all' as const) : k;
  const runner = new ProcessRunner();
  const progress = opts.progress || (!opts.json && process.stderr.isTTY && !isQuiet()) ? (line: string) => process.stderr.write(`verify: ${line}\n`) : undefined;
  // Links cut on purpose (vnetmap link ... down): the expectation follows them.
  if (st.cuts?.length && progress) progress(`${st.cuts.length} link(s) down on purpose: ${st.cuts.map((c) => c.end).join(', ')}; expecting what the network does without them`);
  const { report, plan, design } = await verifyLab(st, loadOrThrow(st.designFile), runner, {
    concurrency,
    ...(kinds ? { kinds: kinds as CheckKind[] } : {}),
    ...(sample !== undefined ? { sample } : {}),
    ...(progress ? { progress } : {}),
    // A lab gone or rebuilt before, during or after the probes is an error, not a verdict.
    intact: () => assertLab(st, 'verify stopped'),
  });
  if (opts.json) process.stdout.write(JSON.stringify(verifyJson(report), null, 2) + '\n');
  else process.stdout.write(formatVerify(report));
  if (opts.json) process.stderr.write(`${report.summary.passed} passed, ${report.summary.failed} failed\n`);
  // The report is extra output: a failure to write it is an error, but it never turns a failed verify into a pass.
  if (opts.html) {
    writeFileSync(opts.html, await verifyHtmlReport(report, plan, design));
    process.stderr.write(`wrote ${opts.html}\n`);
  }
  process.exitCode = report.summary.failed ? 1 : 0;
}
