// Before `up` touches anything: are we root, are the tools there (and which package brings
// them), is Open vSwitch running, and is every name we are about to create free? A name taken
// by an object without our marker is the user's: we refuse, naming it.
import { UserError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { labMarker } from '../plan/names.js';
import type { Plan } from '../plan/types.js';
import { FRR_DIR } from '../plan/frr.js';
import type { Scope } from '../render/scope.js';
import { dnsServices } from '../render/hosts.js';
import { listNamespaces, loAlias, ovsAvailable, rootLinks } from './discover.js';
import { namesDirConflict } from './names-dir.js';
import { requireRoot } from './root.js';

const TOOLS: { argv: string[]; pkg: string; needed: (p: Plan) => boolean }[] = [
  { argv: ['ip', '-V'], pkg: 'iproute2', needed: () => true },
  { argv: ['nft', '--version'], pkg: 'nftables', needed: (p) => p.objects.some((o) => o.kind === 'nft') },
  { argv: ['sysctl', '--version'], pkg: 'procps', needed: (p) => p.objects.some((o) => o.kind === 'sysctl') },
  { argv: ['ethtool', '--version'], pkg: 'ethtool', needed: (p) => p.objects.some((o) => o.kind === 'veth' && (o.a.txOff || o.b.txOff)) },
  { argv: ['ovs-vsctl', '--version'], pkg: 'openvswitch-switch', needed: (p) => p.objects.some((o) => o.kind === 'ovs-bridge') },
  { argv: [`${FRR_DIR}/zebra`, '-v'], pkg: 'frr', needed: (p) => p.objects.some((o) => o.kind === 'routing') },
  { argv: ['vtysh', '--version'], pkg: 'frr', needed: (p) => p.objects.some((o) => o.kind === 'routing') },
  { argv: ['wg', '--version'], pkg: 'wireguard-tools', needed: (p) => p.objects.some((o) => o.kind === 'tunnel' && o.type === 'wireguard') },
  { argv: ['socat', '-V'], pkg: 'socat', needed: (p) => p.objects.some((o) => o.kind === 'tunnel' && o.type === 'tun') },
];

export async function preflight(plan: Plan, scope: Scope, runner: Runner): Promise<void> {
  requireRoot('building a twin ("vnetmap up")');
  for (const t of TOOLS) {
    if (!t.needed(plan)) continue;
    const r = await runner.run(t.argv, { allowFail: true });
    if (r.code === 127) throw new UserError(`${t.argv[0]} is not installed; install it with "apt-get install ${t.pkg}" (or run scripts/setup.sh).`);
  }
  if (scope.ovs && plan.objects.some((o) => o.kind === 'ovs-bridge') && !(await ovsAvailable(runner))) {
    throw new UserError('Open vSwitch is installed but not running; start it with "/usr/share/openvswitch/scripts/ovs-ctl start" (or run scripts/setup.sh), or choose --strategy faithful.');
  }
  const marker = labMarker(plan.lab);
  const existing = new Set(await listNamespaces(runner));
  for (const ns of scope.create) {
    if (!existing.has(ns)) continue;
    const alias = await loAlias(runner, ns);
    if (alias === marker) throw new UserError(`namespace ${ns} is left over from an earlier run of lab "${plan.lab}"; run "vnetmap down ${plan.lab}" first.`);
    throw new UserError(`namespace ${ns} already exists and is not vnetmap's (no marker); rename or delete it, or choose another lab name with --lab.`);
  }
  // Hosts files (and resolv.conf where the design has DNS) are written for every namespace of the lab, on every run.
  const files: ('hosts' | 'resolv.conf')[] = dnsServices(plan).length ? ['hosts', 'resolv.conf'] : ['hosts'];
  for (const o of plan.objects) {
    const conflict = o.kind === 'netns' ? namesDirConflict(plan.lab, o.name, files) : undefined;
    if (conflict) throw new UserError(conflict);
  }
  const roots = new Map((await rootLinks(runner)).map((l) => [l.name, l]));
  for (const l of scope.links) {
    const ends = l.kind === 'veth' ? [l.a, l.b] : [{ namespace: l.namespace, name: l.name }];
    for (const e of ends) {
      const have = e.namespace === null ? roots.get(e.name) : undefined;
      if (have && !have.alias?.startsWith(`${marker}:`)) throw new UserError(`network device ${e.name} already exists in the host namespace and is not vnetmap's; delete or rename it.`);
      if (have) throw new UserError(`device ${e.name} is left over from an earlier run of lab "${plan.lab}"; run "vnetmap down ${plan.lab}" first.`);
    }
  }
  if (scope.ovs) {
    for (const o of plan.objects) {
      if (o.kind !== 'ovs-bridge') continue;
      const r = await runner.run(['ovs-vsctl', '--timeout=5', 'br-get-external-id', o.name, 'vnetmap-lab'], { allowFail: true });
      if (r.code === 0 && r.stdout.trim() !== plan.lab) throw new UserError(`Open vSwitch bridge ${o.name} already exists and is not lab "${plan.lab}"'s; delete it ("ovs-vsctl del-br ${o.name}") or choose another lab name.`);
    }
  }
}
