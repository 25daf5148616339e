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

/**
 * Reflective relay (hairpin) on an OVS port, emulating a Linux bridge port with hairpin on:
 * NORMAL never sends a frame back where it came from, so floods (broadcast/multicast) from
 * the port also go back out of it, and a unicast frame goes back when its destination was
 * learned behind that same port (table 1, filled by `learn`), as VEPA children need. Other
 * unicast is left to NORMAL, so a bridge below the port does not see its own frames and
 * relearn its MACs on the uplink.
 */
export function ovsHairpinFlows(p: OvsPortObj): string[] {
  const learn = `learn(table=1,priority=20,idle_timeout=300,NXM_OF_IN_PORT[],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:1->NXM_NX_REG1[0])`;
  return [
    `table=0,priority=11,in_port=${p.name},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=${learn},NORMAL,in_port`,
    `table=0,priority=10,in_port=${p.name},actions=${learn},resubmit(,1),resubmit(,2)`,
    `table=2,priority=10,reg1=1,actions=in_port`,
    `table=2,priority=0,actions=NORMAL`,
  ];
}

export function ovsSteps(plan: Plan): { argv: string[]; input?: string; why: string }[] {
  const ports = plan.objects.filter((o): o is OvsPortObj => o.kind === 'ovs-port');
  const out: { argv: string[]; input?: string; why: string }[] = [];
  for (const br of plan.objects) {
    if (br.kind !== 'ovs-bridge') continue;
    const mine = ports.filter((p) => p.bridge === br.name);
    out.push({ argv: ovsBridgeArgv(plan.lab, br, mine), why: `Open vSwitch bridge ${br.name} (${br.realizes.join(', ')}) and its ${mine.length} ports` });
    const hp = mine.filter((p) => p.hairpin);
    if (hp.length) out.push({ argv: ['ovs-ofctl', 'add-flows', br.name, '-'], input: hp.flatMap(ovsHairpinFlows).join('\n') + '\n', why: `reflective relay (hairpin) on ${hp.map((p) => `${p.name} (${p.realizes.join(', ')})`).join(', ')}` });
  }
  return out;
}
