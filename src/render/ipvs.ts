// IPVS services of the plan (IpvsObj) -> one `ipvsadm -R` per namespace (restore: the whole
// table from stdin, after -C clears it, so running it again gives the same table). NAT mode is
// ipvsadm's masquerading (-m); the schedulers are the kernel's own. The repair of drifted
// services (ipvsRepairLines) speaks the same language, without -C: only what drifted.
import type { Drift } from '../apply/drift.js';
import { hostPort, ipvsKey, ipvsSpec } from '../observe/ipvs.js';
import type { IpvsObj } from '../plan/types.js';

const spec = (s: IpvsObj): string => `${s.protocol === 'udp' ? '-u' : '-t'} ${hostPort(s.vip, s.port)}`;
const serviceLine = (s: IpvsObj, cmd: '-A' | '-E'): string => `${cmd} ${spec(s)} -s ${s.scheduler}`;
const serverLine = (s: IpvsObj, b: IpvsObj['backends'][number], cmd: '-a' | '-e'): string => `${cmd} ${spec(s)} -r ${hostPort(b.addr, b.port)} -m -w ${b.weight}`;

export function renderIpvs(services: IpvsObj[]): string {
  const lines = ['-C'];
  for (const s of services) {
    lines.push(serviceLine(s, '-A'));
    for (const b of s.backends) lines.push(serverLine(s, b, '-a'));
  }
  return lines.join('\n') + '\n';
}

/**
 * The ipvsadm commands (lines for one `ipvsadm -R`, in order) that repair exactly the drifted
 * IPVS services of one namespace: a service not in the plan deleted (-D); a missing one added
 * with its real servers (-A, -a); a different one edited (-E: scheduler, and no persistence or
 * flags, as planned) and only its drifted real servers removed (-d), added (-a) or edited (-e:
 * forwarding method and weight). `services`: the planned IpvsObj of that namespace.
 */
export function ipvsRepairLines(services: IpvsObj[], drift: Drift[]): string[] {
  const byKey = new Map(services.map((s) => [ipvsKey(s.protocol, s.vip, s.port), s]));
  const lines: string[] = [];
  // Services the plan does not have go first, as in every repair.
  for (const d of drift) if (d.kind === 'extra' || !byKey.has(d.key!)) lines.push(`-D ${ipvsSpec(d.key!).join(' ')}`);
  for (const d of drift) {
    const s = byKey.get(d.key!);
    if (!s || d.kind === 'extra') continue;
    const backend = (server: string) => s.backends.find((b) => hostPort(b.addr, b.port) === server);
    if (d.kind === 'missing') {
      lines.push(serviceLine(s, '-A'), ...s.backends.map((b) => serverLine(s, b, '-a')));
      continue;
    }
    const p = d.ipvs ?? {};
    if (p.service) lines.push(serviceLine(s, '-E'));
    for (const r of p.remove ?? []) lines.push(`-d ${spec(s)} -r ${r}`);
    for (const r of p.add ?? []) if (backend(r)) lines.push(serverLine(s, backend(r)!, '-a'));
    for (const r of p.edit ?? []) if (backend(r)) lines.push(serverLine(s, backend(r)!, '-e'));
  }
  return lines;
}
