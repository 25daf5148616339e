// Shared by the realize kernel tests: unique lab names, plans of the examples, probes of the
// live twin, and the "nothing left" check that every test ends with.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRunner, type Runner } from '../../src/exec/runner.js';
import { packageRoot } from '../../src/apply/design.js';
import { planFromDesignFile } from '../../src/engines/index.js';
import { kernelEngine } from '../../src/engines/kernel/index.js';
import { findOwned, listNamespaces, rootLinks } from '../../src/apply/discover.js';
import { labDir } from '../../src/apply/state.js';
import type { Plan } from '../../src/plan/types.js';
import { netnsName } from '../../src/plan/names.js';

/** Per-namespace batches through the netlink helper even in small labs (the CLI uses it from 16 namespaces). */
export const runner: Runner = new ProcessRunner({ netlink: true });
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let seq = 0;
/** t + pid + random + counter, base36: unique per run and per call, at most 16 characters. */
export function uniqueLab(): string {
  const r = Math.random().toString(36).slice(2, 5);
  return `t${process.pid.toString(36)}${r}${(seq++).toString(36)}`.slice(0, 16);
}

export const example = (name: string): string => join(packageRoot(), 'examples', `${name}.yaml`);

export async function examplePlan(name: string, strategy: string, lab: string): Promise<Plan> {
  return (await planFromDesignFile(kernelEngine, example(name), { lab, strategy }, runner)).plan;
}

/** The namespace a design node lives in (its own, or a shared one under compact). */
export function nsOf(plan: Plan, node: string): string {
  const own = plan.objects.find((o) => o.kind === 'netns' && o.node === node);
  if (own?.kind === 'netns') return own.name;
  const ep = plan.endpoints.find((e) => e.node === node);
  if (!ep) throw new Error(`no namespace for node ${node}`);
  return ep.namespace;
}

export async function ping(ns: string, ip: string): Promise<boolean> {
  return (await runner.run(['ip', 'netns', 'exec', ns, 'ping', '-n', '-c', '1', '-W', '2', ip], { allowFail: true, timeoutMs: 5000 })).code === 0;
}

/** A one-shot TCP server in ns answering `reply`, bounded by `timeout`; resolves when it exits. */
export function listen(ns: string, port: number, reply: string): Promise<unknown> {
  return runner.run(['ip', 'netns', 'exec', ns, 'timeout', '8', 'socat', '-T', '3', `TCP-LISTEN:${port},reuseaddr`, `SYSTEM:echo ${reply}`], { allowFail: true, timeoutMs: 10_000 });
}

/** Connect from ns to ip:port and return what the server said ('' on failure), retrying while the listener starts. */
export async function fetchTcp(ns: string, ip: string, port: number): Promise<string> {
  for (let i = 0; i < 15; i++) {
    const r = await runner.run(['ip', 'netns', 'exec', ns, 'timeout', '3', 'socat', '-T', '2', '-', `TCP:${ip}:${port},connect-timeout=1`], { allowFail: true, timeoutMs: 5000 });
    if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
    await new Promise((res) => setTimeout(res, 150));
  }
  return '';
}

export interface Leftovers {
  namespaces: string[];
  rootLinks: string[];
  ovsBridges: string[];
  etcNetns: string[];
  stateDir: boolean;
}

/** Everything of the lab still on the host, by marker AND by name, so a marker bug cannot hide leftovers. */
export async function leftovers(lab: string): Promise<Leftovers> {
  const owned = await findOwned(runner, lab);
  const prefix = netnsName(lab, '');
  const named = (await listNamespaces(runner)).filter((n) => n.startsWith(prefix));
  const links = (await rootLinks(runner)).filter((l) => l.alias?.startsWith(`vnetmap:${lab}:`)).map((l) => l.name);
  const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns').filter((n) => n.startsWith(prefix)) : [];
  return { namespaces: [...new Set([...owned.namespaces, ...named])], rootLinks: links, ovsBridges: owned.ovsBridges, etcNetns: etc, stateDir: existsSync(labDir(lab)) };
}

export const NOTHING: Leftovers = { namespaces: [], rootLinks: [], ovsBridges: [], etcNetns: [], stateDir: false };

export async function ovsRunning(): Promise<boolean> {
  return (await runner.run(['ovs-vsctl', '--timeout=3', 'show'], { allowFail: true })).code === 0;
}

/** Processes whose command line names `dir` (every OVN daemon names its run directory). */
export function processesNaming(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}
