// Incremental `up`: which namespaces of a running lab must be rebuilt for a new plan. A
// namespace is kept when every object touching it is unchanged; otherwise it is deleted and
// rebuilt, and the links it shared with kept namespaces are re-created (the kernel deleted
// them with it) and those neighbours' idempotent settings re-applied.
import type { Plan, PlanObject } from '../plan/types.js';
import { isLink, linkNamespaces, namespacesOf, type Scope } from '../render/scope.js';
import { pushTo } from '../collections.js';

export interface Rebuild {
  scope: Scope;
  /** Namespaces of the running lab to delete first (rebuilt or gone from the plan). */
  remove: string[];
}

/** Namespace(s) an object belongs to; [] for host-level objects (OVS bridges, root-only veths). */
function touches(o: PlanObject, rootPeer: Map<string, string>): string[] {
  switch (o.kind) {
    case 'netns':
      return [o.name];
    case 'hosts':
      return []; // rewritten on every up; a changed address elsewhere must not rebuild everything
    case 'daemon':
      return []; // a changed daemon is restarted (drift 'different daemon'), its namespace kept
    case 'veth':
    case 'macvlan':
      return linkNamespaces(o).filter((n): n is string => n !== null);
    case 'ovs-bridge':
      return [];
    case 'ovs-port': {
      const ns = rootPeer.get(o.name);
      return ns ? [ns] : [];
    }
    default:
      return o.namespace === null ? [] : [o.namespace];
  }
}

function signatures(plan: Plan): { perNs: Map<string, string>; host: string } {
  const rootPeer = new Map<string, string>();
  for (const o of plan.objects) {
    if (o.kind !== 'veth') continue;
    if (o.a.namespace === null && o.b.namespace !== null) rootPeer.set(o.a.name, o.b.namespace);
    if (o.b.namespace === null && o.a.namespace !== null) rootPeer.set(o.b.name, o.a.namespace);
  }
  const perNs = new Map<string, string[]>();
  const host: string[] = [];
  for (const o of plan.objects) {
    const json = JSON.stringify(o);
    const nss = touches(o, rootPeer);
    if (!nss.length && o.kind !== 'hosts' && o.kind !== 'daemon') host.push(json);
    for (const ns of nss) pushTo(perNs, ns, json);
  }
  return { perNs: new Map([...perNs].map(([k, v]) => [k, v.join('\n')])), host: host.join('\n') };
}

export const samePlan = (a: Plan, b: Plan): boolean => JSON.stringify(a) === JSON.stringify(b);

/** undefined: host-level objects changed (OVS bridges, root-only links): rebuild everything. */
/** `broken`: namespaces to rebuild even if unchanged (found missing on the host). */
export function rebuildScope(prev: Plan, next: Plan, broken: string[] = []): Rebuild | undefined {
  const a = signatures(prev);
  const b = signatures(next);
  if (a.host !== b.host || prev.lab !== next.lab) return undefined;
  const nextNs = namespacesOf(next);
  const rebuild = new Set(nextNs.filter((ns) => a.perNs.get(ns) !== b.perNs.get(ns) || broken.includes(ns)));
  const links = next.objects.filter(isLink);
  // A kept neighbour whose VLAN device sits on a re-created link loses that device too; such
  // neighbours are rebuilt as well (until nothing changes).
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of links) {
      const nss = linkNamespaces(l).filter((n): n is string => n !== null);
      if (!nss.some((n) => rebuild.has(n))) continue;
      for (const n of nss) {
        if (rebuild.has(n)) continue;
        const ends = l.kind === 'veth' ? [l.a, l.b].filter((e) => e.namespace === n).map((e) => e.name) : [l.parent.namespace === n ? l.parent.name : l.name];
        if (next.objects.some((o) => o.kind === 'vlan' && o.namespace === n && ends.includes(o.parent))) {
          rebuild.add(n);
          grew = true;
        }
      }
    }
  }
  const relinks = links.filter((l) => linkNamespaces(l).some((n) => n !== null && rebuild.has(n)));
  const settle = new Set(rebuild);
  for (const l of relinks) for (const n of linkNamespaces(l)) if (n !== null) settle.add(n);
  const prevNs = namespacesOf(prev);
  const remove = prevNs.filter((ns) => rebuild.has(ns) || !nextNs.includes(ns));
  const ovs = next.objects.some((o) => o.kind === 'ovs-bridge');
  return { scope: { create: rebuild, settle, links: relinks, ovs }, remove };
}
