// What a machine joining an inventory lab can use, found by looking: which Open vSwitch
// datapath it may run without disturbing another Open vSwitch there, and the underlay device
// the userspace datapath takes over (its address, MAC and MTU).
import { existsSync } from 'node:fs';
import { UserError } from '../../../errors.js';
import type { Runner } from '../../../exec/runner.js';

/**
 * The kernel datapath where the openvswitch module is loaded and no other Open vSwitch uses it:
 * all of a machine's ovs-vswitchd share the kernel's one datapath (ovs-system), and one removes
 * the ports it does not know of — the system's. Else the userspace datapath, which lives in our
 * ovs-vswitchd; another userspace Open vSwitch here would have the same device (ovs-netdev).
 */
export async function chooseDatapath(runner: Runner, asked?: 'system' | 'netdev'): Promise<'system' | 'netdev'> {
  const has = async (dev: string) => (await runner.run(['ip', 'link', 'show', 'dev', dev], { allowFail: true })).code === 0;
  const kernelInUse = await has('ovs-system');
  const module = existsSync('/sys/module/openvswitch');
  if (asked === 'system' && !module) throw new UserError('--datapath system: this kernel has no openvswitch module; leave --datapath out (the userspace datapath is used) or load the module.');
  if (asked === 'system' && kernelInUse) throw new UserError("--datapath system: another Open vSwitch on this machine uses the kernel datapath (ovs-system), and a second ovs-vswitchd would remove its ports; leave --datapath out (the userspace datapath is used).");
  const d = asked ?? (module && !kernelInUse ? 'system' : 'netdev');
  if (d === 'netdev' && (await has('ovs-netdev'))) throw new UserError('another Open vSwitch runs the userspace datapath on this machine (its device ovs-netdev exists), and a second one would take the same device; stop it, or run this chassis on another machine.');
  return d;
}

export interface DevInfo {
  cidr: string;
  mac: string;
  mtu: number;
}

export async function encapDevInfo(runner: Runner, dev: string, ip: string): Promise<DevInfo> {
  if (dev === 'lo') throw new UserError('--encap-dev lo: name the device this machine reaches the other machines by.');
  const r = await runner.run(['ip', '-j', 'addr', 'show', 'dev', dev], { allowFail: true });
  if (r.code !== 0) throw new UserError(`--encap-dev ${dev}: this machine has no such device; name the device that holds ${ip}.`);
  const [link] = JSON.parse(r.stdout) as { address?: string; mtu?: number; addr_info?: { family: string; local: string; prefixlen: number }[] }[];
  // The address moves to the tunnel bridge, and routes through the device do not follow it.
  const routes = await runner.run(['ip', '-j', 'route', 'show', 'default'], { allowFail: true });
  if ((JSON.parse(routes.stdout || '[]') as { dev?: string }[]).some((r) => r.dev === dev))
    throw new UserError(`--encap-dev ${dev} carries this machine's default route, which would go when its address moves to the tunnel bridge; give the machine a device for the underlay only (or load the openvswitch module: the kernel datapath needs no --encap-dev).`);
  const a = link?.addr_info?.find((x) => x.family === 'inet' && x.local === ip);
  if (!a || !link?.address) throw new UserError(`--encap-dev ${dev} does not hold ${ip} (this machine's tunnel address); name the device that does, or give --encap-ip.`);
  return { cidr: `${ip}/${a.prefixlen}`, mac: link.address, mtu: link.mtu ?? 1500 };
}
