// Daemons of the plan (DaemonObj) -> steps: their files into their directory, then one start
// each, inside the namespace, in a session of its own (apply/run-steps.ts). Pure: paths only.
import { join } from 'node:path';
import { daemonDir } from '../paths.js';
import type { DaemonObj, Plan } from '../plan/types.js';
import { enterNs } from '../exec/netns.js';
import type { Step } from './steps.js';

/** A daemon's text with {dir} made its directory and {dir:NAME} that of daemon NAME. */
export const daemonText = (lab: string, d: DaemonObj, a: string): string => a.replace(/\{dir(?::([^}]+))?\}/g, (_, other: string | undefined) => daemonDir(lab, other ?? d.name));

/** The daemon's argv with {dir} made its directory, entered into its namespace. */
export function daemonArgv(lab: string, d: DaemonObj): string[] {
  const argv = d.argv.map((a) => daemonText(lab, d, a));
  return d.namespace === null ? argv : [...enterNs(d.namespace), ...argv];
}

export const daemonLog = (lab: string, name: string): string => join(daemonDir(lab, name), 'log');

/** The steps that start `daemons` (all of the plan's by default). */
export function daemonSteps(plan: Plan, daemons: DaemonObj[] = plan.objects.filter((o): o is DaemonObj => o.kind === 'daemon')): Step[] {
  const steps: Step[] = [];
  // Servers first, then their clients (all of one kind start together: apply/run-steps.ts).
  const ordered = [...daemons.filter((d) => d.role !== 'dhcp-client'), ...daemons.filter((d) => d.role === 'dhcp-client')];
  for (const d of ordered) {
    const dir = daemonDir(plan.lab, d.name);
    for (const f of d.files) steps.push({ phase: 'daemons', path: join(dir, f.name), content: f.content, ...(f.executable ? { executable: true as const } : {}), why: `${f.name} of daemon ${d.name}` });
    const clear = d.clears?.length ? { clear: d.clears.map((f) => join(dir, f)) } : {};
    const order = { ...(d.ready ? { ready: daemonText(plan.lab, d, d.ready) } : {}), ...(d.after?.length ? { after: d.after } : {}) };
    steps.push({ phase: 'daemons', spawn: { name: d.name, namespace: d.namespace, argv: daemonArgv(plan.lab, d), log: daemonLog(plan.lab, d.name), ...clear, ...order }, ...(d.role === 'dhcp-client' ? { late: true as const } : {}), why: `start ${d.name} in ${d.namespace ?? 'the root namespace'} (${d.realizes.join(', ')})` });
  }
  return steps;
}
