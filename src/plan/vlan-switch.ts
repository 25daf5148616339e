// Which Linux machinery realises 802.1Q switching, decided once per compile from the
// capabilities and recorded as a choice so `plan --explain` can say why.
import { UserError } from '../errors.js';
import type { Design } from '../model/types.js';
import { isVlanAware } from '../model/types.js';
import type { Ctx } from './context.js';

/** linux: plain bridge (floods tags through); filtering: bridge vlan_filtering; ovs: Open vSwitch; 8021q: a bridge per VLAN. */
export type SwitchBackend = 'linux' | 'filtering' | 'ovs' | '8021q';

const capsHint = 'plan with --capabilities full for a kernel that has them, or use --strategy compact (no VLAN tags at all)';

export function vlanAwareSwitches(d: Design): string[] {
  return d.nodes.filter(isVlanAware).map((n) => n.name);
}

/** The backend for VLAN-aware switches and L3 switches (undefined when the design has none). */
export function chooseVlanBackend(ctx: Ctx, forceOvs: boolean): 'filtering' | 'ovs' | '8021q' | undefined {
  const names = vlanAwareSwitches(ctx.design);
  if (names.length === 0) return undefined;
  const { caps, b } = ctx;
  const list = names.join(', ');
  if (forceOvs) {
    b.choose('vlan-switching', `openvswitch (${caps.ovsDatapath} datapath)`, `the ovs strategy realises every switch (${list}) as an Open vSwitch bridge.`);
    return 'ovs';
  }
  // SVIs on a filtering bridge are 8021q devices on the bridge; without them the L3 switch's VLAN
  // interfaces have nowhere to live, so such designs go to OVS as well.
  const needsSviDevices = ctx.design.nodes.some((n) => n.kind === 'l3-switch' && n.svis.length > 0);
  if (caps.bridgeVlanFiltering && (!needsSviDevices || caps.vlanDevices)) {
    b.choose(
      'vlan-switching',
      'bridge vlan_filtering',
      `the kernel supports bridge VLAN filtering${needsSviDevices ? ' and 8021q devices (for the routed VLAN interfaces)' : ''}, the fastest way to keep ${list}'s VLANs apart.`,
    );
    return 'filtering';
  }
  if (caps.ovs) {
    const lacks = !caps.bridgeVlanFiltering ? 'bridge VLAN filtering' : '8021q VLAN devices for the routed VLAN interfaces';
    b.choose('vlan-switching', `openvswitch (${caps.ovsDatapath} datapath)`, `the kernel lacks ${lacks}, so ${list} become Open vSwitch bridges with access/trunk ports.`);
    if (caps.ovsDatapath === 'netdev')
      b.choose('ovs-offload', 'tx checksum offload off on OVS veths', 'the userspace datapath sends checksum-partial packets out with bad checksums, which breaks TCP over veth ports.');
    return 'ovs';
  }
  if (caps.vlanDevices) {
    b.choose('vlan-switching', '8021q devices + one bridge per VLAN', `the kernel has neither bridge VLAN filtering nor Open vSwitch, but 8021q devices: each VLAN of ${list} is a bridge, trunk ports carry one 8021q device per VLAN.`);
    return '8021q';
  }
  throw new UserError(
    `the design has VLAN-aware switches (${list}), but the capabilities (${caps.source}) have neither bridge vlan_filtering, Open vSwitch nor 8021q devices; ${capsHint}.`,
  );
}

/** OVS needs to be there at all. */
export function requireOvs(ctx: Ctx, what: string): void {
  if (!ctx.caps.ovs)
    throw new UserError(`${what} needs Open vSwitch, which the capabilities (${ctx.caps.source}) lack; install openvswitch-switch, or use --strategy faithful or compact.`);
  if (ctx.caps.ovsDatapath === 'netdev')
    ctx.b.choose('ovs-offload', 'tx checksum offload off on OVS veths', 'the userspace datapath sends checksum-partial packets out with bad checksums, which breaks TCP over veth ports.');
}
