// Provenance refs: the stable strings a plan object uses to name the design elements it
// realises (docs/architecture.md). One constructor per element kind, and the set of every
// ref a design has, so tests and `plan` can check that no object points at nothing.
import type { Design } from '../model/types.js';
import { isRouted, isSwitching, routingOf } from '../model/types.js';
import { bgpRef, neighborRef, ospfRef } from '../semantics/routing-spec.js';
import type { Ref } from './types.js';

export const nodeRef = (n: string): Ref => `node:${n}`;
export const ifaceRef = (n: string, i: string): Ref => `iface:${n}/${i}`;
export const linkRef = (index: number): Ref => `link:${index}`;
export const portRef = (n: string, p: string): Ref => `port:${n}/${p}`;
export const sviRef = (n: string, vid: number): Ref => `svi:${n}/${vid}`;
export const routeRef = (n: string, i: number): Ref => `route:${n}/${i}`;
export const gatewayRef = (n: string): Ref => `gateway:${n}`;
export const masqueradeRef = (n: string, i: number): Ref => `masquerade:${n}/${i}`;
export const snatRef = (n: string, i: number): Ref => `snat:${n}/${i}`;
export const forwardRef = (n: string, i: number): Ref => `forward:${n}/${i}`;
export const redirectRef = (n: string, i: number): Ref => `redirect:${n}/${i}`;
export const domainRef = (id: number): Ref => `domain:${id}`;
/** A node's service (services: list) and exec command, by index. */
export const serviceRef = (n: string, i: number): Ref => `service:${n}/${i}`;
export const execRef = (n: string, i: number): Ref => `exec:${n}/${i}`;

/**
 * The ref of a link end: an interface for nodes with an IP stack (a routed port of an L3
 * switch included), a switch port otherwise.
 */
export function endRef(d: { nodes: Map<string, Design['nodes'][number]> }, node: string, port: string): Ref {
  const n = d.nodes.get(node);
  if (n && isSwitching(n) && !(isRouted(n) && n.interfaces.some((i) => i.name === port))) return portRef(node, port);
  return ifaceRef(node, port);
}

/** Every ref the design has, in document order (domains excluded: they come from semantics). */
export function designRefs(d: Design): Ref[] {
  const out: Ref[] = [];
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  for (const n of d.nodes) {
    out.push(nodeRef(n.name));
    if (isRouted(n)) {
      for (const i of n.interfaces) out.push(ifaceRef(n.name, i.name));
      if (n.gateway !== undefined) out.push(gatewayRef(n.name));
      n.routes.forEach((_, i) => out.push(routeRef(n.name, i)));
    }
    if (n.kind === 'l3-switch') for (const s of n.svis) out.push(sviRef(n.name, s.vlan));
    const routing = routingOf(n);
    if (routing?.ospf) out.push(ospfRef(n.name));
    if (routing?.bgp) {
      out.push(bgpRef(n.name));
      routing.bgp.neighbors.forEach((nb) => out.push(neighborRef(n.name, nb.index)));
    }
    if (n.kind === 'router') {
      n.nat.masquerade.forEach((_, i) => out.push(masqueradeRef(n.name, i)));
      n.nat.snat.forEach((_, i) => out.push(snatRef(n.name, i)));
      n.nat.portForwards.forEach((_, i) => out.push(forwardRef(n.name, i)));
      n.nat.redirects.forEach((_, i) => out.push(redirectRef(n.name, i)));
    }
    if (isRouted(n)) for (const s of n.services ?? []) out.push(serviceRef(n.name, s.index));
    if (isRouted(n)) n.exec?.forEach((_, i) => out.push(execRef(n.name, i)));
    if (isRouted(n) && n.firewall) out.push(`firewall:${n.name}/policy`, ...n.firewall.rules.map((r) => `firewall:${n.name}/${r.path.at(-1)}`));
  }
  for (const l of d.links) {
    out.push(linkRef(l.index));
    for (const e of l.ends) {
      const r = endRef({ nodes: byName }, e.node, e.port);
      if (r.startsWith('port:')) out.push(r);
    }
  }
  return out;
}
