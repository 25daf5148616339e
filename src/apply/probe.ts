// What this kernel and its tools can do, found by trying: each feature is created once in a
// throwaway namespace that is deleted afterwards, so the probe never changes the host.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { Capabilities } from '../plan/types.js';
import { execIn, ipIn } from '../render/steps.js';

let cached: Promise<Capabilities> | undefined;

/** Probe once per process; later calls share the first result. */
export function probeCapabilities(runner: Runner): Promise<Capabilities> {
  cached ??= probe(runner).catch((e: unknown) => {
    cached = undefined; // a failed probe (e.g. not root) may succeed later
    throw e;
  });
  return cached;
}

async function probe(runner: Runner): Promise<Capabilities> {
  const ns = `vnprobe-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const add = await runner.run(['ip', 'netns', 'add', ns], { allowFail: true });
  if (add.code !== 0) throw new UserError(`cannot probe the kernel: "ip netns add" failed (${add.stderr.trim() || 'no output'}); run as root, or pass --capabilities full|minimal to plan for another machine.`);
  try {
    const ok = async (...args: string[]): Promise<boolean> => (await runner.run(ipIn(ns, ...args), { allowFail: true })).code === 0;
    await runner.run(ipIn(ns, 'link', 'add', 'pa', 'type', 'veth', 'peer', 'name', 'pb'), { allowFail: true });
    const vlanDevices = await ok('link', 'add', 'link', 'pa', 'name', 'pa.5', 'type', 'vlan', 'id', '5');
    const bridgeVlanFiltering = await ok('link', 'add', 'pbr', 'type', 'bridge', 'vlan_filtering', '1');
    const macvlan = await ok('link', 'add', 'pm', 'link', 'pa', 'type', 'macvlan', 'mode', 'bridge');
    const macvtap = await ok('link', 'add', 'pt', 'link', 'pb', 'type', 'macvtap', 'mode', 'bridge');
    const vxlan = await ok('link', 'add', 'px', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'dev', 'pa');
    const nftables = (await runner.run(execIn(ns, ['nft', 'add', 'table', 'ip', 'vnprobe']), { allowFail: true })).code === 0;
    const ovs = (await runner.run(['ovs-vsctl', '--timeout=3', 'show'], { allowFail: true })).code === 0;
    const ovsDatapath = ovs ? await ovsDatapathOf(runner) : 'netdev';
    return { source: 'probe', vlanDevices, bridgeVlanFiltering, ovs, ovsDatapath, macvlan, macvtap, vxlan, nftables };
  } finally {
    await runner.run(['ip', 'netns', 'del', ns], { allowFail: true });
  }
}

/**
 * The kernel datapath works only with the openvswitch module; without it, skip the trial.
 * With it, a throwaway bridge (unique name, deleted at once) shows whether OVS can use it.
 */
async function ovsDatapathOf(runner: Runner): Promise<'system' | 'netdev'> {
  if (!existsSync('/sys/module/openvswitch')) return 'netdev';
  const br = `vnprobe${(process.pid % 46656).toString(36)}`;
  try {
    const add = await runner.run(['ovs-vsctl', '--timeout=5', '--', 'add-br', br, '--', 'set', 'bridge', br, 'datapath_type=system', 'external_ids:vnetmap-probe=1'], { allowFail: true });
    if (add.code !== 0) return 'netdev';
    const err = await runner.run(['ovs-vsctl', '--timeout=3', 'get', 'interface', br, 'ofport'], { allowFail: true });
    return err.code === 0 && err.stdout.trim() !== '-1' ? 'system' : 'netdev';
  } finally {
    await runner.run(['ovs-vsctl', '--timeout=5', '--if-exists', 'del-br', br], { allowFail: true });
  }
}
