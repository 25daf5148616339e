// The plan's objects grouped by the namespace they live in (null = the root namespace), built
// once per render: looking them up per namespace by scanning the whole plan made rendering a
// 5,000-host lab quadratic.
import type { Netns, Plan, PlanObject } from '../plan/types.js';

export type NsIndex = Map<Netns, PlanObject[]>;

export function indexByNamespace(plan: Plan): NsIndex {
  const idx: NsIndex = new Map();
  const put = (ns: Netns, o: PlanObject): void => {
    const list = idx.get(ns);
    if (list) list.push(o);
    else idx.set(ns, [o]);
  };
  for (const o of plan.objects) {
    if (o.kind === 'veth') {
      put(o.a.namespace, o);
      if (o.b.namespace !== o.a.namespace) put(o.b.namespace, o);
    } else if (o.kind === 'netns') put(o.name, o);
    else if ('namespace' in o) put(o.namespace, o);
  }
  return idx;
}

/** Objects of one kind in one namespace, in plan order. */
export function inNs<K extends PlanObject['kind']>(idx: NsIndex, ns: Netns, kind: K): Extract<PlanObject, { kind: K }>[] {
  return (idx.get(ns) ?? []).filter((o): o is Extract<PlanObject, { kind: K }> => o.kind === kind);
}

export interface Device {
  name: string;
  master?: string;
  mac?: string;
}

/** Devices living in namespace ns that are brought up (bridges excluded), with their bridge master if any. */
export function devicesIn(idx: NsIndex, ns: Netns): Device[] {
  const out: Device[] = [];
  for (const o of idx.get(ns) ?? []) {
    if (o.kind === 'veth') for (const e of [o.a, o.b]) if (e.namespace === ns) out.push(e.master ? { name: e.name, master: e.master } : { name: e.name });
    if (o.kind === 'tap') out.push({ name: o.name, ...(o.master ? { master: o.master } : {}), ...(o.mac ? { mac: o.mac } : {}) });
    if (o.kind === 'vlan') out.push(o.master ? { name: o.name, master: o.master } : { name: o.name });
    if (o.kind === 'macvlan') out.push({ name: o.name });
    if (o.kind === 'tunnel') out.push({ name: o.name, ...(o.master ? { master: o.master } : {}), ...(o.mac ? { mac: o.mac } : {}) });
  }
  return out;
}
