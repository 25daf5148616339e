// DNS of a live twin: from every namespace vnetmap gave a resolv.conf, every name the design's
// DNS services answer for is looked up at the first name server of that file (one prober run,
// each query bounded by the pacing's timeout and tries). A name must resolve to the address the
// design gives it (for a DHCP pool client, the address it leased: verify put it in the design,
// dhcp-phase.ts) wherever the design lets the host reach that server on UDP port 53, and must go
// unanswered where it does not.
import { formatIp, parseIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import { isRouted } from '../model/types.js';
import type { DaemonObj } from '../plan/types.js';
import { netnsFile } from '../exec/netns.js';
import { resolvFiles } from '../render/hosts.js';
import { namesPath } from '../render/steps.js';
import { roundTrip } from '../semantics/forward.js';
import { designModel } from '../semantics/from-design.js';
import { check, type PhaseContext } from './checks.js';
import { FIRST, probeDns } from './prober.js';

/** The names a DNS service on `server` answers, with the address each must resolve to. */
export function expectedNames(d: Design, server: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    // Fixed and reserved addresses are in the service's hosts file; pool clients are known to the
    // dnsmasq that leased them (by the name they send, their node's).
    const i = [...n.interfaces.filter((x) => !x.dhcp || x.lease?.reserved !== undefined || x.lease?.server === server), ...(n.kind === 'l3-switch' ? n.svis : [])].find((x) => x.addresses.length);
    if (i) out.set(n.name, formatIp(i.addresses[0]!.ip));
  }
  for (const n of d.nodes) if (isRouted(n)) for (const [name, ip] of Object.entries(n.hosts)) if (!out.has(name)) out.set(name, ip);
  return out;
}

export async function dnsPhase(c: PhaseContext, design: Design): Promise<void> {
  const services = c.plan.objects.filter((o): o is DaemonObj & { dns: NonNullable<DaemonObj['dns']> } => o.kind === 'daemon' && !!o.dns);
  if (!services.length) return;
  const files = resolvFiles(c.plan);
  const nodeOfNs = (ns: string) => c.nodeOf(ns);
  // The server each namespace asks first, as its resolv.conf says.
  const sources = files.map((f) => ({ ns: f.namespace, node: nodeOfNs(f.namespace), server: /^nameserver (\S+)$/m.exec(f.content)?.[1] }));
  const names = [...new Set(services.flatMap((s) => [...expectedNames(design, s.dns.node).keys()]))].sort();
  const r = await probeDns(c.runner, { sources: sources.map((s) => ({ netns: netnsFile(s.ns), resolv: namesPath(s.ns, 'resolv.conf') })), names }, { ...FIRST, timeoutMs: 500, tries: 3, backoff: 1.5, intervalUs: 20 });
  const model = designModel(design);
  const addrOf = new Map(c.live.map((l) => [l.ep.node, l.ep.addr.ip] as const));
  sources.forEach((s, i) => {
    const service = services.find((x) => s.server && x.dns.addresses.includes(s.server));
    const want = service ? expectedNames(design, service.dns.node) : new Map<string, string>();
    const src = addrOf.get(s.node);
    const server = s.server ? parseIp(s.server) : undefined;
    // The design decides whether this host's queries reach the server and come back.
    const reach = src !== undefined && server !== undefined && (s.node === service?.dns.node || roundTrip(model, s.node, src, server, 'udp', 53, false).ok);
    const error = r.failed ?? r.errors.get(i);
    names.forEach((name, j) => {
      const expected = reach && want.has(name);
      const got = r.answers[i]?.[j] ?? null;
      const right = want.get(name);
      const observed = !!got && right !== undefined && got.includes(right);
      const detail = got === null ? 'no answer' : got.length ? `resolved to ${got.join(', ')}${right !== undefined && !got.includes(right) ? ` (design: ${right})` : ''}` : 'no such name';
      c.add(check('dns', s.node, name, expected, observed, { ...(error ? { error } : {}), detail, wrong: expected === false && !!got?.length && right !== undefined && !got.includes(right) }));
    });
  });
}
