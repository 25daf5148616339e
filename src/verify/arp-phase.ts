// ARP adjacency, with the answering MAC as proof of identity: an ARP request from the source
// interface for the target's address (an RFC 5227 probe, sender 0.0.0.0, so nobody learns a
// neighbour from it) must be answered by the target interface's own MAC and by no MAC of another
// namespace. Linux answers for any of its addresses on any interface, so "someone answered" is
// not yet "the target is adjacent"; two answers mean a duplicate address.
import { L2_TUNNELS } from '../model/limits.js';
import { netnsFile } from '../exec/netns.js';
import { check, type Live, type PhaseContext } from './checks.js';
import { FIRST, PATIENT, probeArps } from './prober.js';

export async function arpPhase(c: PhaseContext): Promise<void> {
  const sources = c.live.map((l) => ({ netns: netnsFile(l.loc.namespace), dev: l.loc.dev }));
  // IP tunnel ends (gre, ipip, wireguard, tun) have no link layer: nobody sends or answers ARP
  // there (a frame written into a TUN tunnel even stops its socat), so they are not probed.
  const noArp = new Set(c.plan.objects.flatMap((o) => (o.kind === 'tunnel' && !L2_TUNNELS.includes(o.type) ? [`${o.namespace}|${o.name}`] : [])));
  const arpless = (l: Live): boolean => noArp.has(`${l.loc.namespace}|${l.loc.dev}`);
  c.live.forEach((a, i) => c.probe[i]!.forEach((b) => (arpless(a) || arpless(b)) && b.loc.namespace !== a.loc.namespace && c.skip({ kind: 'arp', from: a.ep.name, to: b.ep.name, why: 'an IP tunnel (gre, ipip, wireguard, tun) has no link layer and no ARP' })));
  // Targets in the source's own namespace are not asked: a namespace does not hear itself.
  const others = c.live.map((a, i) => (arpless(a) ? [] : c.probe[i]!.filter((b) => b.loc.namespace !== a.loc.namespace && !arpless(b))));
  const answers = others.map((ts) => ts.map(() => new Set<string>()));
  const errors = new Map<number, string>();
  let failed: string | undefined;
  let links: (Map<string, string> | undefined)[] = [];
  const run = async (targets: number[][], intervalUs: number, patient: boolean): Promise<void> => {
    const n = targets.reduce((s, ts) => s + ts.length, 0);
    if (!n) return;
    c.progress(`arp: ${n.toLocaleString('en')} probes${patient ? ' (second chance)' : ''}`);
    const r = await probeArps(c.runner, { sources, targets: targets.map((ks, i) => ks.map((k) => others[i]![k]!.src)), links: links.length ? [] : c.spaces.map(netnsFile) }, { intervalUs, sendCostUs: c.floodCostUs, ...(patient ? PATIENT : FIRST) });
    if (r.failed) failed ??= r.failed;
    if (!links.length) links = r.links;
    for (const [k, v] of r.errors) errors.set(k, v);
    targets.forEach((ks, i) => ks.forEach((k, j) => r.answers[i]?.[j]?.forEach((m) => answers[i]![k]!.add(m))));
  };
  const spaceOf = new Map(c.spaces.map((s, i) => [s, i]));
  const macOf = (b: Live): string | undefined => links[spaceOf.get(b.loc.namespace)!]?.get(b.loc.dev) || undefined;
  // Who owns each MAC (a passthru macvlan child shares its parent's: both namespaces).
  const owners = (): Map<string, Set<string>> => {
    const m = new Map<string, Set<string>>();
    links.forEach((l, k) => l?.forEach((mac) => mac && m.set(mac, (m.get(mac) ?? new Set()).add(c.spaces[k]!))));
    return m;
  };
  const heard = (i: number, k: number): boolean => {
    const mac = macOf(others[i]![k]!);
    return !!mac && answers[i]![k]!.has(mac);
  };
  const all = others.map((ts) => ts.map((_, k) => k));
  const doubt = await c.twoPasses(
    'ARP',
    () => run(all, c.floodUs, false),
    (intervalUs) => run(others.map((ts, i) => (errors.has(i) ? [] : ts.flatMap((b, k) => (!heard(i, k) && c.cmp.expected(c.live[i]!.ep.ref, b.ep.ref).l2 ? [k] : [])))), intervalUs, true),
  );
  const own = owners();
  // A MAC on several interfaces of one device (an L3 switch's SVIs often share one) names none
  // of them: Linux answers ARP for each local address on whichever interface the request came
  // in, so an answer with b's MAC may come from b's neighbour in a's domain, not from b.
  const sharing = new Map<string, Live[]>();
  for (const b of c.live) {
    const m = macOf(b);
    if (m) sharing.set(`${b.loc.namespace} ${m}`, [...(sharing.get(`${b.loc.namespace} ${m}`) ?? []), b]);
  }
  c.live.forEach((a, i) =>
    others[i]!.forEach((b, k) => {
      const twin = c.cmp.expected(a.ep.ref, b.ep.ref).l2 ? undefined : sharing.get(`${b.loc.namespace} ${macOf(b)}`)?.find((x) => x !== b && c.cmp.expected(a.ep.ref, x.ep.ref).l2);
      if (twin) {
        c.skip({ kind: 'arp', from: a.ep.name, to: b.ep.name, why: `an ARP answer cannot tell ${b.ep.name} from ${twin.ep.name}, which shares its MAC and is in the prober's broadcast domain` });
        return;
      }
      const space = spaceOf.get(b.loc.namespace)!;
      const error = failed ?? errors.get(i) ?? (links[space] === undefined ? `cannot read the devices of ${b.loc.namespace}` : undefined);
      const mac = macOf(b);
      const foreign = [...answers[i]![k]!].filter((m) => !own.get(m)?.has(b.loc.namespace));
      const who = foreign.map((m) => `${[...(own.get(m) ?? [])].map((ns) => c.nodeOf(ns)).join('/') || 'an unknown device'} (${m})`);
      const observed = heard(i, k);
      let detail: string | undefined;
      if (foreign.length) detail = `${b.src} is also answered by ${who.join(', ')}`;
      else if (!mac && !error) detail = `${b.loc.namespace} has no device ${b.loc.dev}`;
      const want = c.cmp.expected(a.ep.ref, b.ep.ref).l2;
      c.add(check('arp', a.ep.name, b.ep.name, want, observed && !foreign.length, { ...(error ? { error } : {}), ...(detail ? { detail } : {}), doubt }));
    }),
  );
}
