// Before an OVN `up` touches anything (after the kernel preflight of its namespaces): are the
// Open vSwitch and OVN programs installed? Their packaged services are not needed, and not used.
import { UserError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';
import type { OvnPlan } from '../plan/types.js';

const TOOLS: { argv: string[]; pkg: string }[] = [
  { argv: ['ovsdb-tool', '--version'], pkg: 'openvswitch-common' },
  { argv: ['ovsdb-server', '--version'], pkg: 'openvswitch-switch' },
  { argv: ['ovs-vswitchd', '--version'], pkg: 'openvswitch-switch' },
  { argv: ['ovs-vsctl', '--version'], pkg: 'openvswitch-switch' },
  { argv: ['ovn-northd', '--version'], pkg: 'ovn-central' },
  { argv: ['ovn-controller', '--version'], pkg: 'ovn-host' },
];

export async function ovnPreflight(_plan: OvnPlan | undefined, runner: Runner): Promise<void> {
  const missing: string[] = [];
  await Promise.all(
    TOOLS.map(async (t) => {
      const r = await runner.run(t.argv, { allowFail: true });
      if (r.code === 127 && !missing.includes(t.pkg)) missing.push(t.pkg);
    }),
  );
  if (missing.length) throw new UserError(`the OVN engine needs ${missing.sort().join(', ')}; install with "apt-get install ${missing.join(' ')}" (or run scripts/setup.sh).`);
}

/** Whether OVN's programs are here (tests skip by name without them). */
export async function ovnInstalled(runner: Runner): Promise<boolean> {
  for (const t of TOOLS) if ((await runner.run(t.argv, { allowFail: true })).code === 127) return false;
  return true;
}
