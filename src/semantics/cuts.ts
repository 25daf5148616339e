// Links cut on purpose (`vnetmap link LAB NODE:PORT down`): a state of the lab, not drift. The
// expectation follows the cut, for the design and the twin alike, the way Linux and FRR behave:
//   - the cut end is set down: its addresses stop being local and every route through it goes
//     (the kernel flushes them), so it is an interface without addresses here;
//   - the far end only loses its carrier: its addresses stay (it still answers for them through
//     its other interfaces) and so does its connected route, which leads nowhere now; zebra sees
//     it down, so no routing protocol runs on it;
//   - no frame crosses the link.
import type { Design, Iface, Link } from '../model/types.js';
import type { Plan, PlanObject } from '../plan/types.js';

/** One cut, as the lab's state records it. */
export interface Cut {
  /** The link's ref: "link:3". */
  ref: string;
  /** The end that was set down, "node:port", and the device that realises it. */
  end: string;
  namespace: string | null;
  dev: string;
  /** The other end, when it is a device of its own (a veth's other end). */
  peer?: { namespace: string | null; dev: string };
  /** ISO time it was cut. */
  at: string;
}

const linkIndex = (ref: string): number => Number(ref.replace(/^link:/, ''));

/** The design as the cut lab should behave. */
export function designWithCuts(d: Design, cuts: readonly Cut[]): Design {
  if (!cuts.length) return d;
  const cutLinks = new Map<number, Cut>(cuts.map((c) => [linkIndex(c.ref), c]));
  const downEnds = new Set<string>(); // node/port set down
  const noCarrier = new Set<string>(); // node/port that lost its carrier
  const links: Link[] = [];
  for (const l of d.links) {
    const c = cutLinks.get(l.index);
    if (!c) {
      links.push(l);
      continue;
    }
    for (const e of l.ends) (`${e.node}:${e.port}` === c.end ? downEnds : noCarrier).add(`${e.node}/${e.port}`);
  }
  const nodes = d.nodes.map((n) => {
    if (!('interfaces' in n)) return n;
    const touched = n.interfaces.some((i) => downEnds.has(`${n.name}/${i.name}`) || noCarrier.has(`${n.name}/${i.name}`));
    if (!touched) return n;
    const interfaces: Iface[] = n.interfaces.map((i) => {
      if (downEnds.has(`${n.name}/${i.name}`)) return { ...i, addresses: [], down: true };
      if (noCarrier.has(`${n.name}/${i.name}`)) return { ...i, down: true };
      return i;
    });
    return { ...n, interfaces };
  }) as Design['nodes'];
  return { ...d, nodes, links };
}

/** The plan as the cut twin should behave (the same rules, on the twin's devices). */
export function planWithCuts(plan: Plan, cuts: readonly Cut[]): Plan {
  if (!cuts.length) return plan;
  const down = new Set(cuts.map((c) => `${c.namespace ?? ''}/${c.dev}`));
  const gone = new Set([...down, ...cuts.flatMap((c) => (c.peer ? [`${c.peer.namespace ?? ''}/${c.peer.dev}`] : []))]);
  const at = (ns: string | null, dev: string) => `${ns ?? ''}/${dev}`;
  const objects = plan.objects.flatMap((o): PlanObject[] => {
    if (o.kind === 'veth' && (down.has(at(o.a.namespace, o.a.name)) || down.has(at(o.b.namespace, o.b.name)))) return [];
    if (o.kind === 'tunnel' && down.has(at(o.namespace, o.name))) return [];
    if (o.kind === 'address' && down.has(at(o.namespace, o.dev))) return [];
    if (o.kind === 'route' && o.dev !== undefined && down.has(at(o.namespace, o.dev))) return [];
    if (o.kind === 'routing') {
      const ifaces = o.spec.ospf?.ifaces.filter((i) => !gone.has(at(o.namespace, i.dev)));
      if (!o.spec.ospf || ifaces!.length === o.spec.ospf.ifaces.length) return [o];
      return [{ ...o, spec: { ...o.spec, ospf: { ...o.spec.ospf, ifaces: ifaces! } } }];
    }
    return [o];
  });
  // A tunnel whose own device is set down is gone from both ends.
  const deadTunnels = new Set(plan.objects.flatMap((o) => (o.kind === 'tunnel' && down.has(at(o.namespace, o.name)) ? [at(o.peer.namespace, o.peer.name)] : [])));
  return { ...plan, objects: objects.filter((o) => !(o.kind === 'tunnel' && deadTunnels.has(at(o.namespace, o.name)))), endpoints: plan.endpoints.filter((e) => !down.has(at(e.namespace, e.dev))) };
}
