// Open vSwitch bridges -> one idempotent ovs-vsctl transaction per bridge (--may-exist, and
// every port column set explicitly) so re-running it converges instead of failing.
import type { OvsBridgeObj, OvsPortObj, Plan } from '../plan/types.js';

export const OVS_LAB_KEY = 'vnetmap-lab';

export function ovsBridgeArgv(lab: string, br: OvsBridgeObj, ports: OvsPortObj[]): string[] {
  const mark = `external_ids:${OVS_LAB_KEY}=${lab}`;
  const argv = ['ovs-vsctl', '--timeout=10', '--', '--may-exist', 'add-br', br.name, '--', 'set', 'bridge', br.name, `datapath_type=${br.datapath}`, `stp_enable=${br.stp}`, mark];
  for (const p of ports) {
    argv.push('--', '--may-exist', 'add-port', br.name, p.name);
    argv.push('--', 'set', 'port', p.name, p.tag !== undefined ? `tag=${p.tag}` : 'tag=[]');
    argv.push(p.trunks?.length ? `trunks=${p.trunks.join(',')}` : 'trunks=[]');
    argv.push(p.vlanMode ? `vlan_mode=${p.vlanMode}` : 'vlan_mode=[]', mark);
    argv.push('--', 'set', 'interface', p.name, mark);
  }
  return argv;
}

/** Reflective relay: NORMAL never sends a frame back where it came from, so add in_port. */
export function ovsHairpinArgv(p: OvsPortObj): string[] {
  return ['ovs-ofctl', 'add-flow', p.bridge, `priority=10,in_port=${p.name},actions=NORMAL,in_port`];
}

export function ovsSteps(plan: Plan): { argv: string[]; why: string }[] {
  const ports = plan.objects.filter((o): o is OvsPortObj => o.kind === 'ovs-port');
  const out: { argv: string[]; why: string }[] = [];
  for (const br of plan.objects) {
    if (br.kind !== 'ovs-bridge') continue;
    const mine = ports.filter((p) => p.bridge === br.name);
    out.push({ argv: ovsBridgeArgv(plan.lab, br, mine), why: `Open vSwitch bridge ${br.name} (${br.realizes.join(', ')}) and its ${mine.length} ports` });
    for (const p of mine) if (p.hairpin) out.push({ argv: ovsHairpinArgv(p), why: `reflective relay on ${p.name} (${p.realizes.join(', ')})` });
  }
  return out;
}
