// IPVS services of the plan (IpvsObj) -> one `ipvsadm -R` per namespace (restore: the whole
// table from stdin, after -C clears it, so running it again gives the same table). NAT mode is
// ipvsadm's masquerading (-m); the schedulers are the kernel's own.
import type { IpvsObj } from '../plan/types.js';

export function renderIpvs(services: IpvsObj[]): string {
  const lines = ['-C'];
  for (const s of services) {
    const svc = `${s.protocol === 'udp' ? '-u' : '-t'} ${s.vip}:${s.port}`;
    lines.push(`-A ${svc} -s ${s.scheduler}`);
    for (const b of s.backends) lines.push(`-a ${svc} -r ${b.addr}:${b.port} -m -w ${b.weight}`);
  }
  return lines.join('\n') + '\n';
}
