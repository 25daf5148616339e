// Before an incremental `up` rebuilds namespaces (diff.ts): delete the ones being rebuilt or
// dropped, and the OVS objects the new plan no longer has, then wait for the kernel to release
// the devices whose names are about to be reused.
import type { Runner } from '../exec/runner.js';
import type { Plan } from '../plan/types.js';
import { namespacesOf, type Scope } from '../render/scope.js';
import { ipIn } from '../render/steps.js';
import { pushTo } from '../collections.js';
import { findOwned, ownedOvsBridges } from './discover.js';
import { stopProcessesIn } from './lab-processes.js';
import { removeNamesDir } from './names-dir.js';

export async function removeForRebuild(next: Plan, prev: Plan, remove: string[], scope: Scope, runner: Runner): Promise<void> {
  const ports = new Set(next.objects.flatMap((o) => (o.kind === 'ovs-port' ? [o.name] : [])));
  const gonePorts = prev.objects.flatMap((o) => (o.kind === 'ovs-port' && !ports.has(o.name) ? [['--', '--if-exists', 'del-port', o.bridge, o.name]] : []));
  const bridges = new Set(next.objects.flatMap((o) => (o.kind === 'ovs-bridge' ? [o.name] : [])));
  const goneBridges = (await ownedOvsBridges(runner, next.lab)).filter((b) => !bridges.has(b)).map((b) => ['--', '--if-exists', 'del-br', b]);
  if (gonePorts.length || goneBridges.length) await runner.run(['ovs-vsctl', '--timeout=10', ...gonePorts.flat(), ...goneBridges.flat()]);
  // Only namespaces carrying our marker: an unmarked one with a planned name is the user's, and
  // preflight will refuse it by name.
  const mine = (await findOwned(runner, next.lab, remove)).namespaces.filter((n) => remove.includes(n));
  await stopProcessesIn(mine);
  if (mine.length) await runner.run(['ip', '-force', '-batch', '-'], { input: mine.map((n) => `netns del ${n}\n`).join('') });
  const kept = new Set(namespacesOf(next));
  await Promise.all(remove.filter((ns) => !kept.has(ns)).map((ns) => removeNamesDir(next.lab, ns)));
  // Devices of kept namespaces that were peers of deleted ones vanish asynchronously; their
  // names are about to be reused.
  const waits = new Map<string | null, string[]>();
  for (const l of scope.links) {
    const ends = l.kind === 'veth' ? [l.a, l.b] : [{ namespace: l.namespace, name: l.name }];
    for (const e of ends) if (e.namespace === null || !scope.create.has(e.namespace)) pushTo(waits, e.namespace, e.name);
  }
  const end = Date.now() + 5000;
  for (const [ns, names] of waits) {
    while (Date.now() < end) {
      const argv = ipIn(ns, '-j', 'link', 'show');
      const have = JSON.parse((await runner.run(argv)).stdout || '[]') as { ifname: string }[];
      if (!have.some((d) => names.includes(d.ifname))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
