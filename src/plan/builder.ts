// Collects the objects, choices, deviations and endpoints of one compile, hands out names
// that are unique per namespace, and returns them in a dependency-friendly order.
import type { Capabilities, Choice, Deviation, EndpointLocation, Netns, Plan, PlanObject } from './types.js';
import type { Strategy } from '../model/limits.js';
import { rootDevName } from './names.js';

/** Creation order: a kind only depends on kinds before it (a VLAN device on a veth end, a macvlan on a VLAN device). */
const KIND_ORDER: PlanObject['kind'][] = ['netns', 'bridge', 'ovs-bridge', 'veth', 'vlan', 'tap', 'macvlan', 'tunnel', 'bridge-port', 'ovs-port', 'address', 'route', 'sysctl', 'nft', 'hosts'];
const RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

const nsKey = (ns: Netns): string => ns ?? '';

export class PlanBuilder {
  private readonly objects: PlanObject[] = [];
  private readonly choices: Choice[] = [];
  private readonly deviations: Deviation[] = [];
  private readonly endpoints: EndpointLocation[] = [];
  /** Names taken (or reserved for design names placed later) per namespace. */
  private readonly names = new Map<string, Set<string>>();
  private readonly counters = new Map<string, number>();
  private rootCounter = 0;

  constructor(
    readonly lab: string,
    readonly labId: string,
  ) {}

  add<T extends PlanObject>(o: T): T {
    this.objects.push(o);
    return o;
  }

  /** The objects added so far, for passes over the whole plan before it is finished. */
  get added(): readonly PlanObject[] {
    return this.objects;
  }

  /** Mark a design name as used in a namespace so generated names keep clear of it. */
  claim(ns: Netns, name: string): string {
    this.taken(ns).add(name);
    return name;
  }

  /** Whether a name is taken (or reserved) in a namespace. */
  has(ns: Netns, name: string): boolean {
    return this.taken(ns).has(name);
  }

  /** `<prefix><n>` with the lowest n not yet taken in this namespace (libvirt's vnet0, vnet1, ...). */
  fresh(ns: Netns, prefix: string): string {
    const key = `${nsKey(ns)}|${prefix}`;
    let n = this.counters.get(key) ?? 0;
    const taken = this.taken(ns);
    while (taken.has(`${prefix}${n}`)) n++;
    this.counters.set(key, n + 1);
    return this.claim(ns, `${prefix}${n}`);
  }

  /** A root-namespace device or OVS bridge name, unique in the lab and at most 15 characters. */
  rootName(): string {
    return this.claim(null, rootDevName(this.labId, this.rootCounter++));
  }

  choose(feature: string, chosen: string, why: string): void {
    if (!this.choices.some((c) => c.feature === feature && c.chosen === chosen)) this.choices.push({ feature, chosen, why });
  }

  deviate(d: Deviation): void {
    this.deviations.push(d);
  }

  endpoint(e: EndpointLocation): void {
    this.endpoints.push(e);
  }

  finish(strategy: Strategy, capabilities: Capabilities): Plan {
    // Array.prototype.sort is stable: within a kind, objects keep the order they were made in.
    const objects = [...this.objects].sort((a, b) => RANK.get(a.kind)! - RANK.get(b.kind)!);
    return {
      lab: this.lab,
      labId: this.labId,
      strategy,
      capabilities,
      choices: this.choices,
      objects,
      deviations: this.deviations,
      endpoints: this.endpoints,
    };
  }

  private taken(ns: Netns): Set<string> {
    let s = this.names.get(nsKey(ns));
    if (!s) this.names.set(nsKey(ns), (s = new Set()));
    return s;
  }
}
