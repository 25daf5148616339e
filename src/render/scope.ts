// Which part of a plan to realise: everything (a fresh `up`), or the namespaces and links an
// incremental `up` rebuilds. Render reads a Scope; src/apply/diff.ts computes one.
import type { MacvlanObj, Plan, PlanObject, VethObj } from '../plan/types.js';

export type LinkObj = VethObj | MacvlanObj;

export interface Scope {
  /** Namespaces created from scratch (netns add, marker, bridges, TAPs, VLAN devices). */
  create: Set<string>;
  /** Namespaces whose idempotent settings are (re)applied: master, up, addresses, routes, sysctl, nft. */
  settle: Set<string>;
  /** veth pairs and macvlan children to create. */
  links: LinkObj[];
  /** Re-run the Open vSwitch transactions (idempotent). */
  ovs: boolean;
  /** Create the root-namespace devices that are not links (TAPs for guests on OVS): fresh labs only. */
  rootDevices?: boolean;
}

export const isLink = (o: PlanObject): o is LinkObj => o.kind === 'veth' || o.kind === 'macvlan';

export function namespacesOf(plan: Plan): string[] {
  return plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : []));
}

export function fullScope(plan: Plan): Scope {
  const all = new Set(namespacesOf(plan));
  return { create: all, settle: new Set(all), links: plan.objects.filter(isLink), ovs: true, rootDevices: true };
}

/** The namespaces a link touches (null = root namespace). */
export function linkNamespaces(l: LinkObj): (string | null)[] {
  return l.kind === 'veth' ? [l.a.namespace, l.b.namespace] : [l.namespace, l.parent.namespace];
}
