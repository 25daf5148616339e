// vnetmap link LAB NODE:PORT [down|up] [--rate R] [--delay D] [--jitter J] [--loss P] [--clear]:
// set a link end down or up, impair it with tc, or lift its impairments (src/apply/link.ts).
// With routing daemons in the twin, down and up wait until the routes are the converged ones
// again and print how long that took.
import type { Command } from 'commander';
import { impairLink, setLink } from '../apply/link.js';
import { withLabLock } from '../apply/lock.js';
import { requireRoot } from '../apply/root.js';
import { checkedLab, readState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { ProcessRunner } from '../exec/runner.js';
import { impairmentText, parseMs, parseRate, type Impairment } from '../render/tc.js';
import { loadOrThrow } from './expect.js';

interface Opts {
  rate?: string;
  delay?: string;
  jitter?: string;
  loss?: string;
  clear?: boolean;
  timeout: string;
  json?: boolean;
  wait?: boolean;
}

export function register(program: Command): void {
  program
    .command('link')
    .description('set a link of a running lab down or up, or impair it (tc: rate with tbf, or netem where the kernel has it for delay, jitter and loss)')
    .argument('<lab>', 'name of a running lab')
    .argument('<end>', 'the link end NODE:PORT, as in the design\'s links')
    .argument('[state]', 'down | up')
    .option('--rate <rate>', 'limit what leaves this end, e.g. 10mbit, 500kbit, 1gbit')
    .option('--delay <ms>', 'add this delay to what leaves this end (netem), e.g. 20ms')
    .option('--jitter <ms>', 'vary the delay by up to this much (netem; needs --delay)')
    .option('--loss <percent>', 'drop this share of what leaves this end (netem), e.g. 1 or 0.5%')
    .option('--clear', 'lift every impairment of this end')
    .option('--timeout <s>', 'with routing daemons: how long to wait for them to converge again', '60')
    .option('--json', 'print what was done as JSON')
    .option('--no-wait', 'refuse at once (exit 75) when another vnetmap run holds the lab, instead of waiting for it')
    .action(async (lab: string, end: string, state: string | undefined, opts: Opts) => {
      checkedLab(lab);
      if (state !== undefined && state !== 'down' && state !== 'up') throw new UserError(`"${state}": the state of a link is down or up.`);
      const imp = impairment(opts);
      if (state === undefined && !imp && !opts.clear) throw new UserError('say what to do: down, up, --rate/--delay/--jitter/--loss, or --clear.');
      if (imp && opts.clear) throw new UserError('--clear lifts impairments; give it alone, or give the impairments alone.');
      const timeout = Number(opts.timeout);
      if (!(timeout > 0)) throw new UserError(`--timeout ${opts.timeout}: give seconds, more than 0.`);
      requireRoot('changing a link of a lab ("vnetmap link")');
      await withLabLock(lab, { what: 'link', wait: opts.wait !== false, onWait: (m) => process.stderr.write(`vnetmap: ${m}\n`) }, async () => {
        const st = readState(lab);
        if (!st) throw new UserError(`no running lab "${lab}"; build it with "vnetmap up FILE" first.`);
        const design = loadOrThrow(st.designFile);
        const runner = new ProcessRunner();
        const out: Record<string, unknown> = { lab, end };
        if (imp || opts.clear) {
          const rec = await impairLink(lab, end, imp ?? {}, design, runner);
          out.impairment = rec ?? null;
          if (!opts.json) process.stdout.write(rec ? `${rec.end}: ${impairmentText(rec.impairment)} (tc ${rec.qdisc} on ${rec.namespace ?? '(root)'}/${rec.dev})\n` : `${end}: no impairment\n`);
        }
        if (state) {
          const progress = !opts.json && process.stderr.isTTY ? (line: string) => process.stderr.write(`link: ${line}\n`) : undefined;
          const r = await setLink(lab, end, state, design, runner, { timeoutMs: timeout * 1000, ...(progress ? { progress } : {}) });
          out.state = state;
          if (r.convergence) out.convergedMs = r.convergence.ms ?? null;
          if (!opts.json) {
            process.stdout.write(`${r.end}: ${state}\n`);
            if (r.convergence?.ms !== undefined) process.stdout.write(`routing converged ${(r.convergence.ms / 1000).toFixed(2)} s after the link went ${state}\n`);
            else if (r.convergence) process.stdout.write(`routing did NOT converge within ${timeout} s: ${r.convergence.diffs.length} route(s) differ; "vnetmap verify ${lab}" lists them\n`);
          }
          if (r.convergence && r.convergence.ms === undefined) process.exitCode = 1;
        }
        if (opts.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      });
    });
}

function impairment(o: Opts): Impairment | undefined {
  const i: Impairment = {};
  if (o.rate !== undefined) {
    const r = parseRate(o.rate);
    if (r === undefined) throw new UserError(`--rate ${o.rate}: write a rate like 10mbit, 500kbit or 1gbit.`);
    i.rate = r;
  }
  if (o.delay !== undefined) {
    const d = parseMs(o.delay);
    if (d === undefined) throw new UserError(`--delay ${o.delay}: write a time like 20ms.`);
    i.delayMs = d;
  }
  if (o.jitter !== undefined) {
    const j = parseMs(o.jitter);
    if (j === undefined) throw new UserError(`--jitter ${o.jitter}: write a time like 5ms.`);
    if (i.delayMs === undefined) throw new UserError('--jitter varies a delay: give --delay too.');
    i.jitterMs = j;
  }
  if (o.loss !== undefined) {
    const l = Number(o.loss.replace(/%$/, ''));
    if (!(l >= 0 && l <= 100)) throw new UserError(`--loss ${o.loss}: give a percentage from 0 to 100.`);
    i.lossPct = l;
  }
  return Object.keys(i).length ? i : undefined;
}
