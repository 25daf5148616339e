// Per-namespace `ip -batch` commands through one netlink process (libexec/netlink-batch.py).
//
// Configuring a lab is one `nsenter --net=NS -- ip -batch -` per namespace: two programs
// started (~4 ms of CPU here) for ~0.3 ms of kernel work each. One helper that enters each namespace in
// turn does the same work without them (config of 1,111 namespaces: 2.4 s -> 0.65 s here). It
// takes only batches whose every line it speaks and hands the rest back, which then run as
// before; what it sends is what ip sends (test/kernel/netlink.test.ts compares both).
// The CLI uses it from NETLINK_MIN_BATCHES batches at once; VNETMAP_NETLINK=0 turns it off;
// without /usr/bin/python3 it is not used. verify also empties neighbour caches through it
// (`neigh flush all` batches) and reads every endpoint namespace's MACs in one go (linksVia).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { Command } from './fan-out.js';
import { enteredNs } from './netns.js';
import type { RunOptions, RunResult } from './runner.js';

type Run = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

const PYTHON = '/usr/bin/python3';

/** argv of the helper, or undefined where it cannot run (or is turned off). */
export function netlinkHelper(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (env.VNETMAP_NETLINK === '0') return undefined;
  const script = join(packageRoot(), 'libexec', 'netlink-batch.py');
  // -I: no user site-packages, no PYTHON* variables, no script directory on the path; -S: no site module.
  return existsSync(PYTHON) && existsSync(script) ? [PYTHON, '-I', '-S', script] : undefined;
}

/** The namespace file of `nsenter --net=FILE -- ip -batch -` fed on stdin, else undefined. */
function batchIn(c: Command): string | undefined {
  const e = c.input !== undefined ? enteredNs(c.argv) : undefined;
  return e && e.rest.join(' ') === 'ip -batch -' ? e.netns : undefined;
}

interface HelperResult {
  skipped: number[];
  failed: { batch: number; line: number; message: string } | null;
}

/**
 * Starting Python costs ~40 ms here, about what ip costs for 16 namespaces through xargs (a
 * 10-namespace lab's config took 21 ms by ip, 42-52 ms by the helper): fewer go to ip.
 */
export const NETLINK_MIN_BATCHES = 16;

/**
 * Carry out the per-namespace ip batches among `cmds` through the helper, if there are at
 * least `atLeast` of them; returns the commands left for the caller to run (the others, and
 * batches the helper handed back). A refused line throws the ToolError that ip would have
 * caused, naming the original command and the line.
 */
export async function viaNetlink(run: Run, helper: readonly string[], cmds: readonly Command[], atLeast = 1): Promise<Command[]> {
  const mine = cmds.flatMap((c) => { const netns = batchIn(c); return netns !== undefined ? [{ c, netns }] : []; });
  if (!mine.length || mine.length < atLeast) return [...cmds];
  const input = JSON.stringify({ batches: mine.map((m) => ({ netns: m.netns, text: m.c.input })) });
  const r = await run(helper, { input, timeoutMs: Math.max(60_000, mine.length * 100) });
  const out = JSON.parse(r.stdout) as HelperResult;
  if (out.failed) {
    const c = mine[out.failed.batch]!.c;
    const failed = out.failed.line > 0 ? c.input!.split('\n')[out.failed.line - 1] : undefined;
    throw new ToolError(c.argv, 1, out.failed.message + (failed !== undefined ? `\n(line ${out.failed.line} of its input: ${failed})` : ''));
  }
  const back = new Set(out.skipped.map((i) => mine[i]!.c));
  return cmds.filter((c) => batchIn(c) === undefined || back.has(c));
}

/** The namespace file of `nsenter --net=FILE -- nft -f -` fed on stdin, else undefined. */
function nftIn(c: Command): string | undefined {
  const e = c.input !== undefined ? enteredNs(c.argv) : undefined;
  return e && e.rest.join(' ') === 'nft -f -' ? e.netns : undefined;
}

/**
 * Load the per-namespace nftables scripts among `cmds` (NAT tables, firewalls) through the
 * helper's libnftables (`--nft`, libexec/vnetmap_nft.py): one nft program per namespace cost
 * ~29 ms here, the library in one process ~1-2 ms a table. Returns the commands left to run;
 * a refused script throws the ToolError nft would have caused, naming the original command.
 */
export async function viaNft(run: Run, helper: readonly string[], cmds: readonly Command[], atLeast = 1): Promise<Command[]> {
  const mine = cmds.flatMap((c) => { const netns = nftIn(c); return netns !== undefined ? [{ c, netns }] : []; });
  if (!mine.length || mine.length < atLeast) return [...cmds];
  const r = await run([...helper, '--nft'], { input: JSON.stringify({ tables: mine.map((m) => ({ netns: m.netns, text: m.c.input })) }), timeoutMs: Math.max(60_000, mine.length * 100) });
  const out = JSON.parse(r.stdout) as HelperResult;
  if (out.failed) throw new ToolError(mine[out.failed.batch]!.c.argv, 1, out.failed.message);
  const back = new Set(out.skipped.map((i) => mine[i]!.c));
  return cmds.filter((c) => nftIn(c) === undefined || back.has(c));
}

/**
 * Device name -> MAC of each namespace file, read by one helper run (`--links`); undefined for
 * a namespace it could not enter. Where it cannot run or fails, the caller asks ip instead.
 */
export async function linksVia(run: Run, helper: readonly string[], netns: readonly string[]): Promise<(Map<string, string> | undefined)[]> {
  const r = await run([...helper, '--links'], { input: JSON.stringify({ netns }), timeoutMs: Math.max(60_000, netns.length * 20) });
  const out = (JSON.parse(r.stdout) as { links: (Record<string, string> | null)[] }).links;
  if (out.length !== netns.length) throw new Error(`netlink helper answered for ${out.length} of ${netns.length} namespaces`);
  return out.map((l) => (l ? new Map(Object.entries(l)) : undefined));
}
