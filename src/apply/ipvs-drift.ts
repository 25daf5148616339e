// Drift of IPVS (the plan's IpvsObj, realised with ipvsadm where the kernel has ip_vs): the
// live table of each namespace whose plan has IPVS services, read by the observer with
// `ipvsadm -Sn` (src/observe/ipvs.ts), against the planned services. One entry per virtual
// service: missing, extra (a service of that namespace the plan does not have), or different
// (scheduler, persistence or scheduler flags, real servers missing, extra, or with another
// forwarding method or weight). `parts` says what differs, so that the repair
// (src/render/repair.ts) touches exactly that: a service edited, real servers added, edited,
// or removed — never the whole table. Only namespaces of the lab are read: nothing else.
import type { SeenCommand } from '../observe/namespace.js';
import { hostPort, ipvsKey, parseIpvsSave, type SeenIpvsService } from '../observe/ipvs.js';
import type { IpvsObj } from '../plan/types.js';
import type { Repair } from '../render/repair.js';
import type { Drift } from './drift.js';

/** What of a virtual service differs: the service's own settings, real servers ("addr:port") to add, edit or remove. */
export interface IpvsParts {
  service?: true;
  add?: string[];
  edit?: string[];
  remove?: string[];
}

/** The forwarding method the plan's services use: NAT (ipvsadm -m, masquerading). */
const PLANNED_FORWARD = 'masq';

/** What of one live service differs from the planned one, in words, and which parts. */
function serviceDiffs(o: IpvsObj, s: SeenIpvsService): { words: string[]; parts: IpvsParts } {
  const words: string[] = [];
  const parts: IpvsParts = {};
  const setting = (w: string): void => {
    words.push(w);
    parts.service = true;
  };
  if (s.scheduler !== o.scheduler) setting(`scheduler ${s.scheduler || 'none'} (planned ${o.scheduler})`);
  if (s.persistent !== undefined) setting(`persistent ${s.persistent} s${s.netmask ? ` per ${s.netmask}` : ''} (planned not persistent)`);
  if (s.pe) setting(`persistence engine ${s.pe} (planned none)`);
  if (s.flags) setting(`scheduler flags ${s.flags} (planned none)`);
  if (s.ops) setting('one-packet scheduling (planned off)');
  if (s.other) setting(`options ${s.other} (planned none)`);
  const seen = new Map(s.servers.map((r) => [r.server, r]));
  const planned = new Set<string>();
  for (const b of o.backends) {
    const key = hostPort(b.addr, b.port);
    planned.add(key);
    const r = seen.get(key);
    if (!r) {
      words.push(`real server ${key} missing`);
      (parts.add ??= []).push(key);
      continue;
    }
    const d: string[] = [];
    if (r.forward !== PLANNED_FORWARD) d.push(`forwards by ${r.forward || 'an unknown method'} (planned masq)`);
    if (r.weight !== b.weight) d.push(`weight ${Number.isNaN(r.weight) ? 'unknown' : r.weight} (planned ${b.weight})`);
    if (r.other) d.push(`options ${r.other} (planned none)`);
    if (d.length) {
      words.push(`real server ${key} ${d.join(', ')}`);
      (parts.edit ??= []).push(key);
    }
  }
  for (const r of s.servers) {
    if (planned.has(r.server)) continue;
    words.push(`real server ${r.server} not in the plan`);
    (parts.remove ??= []).push(r.server);
  }
  return { words, parts };
}

const object = (ns: string, key: string): string => `${ns} ipvs ${key}`;

/**
 * Drift of the IPVS services of namespace `ns` (`planned`: its IpvsObj, at least one), from the
 * result of `ipvsadm -Sn` run inside it.
 */
export function ipvsDrift(ns: string, planned: IpvsObj[], res: SeenCommand | undefined, out: Drift[]): void {
  if (!res) return;
  if (res.code !== 0) {
    // ipvsadm's own line ("Can't initialize ipvs: Protocol not available") rather than the
    // modprobe it tried first.
    const errs = res.stderr.trim().split('\n').filter(Boolean);
    const why = errs.find((l) => /\bipvs\b/i.test(l)) ?? errs[0] ?? `exit ${res.code ?? 'timeout'}`;
    for (const o of planned) out.push({ kind: 'missing', what: 'ipvs', object: object(ns, ipvsKey(o.protocol, o.vip, o.port)), detail: `load balancer ${o.name}: IPVS table unreadable (ipvsadm -Sn: ${why}); ${o.backends.length} real server(s) planned`, namespace: ns, key: ipvsKey(o.protocol, o.vip, o.port), realizes: o.realizes });
    return;
  }
  const { services } = parseIpvsSave(res.stdout);
  const keys = new Set<string>();
  for (const o of planned) {
    const key = ipvsKey(o.protocol, o.vip, o.port);
    keys.add(key);
    const base = { what: 'ipvs' as const, object: object(ns, key), namespace: ns, key, realizes: o.realizes };
    const s = services.get(key);
    if (!s) {
      out.push({ kind: 'missing', ...base, detail: `load balancer ${o.name}: IPVS virtual service missing (${o.backends.length} real server(s) planned)` });
      continue;
    }
    const { words, parts } = serviceDiffs(o, s);
    if (words.length) out.push({ kind: 'different', ...base, detail: `load balancer ${o.name}: ${words.join('; ')}`, ipvs: parts });
  }
  for (const s of services.values()) {
    if (keys.has(s.key)) continue;
    out.push({ kind: 'extra', what: 'ipvs', object: object(ns, s.key), detail: `IPVS virtual service not in the plan (${s.servers.length} real server(s))`, namespace: ns, key: s.key });
  }
}

/**
 * What a repair really repaired, judged by the lab read again afterwards (`remaining`): `ipvsadm
 * -R` exits with the status of its last line only, so an IPVS service that still differs was
 * not repaired, whatever the exit status said; it is reported as left.
 */
export function ipvsStillDrifted(lab: string, repair: Pick<Repair, 'repaired' | 'left'>, remaining: readonly Drift[]): Pick<Repair, 'repaired' | 'left'> {
  const still = (d: Drift): boolean => d.what === 'ipvs' && remaining.some((r) => r.what === 'ipvs' && r.object === d.object);
  return {
    repaired: repair.repaired.filter((d) => !still(d)),
    left: [...repair.left, ...repair.repaired.filter(still).map((d) => ({ drift: d, why: `ipvsadm did not change it; see "vnetmap status ${lab}" and ipvsadm -Ln in ${d.namespace}` }))],
  };
}
