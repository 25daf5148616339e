// `vnetmap chassis status --lab LAB`: this machine's part of an inventory lab, read-only — its
// daemons (pidfile, checked), its namespaces (by identity), and, from the central, whether its
// ports are up. The central's `vnetmap status LAB` shows every machine from the Southbound.
import { nsIdentity } from '../../../apply/identity.js';
import { namespacesOf } from '../../../render/scope.js';
import { connectOvsdb, type OvsdbConnect } from '../ovsdb/client.js';
import { ownedBy } from '../render/nb-json.js';
import { CHASSIS_DAEMONS } from '../render/layout.js';
import { daemonPid } from '../apply/daemons.js';
import { memberLayout, readMember } from './member.js';

export interface MemberStatus {
  lab: string;
  joined: boolean;
  name?: string;
  central?: string;
  daemons: Record<string, number | null>;
  namespaces: number;
  missingNamespaces: string[];
  ports: number;
  portsUp?: number;
  healthy: boolean;
  problems: string[];
}

export async function memberStatus(lab: string, connect: OvsdbConnect = connectOvsdb): Promise<MemberStatus> {
  const st = readMember(lab);
  if (!st) return { lab, joined: false, daemons: {}, namespaces: 0, missingNamespaces: [], ports: 0, healthy: false, problems: [`this machine is no chassis of lab ${lab} ("vnetmap chassis join" makes it one)`] };
  const L = memberLayout(lab);
  const problems: string[] = [];
  const daemons = Object.fromEntries(CHASSIS_DAEMONS.map((d) => [d, daemonPid(L.chassisFiles(st.part.name, d)) ?? null]));
  for (const [d, p] of Object.entries(daemons)) if (p === null) problems.push(`${d} is not running ("vnetmap chassis join" again starts this machine's part afresh)`);
  const names = namespacesOf(st.part.local);
  const missingNamespaces = names.filter((n) => nsIdentity(n) === undefined);
  for (const n of missingNamespaces) problems.push(`namespace ${n} is missing`);
  if (st.phase !== 'done') problems.push('the join did not finish ("vnetmap chassis leave" removes what it made)');
  let portsUp: number | undefined;
  const nb = await connect(st.central, 2_000).catch(() => undefined);
  if (!nb) problems.push(`the central at ${st.central} does not answer`);
  else
    try {
      const mine = new Set(st.part.bindings.map((b) => b.lsp));
      const r = (await nb.transact('OVN_Northbound', [{ op: 'select', table: 'Logical_Switch_Port', where: [ownedBy(lab), ['type', '==', '']], columns: ['name', 'up'] }], 5_000)) as { rows: { name: string; up: unknown }[] }[];
      portsUp = r[0]!.rows.filter((x) => mine.has(x.name) && x.up === true).length;
      if (portsUp < mine.size) problems.push(`${mine.size - portsUp} of its ${mine.size} ports are not up`);
    } catch (e) {
      problems.push(`cannot read the central's Northbound: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      nb.close();
    }
  return { lab, joined: true, name: st.part.name, central: st.central, daemons, namespaces: names.length, missingNamespaces, ports: st.part.bindings.length, ...(portsUp !== undefined ? { portsUp } : {}), healthy: !problems.length, problems };
}

export function formatMemberStatus(s: MemberStatus): string {
  if (!s.joined) return `${s.lab}: ${s.problems[0]}`;
  const out = [`${s.lab}: this machine is chassis ${s.name} (central ${s.central}), ${s.healthy ? 'healthy' : `${s.problems.length} problem(s)`}`];
  out.push(`  daemons: ${Object.entries(s.daemons).map(([d, p]) => `${d} ${p ?? 'DOWN'}`).join(', ')}`);
  out.push(`  namespaces: ${s.namespaces - s.missingNamespaces.length}/${s.namespaces}; ports up: ${s.portsUp ?? '?'}/${s.ports}`);
  for (const p of s.problems) out.push(`  problem: ${p}`);
  return out.join('\n');
}
