// DNS of a live twin: from every namespace vnetmap gave a resolv.conf, every name the design's
// DNS services answer for is looked up at the first name server of that file (one prober run,
// each query bounded by the pacing's timeout and tries). A name must resolve to the address the
// design gives it (for a DHCP pool client, the address it leased: verify put it in the design,
// dhcp-phase.ts) wherever the design lets the host reach that server on UDP port 53, and must go
// unanswered where it does not.
import { dnsAnswers } from '../model/dns-names.js';
import { parseIp } from '../model/ip.js';
import type { Design } from '../model/types.js';
import { netnsFile } from '../exec/netns.js';
import { dnsServices, resolvFiles } from '../render/hosts.js';
import { namesPath } from '../render/steps.js';
import { roundTrip } from '../semantics/forward.js';
import { designModel } from '../semantics/from-design.js';
import { check, type PhaseContext } from './checks.js';
import { FIRST, probeDns } from './prober.js';

/** The names a DNS service on `server` answers, with the address each must resolve to (model/dns-names.ts). */
export const expectedNames = dnsAnswers;

/** Up to this many lookups, every name is asked from every namespace; beyond, a sample (dnsSample). */
export const DNS_ALL_MAX = 20_000;
/** Names each namespace asks in a sample, besides its own node's. */
export const DNS_SAMPLE = 8;

/**
 * Which names (indices) source `i` of `n` asks: all, or its own name and DNS_SAMPLE others in
 * rotation, so that every name is asked from about DNS_SAMPLE namespaces. One server answers
 * every asker alike (dnsmasq has no views): what differs per host is its resolv.conf and its way
 * to the server, which any lookup proves, and per name the server's data, which one asker proves.
 */
export function dnsSample(i: number, n: number, names: number, own: number | undefined, all: boolean): number[] {
  if (all || n * names <= DNS_ALL_MAX) return [...Array(names).keys()];
  const pick = new Set<number>(own === undefined ? [] : [own]);
  for (let t = 0; pick.size < Math.min(names, DNS_SAMPLE + (own === undefined ? 0 : 1)); t++) pick.add((i * DNS_SAMPLE + t) % names);
  return [...pick].sort((a, b) => a - b);
}

export async function dnsPhase(c: PhaseContext, design: Design, all = false): Promise<void> {
  const services = dnsServices(c.plan);
  if (!services.length) return;
  const files = resolvFiles(c.plan);
  const nodeOfNs = (ns: string) => c.nodeOf(ns);
  // The server each namespace asks first, as its resolv.conf says.
  // Hosts, routers, servers: namespaces with addresses of their own (a switch's has none to ask from).
  const withAddress = new Set(c.live.map((l) => l.loc.namespace));
  const sources = files.filter((f) => withAddress.has(f.namespace)).map((f) => ({ ns: f.namespace, node: nodeOfNs(f.namespace), server: /^nameserver (\S+)$/m.exec(f.content)?.[1] }));
  const names = [...new Set(services.flatMap((s) => [...expectedNames(design, s.node).keys()]))].sort();
  const index = new Map(names.map((n, j) => [n, j]));
  const asks = sources.map((s, i) => dnsSample(i, sources.length, names.length, index.get(s.node), all));
  const lookups = asks.reduce((x, a) => x + a.length, 0);
  if (lookups < sources.length * names.length)
    c.notes.push(`dns: each of the ${sources.length} namespaces asked its own name and ${DNS_SAMPLE} others (${lookups.toLocaleString('en')} of ${(sources.length * names.length).toLocaleString('en')} lookups, every name from several namespaces); --all asks every name from every namespace.`);
  const t = Date.now();
  const r = await probeDns(c.runner, { sources: sources.map((s, i) => ({ netns: netnsFile(s.ns), resolv: namesPath(s.ns, 'resolv.conf'), ask: asks[i]! })), names }, { ...FIRST, timeoutMs: 500, tries: 3, backoff: 1.5, intervalUs: 20 });
  c.progress(`dns: ${lookups.toLocaleString('en')} lookups from ${sources.length} namespaces in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const model = designModel(design);
  const addrOf = new Map(c.live.map((l) => [l.ep.node, l.ep.addr.ip] as const));
  sources.forEach((s, i) => {
    const service = services.find((x) => s.server && x.addresses.includes(s.server));
    const want = service ? expectedNames(design, service.node) : new Map<string, string>();
    const src = addrOf.get(s.node);
    const server = s.server ? parseIp(s.server) : undefined;
    // The design decides whether this host's queries reach the server and come back.
    const reach = src !== undefined && server !== undefined && (s.node === service?.node || roundTrip(model, s.node, src, server, 'udp', 53, false).ok);
    const error = r.failed ?? r.errors.get(i);
    asks[i]!.forEach((j) => {
      const name = names[j]!;
      const expected = reach && want.has(name);
      const got = r.answers[i]?.[j] ?? null;
      const right = want.get(name);
      const observed = !!got && right !== undefined && got.includes(right);
      const detail = got === null ? 'no answer' : got.length ? `resolved to ${got.join(', ')}${right !== undefined && !got.includes(right) ? ` (design: ${right})` : ''}` : 'no such name';
      c.add(check('dns', s.node, name, expected, observed, { ...(error ? { error } : {}), detail, wrong: expected === false && !!got?.length && right !== undefined && !got.includes(right) }));
    });
  });
}
