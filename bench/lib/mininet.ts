// The Mininet baseline: Debian's `mn` (2.3) with Linux bridges and no controller, run through
// bench/mn-safe.py so a failure never triggers Mininet's machine-wide clean-up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Topo } from '../gen-designs.js';
import { mininetLeftovers, removeMininetLeftovers } from './leftovers.js';
import { OUT_DIR, ROOT, timed } from './measure.js';

export interface MnRun {
  ok: boolean;
  /** Whole `mn` run: build, start, test, stop. */
  seconds: number;
  maxRssKb: number;
  leftovers: number;
  leftoverDetail: string[];
  /** pingall only: seconds between the markers around it, and the reachable matrix. */
  pingSeconds?: number;
  reach?: Map<string, Set<string>>;
  dropped?: string;
  error?: string;
}

/** Mininet's --topo argument for one of our generated topologies. */
export function mnTopoArg(t: Topo): string {
  return t.shape;
}

export function mnArgv(t: Topo, extra: string[] = []): string[] {
  return ['/usr/bin/python3', join(ROOT, 'bench', 'mn-safe.py'), '--switch', 'lxbr', '--controller', 'none', '--topo', mnTopoArg(t), ...extra];
}

/** Build + start + stop, nothing else: Mininet's deploy-and-teardown cost. */
export async function mnDeployTeardown(t: Topo): Promise<MnRun> {
  return finish(t, await timed(mnArgv(t, ['--test', 'none'])));
}

/** pingall timed inside the running network (between two `py` markers in a --post script). */
export async function mnPingAll(t: Topo): Promise<MnRun> {
  const post = join(OUT_DIR, 'mn-pingall.cli');
  writeFileSync(
    post,
    [
      "py __import__('sys').stdout.write('BENCH-T0 %f\\n' % __import__('time').time())",
      'pingall',
      "py __import__('sys').stdout.write('BENCH-T1 %f\\n' % __import__('time').time())",
      '',
    ].join('\n'),
  );
  const res = await timed(mnArgv(t, ['--test', 'none', '--post', post]));
  const run = await finish(t, res);
  const t0 = /BENCH-T0 ([\d.]+)/.exec(res.stdout)?.[1];
  const t1 = /BENCH-T1 ([\d.]+)/.exec(res.stdout)?.[1];
  if (t0 && t1) run.pingSeconds = Number(t1) - Number(t0);
  // pingAll prints "h1 -> h2 h3 X h5" per host (X = no reply).
  run.reach = new Map();
  for (const m of (res.stdout + res.stderr).matchAll(/^(h\d+) -> (.*)$/gm)) {
    run.reach.set(m[1]!, new Set(m[2]!.trim().split(/\s+/).filter((x) => x && x !== 'X')));
  }
  run.dropped = /Results: (.*)/.exec(res.stdout + res.stderr)?.[1];
  if (!t0 || !t1 || run.reach.size !== t.hosts.length) {
    run.ok = false;
    run.error ??= `pingall output not understood (${run.reach.size} host lines)`;
  }
  return run;
}

async function finish(t: Topo, res: Awaited<ReturnType<typeof timed>>): Promise<MnRun> {
  const left = await mininetLeftovers(t.hosts, t.switches);
  const run: MnRun = { ok: res.code === 0 && /\*\*\* Done/.test(res.stderr + res.stdout), seconds: res.seconds, maxRssKb: res.maxRssKb, leftovers: left.total, leftoverDetail: left.detail.slice(0, 10) };
  if (!run.ok) run.error = `mn exited ${res.code}: ${(res.stderr.split('\n').filter((l) => /Error|Exception|rror:/.test(l))[0] ?? res.stderr.slice(-300)).trim()}`;
  // Counted first, removed second: a leftover is reported even though we tidy it.
  if (left.total) await removeMininetLeftovers(t.hosts, t.switches);
  return run;
}
