// What a link cut on purpose (link.ts) does to a lab is no drift: the device set down, and the
// planned routes the kernel flushed with it (through the device, or via a gateway on its
// subnets). `status` lists the cuts instead; `up` leaves them as they are.
import { contains, parseCidr, parseIp } from '../model/ip.js';
import type { Plan } from '../plan/types.js';
import type { Cut } from '../semantics/cuts.js';
import type { Drift } from './drift.js';

export function withoutCuts(plan: Plan, drift: Drift[], cuts: readonly Cut[] | undefined): Drift[] {
  if (!cuts?.length) return drift;
  const down = new Set(cuts.map((c) => `${c.namespace ?? ''}/${c.dev}`));
  const subnets = new Map<string, { network: number; prefix: number }[]>();
  for (const o of plan.objects) {
    if (o.kind !== 'address' || !down.has(`${o.namespace ?? ''}/${o.dev}`)) continue;
    const c = parseCidr(o.cidr);
    if (c) subnets.set(o.namespace ?? '', [...(subnets.get(o.namespace ?? '') ?? []), c]);
  }
  const flushed = new Set(
    plan.objects.flatMap((o) => {
      if (o.kind !== 'route') return [];
      const ns = o.namespace ?? '';
      const via = o.via !== undefined ? parseIp(o.via) : undefined;
      const gone = (o.dev !== undefined && down.has(`${ns}/${o.dev}`)) || (via !== undefined && (subnets.get(ns) ?? []).some((s) => contains(s, via)));
      return gone ? [`${ns}|${o.to === 'default' || o.to.includes('/') ? o.to : `${o.to}/32`}`] : [];
    }),
  );
  return drift.filter((d) => {
    const ns = d.namespace ?? '';
    if (d.what === 'device' && d.kind === 'different' && d.dev !== undefined && down.has(`${ns}/${d.dev}`) && d.detail.endsWith('is down (planned up)')) return false;
    if (d.what === 'route' && d.kind === 'missing' && d.key !== undefined && (flushed.has(`${ns}|${d.key}`) || flushed.has(`${ns}|${d.key}/32`))) return false;
    return true;
  });
}
