// Layer 2 of a plan: which Linux interfaces hear each other's frames. A graph whose vertices are
// "wires" (namespace, device, 802.1Q tag) and whose edges are the objects that carry frames:
// veth pairs, Linux bridges (flooding every tag, or per VLAN with vlan_filtering), 8021q
// devices, Open vSwitch ports (access tag, trunks, native VLAN). macvlan children are not
// vertices: whether two of them (or a child and its parent) hear each other depends on the
// mode and on reflective relay (hairpin) at the parent's upstream port, which is not transitive.
import type { Netns, Plan, Ref } from '../plan/types.js';
import { fromParent, siblings, toParent } from './macvlan-modes.js';
import type { L2Step, L2View, NetIface } from './net-model.js';

interface Edge {
  to: string;
  what: string;
  realizes: Ref[];
}

interface MacInfo {
  parent: string;
  parentName: string;
  mode: string;
  realizes: Ref[];
}

const nsOf = (ns: Netns) => ns ?? '';
const wire = (ns: Netns, dev: string, tag = 0) => `${nsOf(ns)}|${dev}|${tag}`;
const devName = (ns: Netns, dev: string) => (ns ? `${dev}@${ns}` : dev);

export class PlanL2 implements L2View {
  private readonly adj = new Map<string, Edge[]>();
  private readonly comp = new Map<string, number>();
  private readonly mac = new Map<string, MacInfo>();
  private readonly parents = new Set<string>();
  /** Upstream ports with reflective relay, by the wire of the device plugged into them. */
  private readonly hairpinUpstream = new Map<string, string>();
  /**
   * Learning switches whose uplink is a hairpin port: every frame they flood comes straight
   * back, so they learn their own hosts' MACs on the uplink and drop the unicast answers.
   * Per such uplink: the wires on the switch's side, and a name for messages.
   */
  private readonly poisoned: { inside: Set<string>; what: string }[] = [];
  private readonly bridgeDevs = new Set<string>();

  constructor(plan: Plan) {
    const tags = new Set<number>([0]);
    for (const o of plan.objects) {
      if (o.kind === 'ovs-port') [o.tag ?? 0, ...(o.trunks ?? [])].forEach((t) => tags.add(t));
      if (o.kind === 'vlan') tags.add(o.vid);
      if (o.kind === 'bridge-port') (o.vlans ?? []).forEach((v) => tags.add(v.vid));
    }
    const link = (a: string, b: string, what: string, realizes: Ref[]) => {
      this.edges(a).push({ to: b, what, realizes });
      this.edges(b).push({ to: a, what, realizes });
    };
    const bridges = new Map<string, { filtering: boolean; realizes: Ref[] }>();
    const bports = new Map<string, (typeof plan.objects)[number] & { kind: 'bridge-port' }>();
    const ovsPorts = new Map<string, (typeof plan.objects)[number] & { kind: 'ovs-port' }>();
    const peers = new Map<string, { ns: Netns; name: string }>();
    for (const o of plan.objects) {
      if (o.kind === 'bridge') bridges.set(`${nsOf(o.namespace)}|${o.name}`, { filtering: !!o.vlanFiltering, realizes: o.realizes });
      if (o.kind === 'bridge-port') bports.set(`${nsOf(o.namespace)}|${o.dev}`, o);
      if (o.kind === 'ovs-port') ovsPorts.set(o.name, o);
    }
    // Hub vertex of a bridge for one VLAN: the bridge device itself when it floods every tag.
    const hub = (ns: Netns, br: string, t: number) => (bridges.get(`${nsOf(ns)}|${br}`)?.filtering ? `${nsOf(ns)}|${br}#${t}` : wire(ns, br, t));
    const enslave = (ns: Netns, dev: string, br: string, realizes: Ref[]) => {
      const b = bridges.get(`${nsOf(ns)}|${br}`);
      const what = `bridge ${devName(ns, br)} port ${dev}`;
      const rz = [...realizes, ...(bports.get(`${nsOf(ns)}|${dev}`)?.realizes ?? [])];
      if (!b?.filtering) {
        for (const t of tags) link(wire(ns, dev, t), wire(ns, br, t), what, rz);
        return;
      }
      for (const v of bports.get(`${nsOf(ns)}|${dev}`)?.vlans ?? [])
        link(v.pvid && v.untagged ? wire(ns, dev, 0) : wire(ns, dev, v.vid), hub(ns, br, v.vid), `${what} (VLAN ${v.vid}${v.pvid ? ' untagged' : ''})`, rz);
    };
    const ovsAttach = (dev: string, bridge: string, realizes: Ref[]) => {
      const p = ovsPorts.get(dev);
      const what = (s: string) => `ovs bridge ${bridge} port ${dev}${s}`;
      const rz = [...realizes, ...(p?.realizes ?? [])];
      const ovsHub = (t: number) => `ovs|${bridge}#${t}`;
      if (!p || (p.tag === undefined && !p.trunks?.length)) {
        for (const t of tags) link(wire(null, dev, t), ovsHub(t), what(''), rz);
        return;
      }
      if (p.tag !== undefined) link(wire(null, dev, 0), ovsHub(p.tag), what(` (tag ${p.tag})`), rz);
      if (p.vlanMode !== 'access') for (const v of p.trunks ?? []) link(wire(null, dev, v), ovsHub(v), what(` (trunk ${v})`), rz);
    };
    for (const o of plan.objects) {
      if (o.kind === 'veth') {
        for (const t of tags) link(wire(o.a.namespace, o.a.name, t), wire(o.b.namespace, o.b.name, t), `veth ${devName(o.a.namespace, o.a.name)} <-> ${devName(o.b.namespace, o.b.name)}`, o.realizes);
        peers.set(wire(o.a.namespace, o.a.name), { ns: o.b.namespace, name: o.b.name });
        peers.set(wire(o.b.namespace, o.b.name), { ns: o.a.namespace, name: o.a.name });
        for (const e of [o.a, o.b]) {
          if (e.master) enslave(e.namespace, e.name, e.master, o.realizes);
          if (e.ovsBridge) ovsAttach(e.name, e.ovsBridge, o.realizes);
        }
      } else if (o.kind === 'tunnel') {
        // Both ends are objects; the pair is one wire (planModel has left out the uncarried ones).
        if (`${nsOf(o.namespace)}|${o.name}` < `${nsOf(o.peer.namespace)}|${o.peer.name}`)
          for (const t of tags) link(wire(o.namespace, o.name, t), wire(o.peer.namespace, o.peer.name, t), `${o.type} tunnel ${devName(o.namespace, o.name)} <-> ${devName(o.peer.namespace, o.peer.name)} (over ${o.local} -> ${o.remote})`, o.realizes);
        if (o.master) enslave(o.namespace, o.name, o.master, o.realizes);
      } else if (o.kind === 'tap' && o.master) enslave(o.namespace, o.name, o.master, o.realizes);
      else if (o.kind === 'vlan') {
        link(wire(o.namespace, o.name), wire(o.namespace, o.parent, o.vid), `8021q ${devName(o.namespace, o.name)} on ${o.parent} (tag ${o.vid})`, o.realizes);
        if (o.master) enslave(o.namespace, o.name, o.master, o.realizes);
      } else if (o.kind === 'bridge-port' && o.self && bridges.get(`${nsOf(o.namespace)}|${o.dev}`)?.filtering) {
        for (const v of o.vlans ?? []) link(v.pvid && v.untagged ? wire(o.namespace, o.dev, 0) : wire(o.namespace, o.dev, v.vid), hub(o.namespace, o.dev, v.vid), `bridge ${devName(o.namespace, o.dev)} itself in VLAN ${v.vid}`, o.realizes);
      } else if (o.kind === 'macvlan') {
        const parent = wire(o.parent.namespace, o.parent.name);
        this.mac.set(wire(o.namespace, o.name), { parent, parentName: devName(o.parent.namespace, o.parent.name), mode: o.mode, realizes: o.realizes });
        this.parents.add(parent);
      }
    }
    // Reflective relay: the port at the other end of a macvlan parent's cable sends frames back,
    // tagged ones too: a parent that is an 8021q device (<nic>.<vid>) hears its VLAN's share.
    const vlanLower = new Map<string, string>();
    for (const o of plan.objects) if (o.kind === 'vlan') vlanLower.set(wire(o.namespace, o.name), wire(o.namespace, o.parent));
    for (const p of this.parents) {
      let lower = p;
      while (vlanLower.has(lower)) lower = vlanLower.get(lower)!;
      const [ns, name] = lower.split('|') as [string, string];
      const peer = peers.get(wire(ns || null, name));
      if (!peer) continue;
      const bp = bports.get(`${nsOf(peer.ns)}|${peer.name}`);
      const op = peer.ns === null ? ovsPorts.get(peer.name) : undefined;
      if (bp?.hairpin || op?.hairpin) this.hairpinUpstream.set(p, devName(peer.ns, peer.name));
    }
    let id = 0;
    for (const v of this.adj.keys()) if (!this.comp.has(v)) this.flood(v, ++id);
    for (const k of bridges.keys()) this.bridgeDevs.add(k);
    const hairpinPorts = [
      ...plan.objects.flatMap((o) => (o.kind === 'bridge-port' && o.hairpin ? [{ ns: o.namespace, name: o.dev }] : [])),
      ...plan.objects.flatMap((o) => (o.kind === 'ovs-port' && o.hairpin ? [{ ns: null, name: o.name }] : [])),
    ];
    for (const h of hairpinPorts) {
      const p = peers.get(wire(h.ns, h.name));
      if (!p) continue;
      const end = plan.objects.flatMap((o) => (o.kind === 'veth' ? [o.a, o.b] : [])).find((e) => e.namespace === p.ns && e.name === p.name);
      const vlanOnTop = plan.objects.some((o) => o.kind === 'vlan' && o.namespace === p.ns && o.parent === p.name && o.master);
      if (!end?.master && !end?.ovsBridge && !vlanOnTop) continue; // a macvlan parent (VEPA) is what hairpin is for
      const outside = new Set([...tags].map((t) => wire(h.ns, h.name, t)));
      const inside = new Set<string>();
      const stack = [...tags].map((t) => wire(p.ns, p.name, t));
      stack.forEach((w) => inside.add(w));
      while (stack.length) for (const e of this.adj.get(stack.pop()!) ?? []) if (!outside.has(e.to) && !inside.has(e.to)) (inside.add(e.to), stack.push(e.to));
      // A Linux bridge's own device keeps its MAC in a permanent local entry: it is immune.
      for (const w of [...inside]) if (bridges.has(w.split('|').slice(0, 2).join('|'))) inside.delete(w);
      this.poisoned.push({ inside, what: `${devName(p.ns, p.name)} is a learning switch port behind hairpin port ${devName(h.ns, h.name)}` });
    }
  }

  /**
   * Pairs whose answer depends on the order of traffic (neighbour caches, MAC learning): across
   * a poisoned uplink a ping may work when the far side spoke first. Probes skip them.
   */
  unstable(a: NetIface, b: NetIface): string | undefined {
    const wa = this.mac.get(this.key(a))?.parent ?? this.key(a);
    const wb = this.mac.get(this.key(b))?.parent ?? this.key(b);
    if (this.compOf(wa) !== this.compOf(wb)) return undefined;
    // A private child cannot ARP its parent, but answers the parent's ARP: once the parent
    // has spoken, the child knows its MAC and unicast works both ways through the hairpin.
    const ma = this.mac.get(this.key(a));
    const mb = this.mac.get(this.key(b));
    const priv = [ma?.parent === this.key(b) ? ma : undefined, mb?.parent === this.key(a) ? mb : undefined].find((m) => m?.mode === 'private' && this.hairpinUpstream.has(m.parent));
    if (priv) return `private macvlan child of ${priv.parentName} reaches its parent only after the parent spoke first`;
    return this.poisoned.find((u) => u.inside.has(wa) || u.inside.has(wb))?.what;
  }

  private edges(v: string): Edge[] {
    let e = this.adj.get(v);
    if (!e) this.adj.set(v, (e = []));
    return e;
  }

  private flood(start: string, id: number): void {
    const stack = [start];
    this.comp.set(start, id);
    while (stack.length) for (const e of this.adj.get(stack.pop()!) ?? []) if (!this.comp.has(e.to)) (this.comp.set(e.to, id), stack.push(e.to));
  }

  private key(i: NetIface): string {
    return ifaceWire(i);
  }

  private compOf(w: string): string {
    const c = this.comp.get(w);
    return c === undefined ? `alone:${w}` : `c${c}`;
  }

  adjacent(a: NetIface, b: NetIface): boolean {
    const wa = this.key(a);
    const wb = this.key(b);
    const ma = this.mac.get(wa);
    const mb = this.mac.get(wb);
    if (ma && mb && ma.parent === mb.parent) return siblings(ma.mode, mb.mode, this.hairpinUpstream.has(ma.parent));
    if (ma && ma.parent === wb) return toParent(ma.mode, this.hairpinUpstream.has(wb));
    if (mb && mb.parent === wa) return fromParent(mb.mode, this.hairpinUpstream.has(wa));
    const pa = ma?.parent ?? wa;
    const pb = mb?.parent ?? wb;
    // An ARP request from inside a poisoned switch is answered, but the answer is dropped
    // (unless it comes from the switch's own stack, whose MAC the switch never relearns).
    if (this.compOf(pa) !== this.compOf(pb)) return false;
    const u = this.poisoned.find((x) => x.inside.has(pa));
    return !u || this.isBridgeDev(pb);
  }

  private isBridgeDev(w: string): boolean {
    return this.bridgeDevs.has(w.split('|').slice(0, 2).join('|'));
  }

  classKey(a: NetIface): string {
    const w = this.key(a);
    const m = this.mac.get(w);
    if (m) return `m:${m.parent}:${m.mode}${this.poisoned.map((u, k) => (u.inside.has(m.parent) ? `:in${k}` : '')).join('')}`;
    if (this.parents.has(w)) return `p:${w}`;
    const marks = this.poisoned.map((u, k) => (u.inside.has(w) ? `:in${k}` : '')).join('');
    // A bridge's own device answers even poisoned neighbours (adjacent() above).
    const own = this.poisoned.length && this.isBridgeDev(w) ? `:dev:${w}` : '';
    return this.compOf(w) + marks + own;
  }

  segmentName(a: NetIface): string {
    const w = this.key(a);
    const m = this.mac.get(w);
    if (m) return `macvlan ${m.mode} child of ${m.parentName}`;
    return this.comp.has(w) ? `L2 segment ${this.compOf(w)}` : 'connected to nothing';
  }

  path(a: NetIface, b: NetIface): L2Step[] {
    const wa = this.key(a);
    const wb = this.key(b);
    const ma = this.mac.get(wa);
    const mb = this.mac.get(wb);
    const steps: L2Step[] = [];
    let from = wa;
    let to = wb;
    if (ma && mb && ma.parent === mb.parent) {
      if (ma.mode === 'bridge' && mb.mode === 'bridge') return [{ what: `macvlan bridge mode: ${ma.parentName} switches ${a.dev} -> ${b.dev} inside the kernel`, realizes: [...ma.realizes, ...mb.realizes] }];
      const up = this.hairpinUpstream.get(ma.parent)!;
      return [
        { what: `macvlan ${ma.mode} ${a.dev}: out through parent ${ma.parentName}`, realizes: ma.realizes },
        { what: `upstream port ${up} reflects the frame (hairpin) back to ${ma.parentName}`, realizes: [] },
        { what: `macvlan ${mb.mode} ${b.dev}: in through parent ${mb.parentName}`, realizes: mb.realizes },
      ];
    }
    if (ma) {
      steps.push({ what: `macvlan ${ma.mode} ${a.dev}: out through parent ${ma.parentName}`, realizes: ma.realizes });
      from = ma.parent;
    }
    if (mb) to = mb.parent;
    if (from === to && (ma || mb)) steps.push({ what: `upstream port ${this.hairpinUpstream.get(from)} reflects the frame (hairpin)`, realizes: [] });
    else steps.push(...this.bfs(from, to));
    if (mb) steps.push({ what: `macvlan ${mb.mode} ${b.dev}: in through parent ${mb.parentName}`, realizes: mb.realizes });
    return steps;
  }

  private bfs(from: string, to: string): L2Step[] {
    const prev = new Map<string, { v: string; e: Edge } | null>([[from, null]]);
    const queue = [from];
    for (let k = 0; k < queue.length && !prev.has(to); k++)
      for (const e of this.adj.get(queue[k]!) ?? []) if (!prev.has(e.to)) (prev.set(e.to, { v: queue[k]!, e }), queue.push(e.to));
    const steps: L2Step[] = [];
    for (let v = to; prev.get(v); v = prev.get(v)!.v) steps.unshift({ what: prev.get(v)!.e.what, realizes: prev.get(v)!.e.realizes });
    // Consecutive edges of one object (one per tag) read as one step.
    return steps.filter((s, k) => k === 0 || s.what !== steps[k - 1]!.what);
  }
}

/** A plan model's interfaces carry the wire key of their (namespace, device). */
export interface PlanIface extends NetIface {
  wire: string;
}
export const ifaceWire = (i: NetIface): string => (i as PlanIface).wire ?? wire(i.node, i.dev);
export const wireOf = wire;
