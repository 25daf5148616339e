// `vnetmap chassis leave --lab LAB` (and `vnetmap down LAB` on a machine that joined): this
// machine's part of an inventory lab goes — ovn-controller first, asked to exit so it removes
// its chassis from the Southbound and releases its ports; then ovs-vswitchd and ovsdb-server
// (by pidfile, checked, as everywhere); the tunnel address back on the device it came from;
// the workloads' namespaces this join made (by identity, or the lab's marker — only the names
// in its part: another machine's namespaces are never looked for); the member's files.
// Idempotent; works after a killed join (member.json is written before anything is made).
import { nsIdentity } from '../../../apply/identity.js';
import { isOurRootLink, loAliases, rootLinks } from '../../../apply/discover.js';
import { waitRootLinksGone } from '../../../apply/destroy.js';
import { stopProcessesIn } from '../../../apply/lab-processes.js';
import { removeNamesDir } from '../../../apply/names-dir.js';
import type { Runner } from '../../../exec/runner.js';
import { labMarker } from '../../../plan/names.js';
import { namespacesOf } from '../../../render/scope.js';
import { daemonPid, labDaemons, stopDaemons } from '../apply/daemons.js';
import { machineBridges, memberLayout, readMember, removeMember, withMemberLock } from './member.js';

export interface LeaveResult {
  lab: string;
  name?: string;
  daemons: number;
  namespaces: number;
  ms: number;
}

export function leaveChassis(lab: string, runner: Runner, wait = true): Promise<LeaveResult> {
  return withMemberLock(lab, wait, () => leaveLocked(lab, runner));
}

export async function leaveLocked(lab: string, runner: Runner): Promise<LeaveResult> {
  const t0 = Date.now();
  const st = readMember(lab);
  if (!st) {
    removeMember(lab);
    return { lab, daemons: 0, namespaces: 0, ms: Date.now() - t0 };
  }
  const name = st.part.name;
  const L = memberLayout(lab);
  const ctl = L.chassisFiles(name, 'ovn-controller');
  const pid = daemonPid(ctl);
  const mine = labDaemons(L, [name]).filter((d) => d.name.startsWith(`${name}/`));
  const running = mine.filter((d) => d.pid !== undefined).length;
  // Without --restart, ovn-controller removes its Chassis and Chassis_Private rows and lets
  // its ports go before it exits; a central already gone makes it wait, hence the bound.
  if (pid !== undefined) await runner.run(['ovn-appctl', '-t', `${ctl.dir}/ovn-controller.${pid}.ctl`, 'exit'], { allowFail: true, timeoutMs: 5_000 });
  // A netdev bridge is a TAP device ovs-vswitchd keeps after it exits (it makes them persistent):
  // the bridges go first, then the daemon with its datapath (and that datapath's device, ovs-netdev).
  const br = machineBridges(st.part.local.labId);
  if (daemonPid(L.chassisFiles(name, 'ovsdb-server')) !== undefined && daemonPid(L.chassisFiles(name, 'ovs-vswitchd')) !== undefined) {
    await runner.run(['ovs-vsctl', `--db=unix:${L.dbSock(name)}`, '--timeout=5', '--', '--if-exists', 'del-br', br.int, '--', '--if-exists', 'del-br', br.phy], { allowFail: true, timeoutMs: 6_000 });
    await runner.run(['ovs-appctl', '-t', `${L.chassis(name)}/ovs-vswitchd.ctl`, 'exit', '--cleanup'], { allowFail: true, timeoutMs: 5_000 });
  }
  await stopDaemons(mine);
  const daemons = running;
  // A vswitchd that died before it could remove them left its bridges: they carry the lab's own names.
  const left = (await rootLinks(runner)).map((l) => l.name).filter((n) => n === br.int || n === br.phy);
  if (left.length) await runner.run(['ip', '-force', '-batch', '-'], { input: left.map((n) => `link del ${n}\n`).join(''), allowFail: true });
  // br-phy went with ovs-vswitchd: the tunnel address goes back where it was.
  if (st.encapDev && st.encapCidr) await runner.run(['ip', 'addr', 'replace', st.encapCidr, 'dev', st.encapDev], { allowFail: true });
  const names = namespacesOf(st.part.local);
  const present = names.filter((n) => nsIdentity(n) !== undefined);
  const unproven = present.filter((n) => st.identities[n] === undefined || nsIdentity(n) !== st.identities[n]);
  const aliases = await loAliases(runner, unproven);
  const marked = new Set(unproven.filter((_, i) => aliases[i] === labMarker(lab)));
  const ours = present.filter((n) => marked.has(n) || (st.identities[n] !== undefined && nsIdentity(n) === st.identities[n]));
  await stopProcessesIn(ours);
  if (ours.length) await runner.run(['ip', '-force', '-batch', '-'], { input: ours.map((n) => `netns del ${n}\n`).join(''), allowFail: true });
  const seen = new Map<string, boolean>();
  for (const n of names) await removeNamesDir(lab, n, seen);
  // The br-int ends went with their namespaces; one whose namespace was never made (a killed join) goes by its marker.
  const stray = (await rootLinks(runner)).filter((l) => isOurRootLink(lab, l)).map((l) => l.name);
  if (stray.length) await runner.run(['ip', '-force', '-batch', '-'], { input: stray.map((n) => `link del ${n}\n`).join(''), allowFail: true });
  await waitRootLinksGone(runner, lab);
  removeMember(lab);
  return { lab, name, daemons, namespaces: ours.length, ms: Date.now() - t0 };
}
