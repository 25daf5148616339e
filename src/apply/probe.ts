// What this kernel and its tools can do, found by trying. The trials run in a network namespace
// of their own that no name points at (`unshare --net`): it vanishes with the process, so the
// probe never changes the host, not even when it is killed half-way.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import type { Capabilities } from '../plan/types.js';
import { batch } from '../render/steps.js';

let cached: Promise<Capabilities> | undefined;

/** Probe once per process; later calls share the first result. */
export function probeCapabilities(runner: Runner): Promise<Capabilities> {
  cached ??= probe(runner).catch((e: unknown) => {
    cached = undefined; // a failed probe (e.g. not root) may succeed later
    throw e;
  });
  return cached;
}

let netem: Promise<boolean> | undefined;

/**
 * Whether this kernel has netem (sch_netem), which delay, jitter, loss and corruption on a link
 * need: a netem qdisc tried on the loopback of a throwaway namespace, once per process.
 */
export function probeNetem(runner: Runner): Promise<boolean> {
  netem ??= runner.run(inThrowawayNs(['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem']), { allowFail: true }).then((r) => r.code === 0);
  return netem;
}

/** argv running a program in a fresh, unnamed network namespace that ends with it. */
const inThrowawayNs = (argv: string[]): string[] => ['unshare', '--net', '--', ...argv];

/**
 * Device trials, one per line of a single `ip -force -batch` (one process instead of one per
 * feature): -force goes on after a failed line and names it ("Command failed -:N"). Line 1 makes
 * the veth pair the others hang off.
 */
const TRIALS = [
  ['veth', 'link add pa type veth peer name pb'],
  ['vlanDevices', 'link add link pa name pa.5 type vlan id 5'],
  ['bridgeVlanFiltering', 'link add pbr type bridge vlan_filtering 1'],
  ['macvlan', 'link add pm link pa type macvlan mode bridge'],
  ['macvtap', 'link add pt link pb type macvtap mode bridge'],
  ['vxlan', 'link add px type vxlan id 42 dstport 4789 dev pa'],
  ['gre', 'link add pg type gre local 10.255.0.1 remote 10.255.0.2'],
  ['gretap', 'link add pgt type gretap local 10.255.0.1 remote 10.255.0.2'],
  ['ipip', 'link add pi type ipip local 10.255.0.1 remote 10.255.0.2'],
  ['wireguard', 'link add pw type wireguard'],
  ['tun', 'tuntap add dev pu mode tun'],
] as const;

type Trial = (typeof TRIALS)[number][0];

/** Which trials `ip -force -batch` reported as failed, from its "Command failed -:N" lines. */
function failedTrials(stderr: string): Set<Trial> {
  const failed = new Set<Trial>();
  for (const m of stderr.matchAll(/Command failed -:(\d+)/g)) {
    const t = TRIALS[Number(m[1]) - 1];
    if (t) failed.add(t[0]);
  }
  return failed;
}

async function probe(runner: Runner): Promise<Capabilities> {
  // Independent trials, at once: the kernel's may wait behind the clean-up of namespaces deleted
  // just before (seconds after a large `down`), and the OVS ones need only ovsdb-server.
  // IPVS: ipvsadm lists the (empty) table of a fresh namespace only where the kernel has ip_vs.
  const [devices, nft, ovs, ipvs] = await Promise.all([
    runner.run(inThrowawayNs(['ip', '-force', '-batch', '-']), { input: batch(TRIALS.map((t) => t[1])), allowFail: true }),
    runner.run(inThrowawayNs(['nft', 'add', 'table', 'ip', 'vnprobe']), { allowFail: true }),
    runner.run(['ovs-vsctl', '--timeout=3', 'show'], { allowFail: true }).then(async (r) => (r.code === 0 ? { ovs: true, datapath: await ovsDatapathOf(runner) } : { ovs: false, datapath: 'netdev' as const })),
    runner.run(inThrowawayNs(['ipvsadm', '-Ln']), { allowFail: true }).catch(() => ({ code: 1 })),
  ]);
  const failed = failedTrials(devices.stderr);
  // unshare itself failing (not root, no user namespaces) names no line of the batch.
  if (devices.code !== 0 && (!failed.size || failed.has('veth'))) {
    throw new UserError(`cannot probe the kernel: creating a throwaway network namespace with a veth pair failed (${devices.stderr.trim().split('\n')[0] || 'no output'}); run as root, or pass --capabilities full|minimal to plan for another machine.`);
  }
  const has = (t: Trial): boolean => !failed.has(t);
  return {
    source: 'probe',
    vlanDevices: has('vlanDevices'),
    bridgeVlanFiltering: has('bridgeVlanFiltering'),
    ovs: ovs.ovs,
    ovsDatapath: ovs.datapath,
    macvlan: has('macvlan'),
    macvtap: has('macvtap'),
    vxlan: has('vxlan'),
    nftables: nft.code === 0,
    tunnels: { gre: has('gre'), gretap: has('gretap'), ipip: has('ipip'), wireguard: has('wireguard'), tun: has('tun') },
    ipvs: ipvs.code === 0,
  };
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
