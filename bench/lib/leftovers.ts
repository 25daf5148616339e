// Counting what a run leaves behind. Both tools must leave nothing: a benchmark that is fast
// because it skips clean-up would be meaningless. We count, after each run:
//   - the tool's own objects, identified exactly (vnetmap: its ownership markers for the lab;
//     Mininet: the bridge and link names of the topology it was asked to build, and its
//     "mininet:hN" shell processes, which hold the hosts' unnamed namespaces);
//   - machine-wide totals (named namespaces, root-namespace links, OVS bridges), reported as a
//     delta. Other engineers share this machine, so a global delta can be noise; the
//     tool-specific count is the one that must be zero.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { runner } from './measure.js';

export interface Census {
  netns: number;
  rootLinks: number;
  ovsBridges: number;
}

interface IpLink {
  ifname: string;
  ifalias?: string;
}

async function rootLinks(): Promise<IpLink[]> {
  const r = await runner.run(['ip', '-j', 'link', 'show'], { allowFail: true });
  return r.code === 0 ? (JSON.parse(r.stdout) as IpLink[]) : [];
}

async function netnsNames(): Promise<string[]> {
  const r = await runner.run(['ip', '-j', 'netns', 'list'], { allowFail: true });
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

async function ovsBridges(): Promise<{ name: string; lab?: string }[]> {
  const r = await runner.run(['ovs-vsctl', '--timeout=5', '--format=json', '--columns=name,external_ids', 'list', 'Bridge'], { allowFail: true });
  if (r.code !== 0) return [];
  // OVSDB JSON: rows of [name, ["map", [[k, v], ...]]].
  const data = JSON.parse(r.stdout) as { data: [string, ['map', [string, string][]]][] };
  return data.data.map(([name, [, kv]]) => ({ name, lab: kv.find(([k]) => k === 'vnetmap-lab')?.[1] }));
}

export async function census(): Promise<Census> {
  return { netns: (await netnsNames()).length, rootLinks: (await rootLinks()).length, ovsBridges: (await ovsBridges()).length };
}

export const delta = (a: Census, b: Census): Census => ({ netns: b.netns - a.netns, rootLinks: b.rootLinks - a.rootLinks, ovsBridges: b.ovsBridges - a.ovsBridges });

/** Objects still carrying vnetmap's markers for this lab (docs/architecture.md "ownership"). */
export async function vnetmapLeftovers(lab: string): Promise<{ total: number; detail: string[] }> {
  const detail: string[] = [];
  for (const ns of await netnsNames()) if (ns.startsWith(`vn-${lab}-`)) detail.push(`netns ${ns}`);
  for (const l of await rootLinks()) if (l.ifalias?.startsWith(`vnetmap:${lab}:`)) detail.push(`link ${l.ifname}`);
  for (const b of await ovsBridges()) if (b.lab === lab) detail.push(`ovs-bridge ${b.name}`);
  if (existsSync(`/run/vnetmap/${lab}`)) detail.push(`state /run/vnetmap/${lab}`);
  return { total: detail.length, detail };
}

/**
 * Mininet node shells ("bash ... -is mininet:h1") of the given node names. Only this bench runs
 * Mininet here, and only names of the topology it asked for are matched.
 */
export function mininetProcesses(names: Set<string>): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const tag = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('mininet:'));
      if (tag && names.has(tag.slice('mininet:'.length))) pids.push(Number(d));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Mininet's objects for a topology: switch bridges sN and links named hN-ethM / sN-ethM. */
export async function mininetLeftovers(hosts: string[], switches: string[]): Promise<{ total: number; detail: string[]; links: string[] }> {
  const names = new Set([...hosts, ...switches]);
  const links: string[] = [];
  for (const l of await rootLinks()) {
    const m = /^([hs]\d+)(-eth\d+)?$/.exec(l.ifname);
    if (m && names.has(m[1]!)) links.push(l.ifname);
  }
  const procs = mininetProcesses(names);
  return { total: links.length + procs.length, detail: [...links.map((l) => `link ${l}`), ...procs.map((p) => `process ${p}`)], links };
}

/**
 * Removes exactly the Mininet objects of one topology if a run failed half-way. Used instead
 * of `mn -c`, which would also delete every OVS bridge and kill every `ping` on the machine.
 */
export async function removeMininetLeftovers(hosts: string[], switches: string[]): Promise<void> {
  for (const pid of mininetProcesses(new Set([...hosts, ...switches]))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const { links } = await mininetLeftovers(hosts, switches);
  for (const l of links) await runner.run(['ip', 'link', 'del', l], { allowFail: true });
}
