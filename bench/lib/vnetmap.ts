// vnetmap as a user runs it: the built CLI (dist/vnetmap.mjs, what `npx vnetmap` starts), one process per command,
// so start-up, loading, compiling, probing and realising are all inside the measured time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runner } from './measure.js';
import { OUT_DIR, ROOT, timed, type Timed } from './measure.js';
import { vnetmapLeftovers } from './leftovers.js';
import { cliPath } from '../../src/apply/design.js';

export const BIN = cliPath(ROOT);

/** Commands the built CLI offers right now (others are still being written). */
export async function availableCommands(): Promise<Set<string>> {
  const r = await runner.run(['node', BIN, '--help'], { allowFail: true });
  const cmds = new Set<string>();
  let inCommands = false;
  for (const line of r.stdout.split('\n')) {
    if (/^Commands:/.test(line)) inCommands = true;
    else if (inCommands) {
      const m = /^ {2}([a-z][a-z-]*)/.exec(line);
      if (m) cmds.add(m[1]!);
    }
  }
  return cmds;
}

export function writeDesign(lab: string, yaml: string): string {
  const file = join(OUT_DIR, `${lab}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

export interface VnRun {
  ok: boolean;
  seconds: number;
  maxRssKb: number;
  error?: string;
  res: Timed;
}

const asRun = (res: Timed): VnRun => ({
  ok: res.code === 0,
  seconds: res.seconds,
  maxRssKb: res.maxRssKb,
  res,
  ...(res.code === 0 ? {} : { error: `exit ${res.code}: ${(res.stderr || res.stdout).trim().split('\n').slice(0, 3).join(' | ').slice(0, 300)}` }),
});

export const vnUp = async (file: string, extra: string[] = []) => asRun(await timed(['node', BIN, 'up', file, ...extra]));
/** `down LAB`, as `up` tells the user to: `down FILE` would also time re-reading the design. */
export const vnDown = async (lab: string, extra: string[] = []) => asRun(await timed(['node', BIN, 'down', lab, ...extra]));
export interface VerifyRun extends VnRun {
  /** Ping checks as observed: from -> set of names that answered. */
  reach: Map<string, Set<string>>;
  checks: number;
  passed: number;
  failed: number;
  /** Failed checks verify calls inconclusive (frames dropped by the host, not the twin's fault). */
  inconclusive: number;
  /** verify's own measurement of its probing, in ms (excludes Node start-up and loading). */
  innerMs?: number;
  /** Set when verify probed a sample of the pairs. */
  sampled?: { perSource: number; pairs: number; ofPairs: number };
  /** Waves of the kernel's neighbour table the probes went in (1 when they fit at once). */
  waves?: number;
  /** False when verify gave no result (stopped by the bench's time limit, crashed): the counts are not its. */
  finished: boolean;
}

/** `verify LAB --json`: exit 0 only when every check matches the design. */
export async function vnVerify(lab: string, only?: string, timeoutMs?: number): Promise<VerifyRun> {
  const run = asRun(await timed(['node', BIN, 'verify', lab, '--json', ...(only ? ['--only', only] : [])], timeoutMs));
  const out: VerifyRun = { ...run, reach: new Map(), checks: 0, passed: 0, failed: 0, inconclusive: 0, finished: false };
  try {
    const j = JSON.parse(run.res.stdout) as { checks: { kind: string; from: string; to: string; observed: boolean }[]; summary: { passed: number; failed: number; inconclusive?: number }; ms?: number; sampled?: VerifyRun['sampled']; notes?: string[] };
    if (j.sampled) out.sampled = j.sampled;
    const waves = (j.notes ?? []).map((n) => / went in (\d+) waves/.exec(n)).find(Boolean);
    out.waves = waves ? Number(waves[1]) : 1;
    out.checks = j.checks.length;
    out.passed = j.summary.passed;
    out.failed = j.summary.failed;
    out.inconclusive = j.summary.inconclusive ?? 0;
    if (typeof j.ms === 'number') out.innerMs = j.ms;
    for (const c of j.checks) {
      if (c.kind !== 'ping') continue;
      if (!out.reach.has(c.from)) out.reach.set(c.from, new Set());
      if (c.observed) out.reach.get(c.from)!.add(c.to);
    }
    out.finished = true;
  } catch {
    out.ok = false;
    out.error ??= `verify --json output not understood: ${run.res.stdout.slice(0, 120)}`;
  }
  return out;
}

export interface DeployRun {
  ok: boolean;
  up: number;
  down: number;
  seconds: number;
  maxRssKb: number;
  leftovers: number;
  leftoverDetail: string[];
  error?: string;
}

/** up then down of one design; down runs even when up failed, so nothing is left behind. */
export async function vnDeployTeardown(lab: string, file: string): Promise<DeployRun> {
  const up = await vnUp(file);
  const down = await vnDown(lab);
  const left = await vnetmapLeftovers(lab);
  const error = up.error ? `up: ${up.error}` : down.error ? `down: ${down.error}` : undefined;
  return {
    ok: up.ok && down.ok,
    up: up.seconds,
    down: down.seconds,
    seconds: up.seconds + down.seconds,
    maxRssKb: Math.max(up.maxRssKb, down.maxRssKb),
    leftovers: left.total,
    leftoverDetail: left.detail.slice(0, 10),
    ...(error ? { error } : {}),
  };
}
