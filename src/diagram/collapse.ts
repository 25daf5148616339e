// Repeated structures drawn once: a switch with thirty identical hosts becomes one group box
// "30 × host" (h1 … h30) on one cable labelled "× 30", and on the twin the thirty host
// namespaces become one group box, the switch namespace's thirty ports one port box. The group
// keeps its members (DNode.members) and every ref they realise, so hovering still highlights
// counterparts on both sides, the HTML page can expand a group into its members, and SVG,
// Mermaid and Graphviz all draw the same reduced graph. Pure: a graph in, a smaller graph out.
import { allNodes, node, uniq, walk, type DEdge, type DiagramGraph, type DNode } from './graph.js';

/** Fewer identical leaves than this on one hub stay as they are. */
export const MIN_GROUP = 8;
/** `draw --group auto` groups diagrams above this many boxes (the size where layout folds crowds). */
export const AUTO_GROUP_ABOVE = 300;

export type GroupMode = 'auto' | 'always' | 'never';

export function shouldGroup(g: DiagramGraph, mode: GroupMode = 'auto'): boolean {
  return mode === 'always' || (mode === 'auto' && allNodes(g).length > AUTO_GROUP_ABOVE);
}

/** "a … b", or "a" when both are the same. */
export const span = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? undefined : a === b ? a : `${a} … ${b ?? ''}`);

/** What makes two leaves identical here: everything drawn except names, addresses and colour. */
function shapeSig(n: DNode): string {
  return JSON.stringify([...walk([n])].map(({ node: x, parent }) => [x.shape, x.lines.length, x.children.length, parent ? 1 : 0]));
}

export function collapseGraph(g: DiagramGraph, min = MIN_GROUP): DiagramGraph {
  const topOf = new Map<string, string>();
  for (const t of g.nodes) for (const w of walk([t])) topOf.set(w.node.id, t.id);
  const byId = new Map(allNodes(g).map((n) => [n.id, n]));
  const parentOf = new Map<string, string>();
  for (const w of walk(g.nodes)) if (w.parent) parentOf.set(w.node.id, w.parent.id);
  const ext = new Map<string, DEdge[]>(); // top-level node -> its edges leaving it
  const nbrs = new Map<string, Set<string>>();
  for (const e of g.edges) {
    const [a, b] = [topOf.get(e.source)!, topOf.get(e.target)!];
    if (a === b) continue;
    for (const [x, y] of [[a, b], [b, a]] as const) {
      (ext.get(x) ?? ext.set(x, []).get(x)!).push(e);
      (nbrs.get(x) ?? nbrs.set(x, new Set()).get(x)!).add(y);
    }
  }
  const edgesAt = new Map<string, DEdge[]>();
  for (const e of g.edges) for (const end of [e.source, e.target]) (edgesAt.get(end) ?? edgesAt.set(end, []).get(end)!).push(e);

  // Leaves: one cable to one hub (that has other neighbours too), sorted into identical crowds.
  const crowds = new Map<string, DNode[]>();
  for (const n of g.nodes) {
    const ns = nbrs.get(n.id);
    const es = ext.get(n.id) ?? [];
    if (ns?.size !== 1 || es.length !== 1) continue;
    const hub = [...ns][0]!;
    if (nbrs.get(hub)!.size < 2) continue;
    const e = es[0]!;
    const hubEnd = topOf.get(e.source) === hub ? e.source : e.target;
    const inner = [...walk([n])].flatMap((w) => edgesAt.get(w.node.id) ?? []).filter((x) => x !== e).map((x) => x.style);
    // Cable labels without their port name ("p3 · access 10" -> "· access 10"): hosts in
    // different VLANs of one switch are not identical.
    const labels = [e.tail, e.center, e.head].map((t) => t?.replace(/^\S+/, ''));
    const key = JSON.stringify([hub, hubEnd === hub, e.style, labels, shapeSig(n), inner.sort()]);
    (crowds.get(key) ?? crowds.set(key, []).get(key)!).push(n);
  }

  const replaced = new Map<string, string>(); // any node id -> the group node standing for it
  const edgeTo = new Map<string, string>(); // edge id -> the group edge standing for it
  const newEdges: DEdge[] = [];
  for (const members of crowds.values()) {
    if (members.length < min) continue;
    const first = members[0]!;
    const last = members[members.length - 1]!;
    const all = members.flatMap((m) => [...walk([m])].map((w) => w.node));
    const cables = members.map((m) => ext.get(m.id)![0]!);
    const group = node(`group:${first.id}`, 'group', `${members.length} × ${first.shape === 'netns' ? 'namespace' : first.shape}`, {
      lines: uniq([span(first.title, last.title)!, ...(first.lines[0] !== undefined ? [span(first.lines[0], last.lines[0])!] : [])]),
      refs: uniq(all.flatMap((x) => x.refs)),
      objects: uniq(all.flatMap((x) => x.objects)),
      members,
      ...(all.some((x) => x.traced) ? { traced: true } : {}),
    });
    for (const x of all) replaced.set(x.id, group.id);
    byId.set(group.id, group);

    // The hub's ends of the cables: the hub itself, or ports inside its frame. Ports that are
    // each tied to one and the same sibling (a bridge) by one unlabelled line fold into one port box.
    const hubEnds = cables.map((c) => (replaced.get(c.source) === group.id ? c.target : c.source));
    if (new Set(hubEnds).size > 1) {
      const ties = hubEnds.map((p) => (edgesAt.get(p) ?? []).filter((x) => !cables.includes(x)));
      const other = (x: DEdge, p: string) => (x.source === p ? x.target : x.source);
      const sib = ties[0]?.length === 1 ? other(ties[0][0]!, hubEnds[0]!) : undefined;
      const foldable =
        sib !== undefined &&
        hubEnds.every((p) => parentOf.get(p) !== undefined && parentOf.get(p) === parentOf.get(sib) && !byId.get(p)!.children.length) &&
        ties.every((t, i) => t.length === 1 && other(t[0]!, hubEnds[i]!) === sib && !t[0]!.tail && !t[0]!.head && !t[0]!.center);
      if (foldable) {
        const ports = hubEnds.map((p) => byId.get(p)!);
        const pg = node(`group:${ports[0]!.id}`, ports[0]!.shape, `${ports.length} ports`, {
          lines: [span(ports[0]!.title, ports[ports.length - 1]!.title)!],
          refs: uniq(ports.flatMap((p) => p.refs)),
          objects: uniq(ports.flatMap((p) => p.objects)),
          members: ports,
          ...(ports.some((p) => p.traced) ? { traced: true } : {}),
          ...(ports[0]!.tone ? { tone: ports[0]!.tone } : {}),
        });
        byId.set(pg.id, pg);
        for (const p of ports) replaced.set(p.id, pg.id);
        const tiesFlat = ties.map((t) => t[0]!);
        newEdges.push(merged(tiesFlat, replaced, edgeTo));
      }
    }
    const e = merged(cables, replaced, edgeTo);
    e.center = `× ${members.length}`;
    newEdges.push(e);
  }
  if (!replaced.size) return g;

  const rebuild = (ns: DNode[]): DNode[] =>
    ns.flatMap((n) => {
      const r = replaced.get(n.id);
      if (r) return r === `group:${n.id}` ? [byId.get(r)!] : [];
      const children = rebuild(n.children);
      return [children.length === n.children.length && children.every((c, i) => c === n.children[i]) ? n : { ...n, children }];
    });
  const nodes = rebuild(g.nodes);
  // Group nodes stand where their first member stood: edges keep the graph's order the same way.
  const firstAt = new Map(newEdges.map((e) => [e.id.slice('group:'.length), e]));
  // Edges inside a member (between its devices) go with it.
  const inMember = (e: DEdge) => replaced.has(e.source) && replaced.get(e.source) === replaced.get(e.target);
  const edges = g.edges.flatMap((e) => (firstAt.has(e.id) ? [firstAt.get(e.id)!] : edgeTo.has(e.id) || inMember(e) ? [] : [e]));
  const groups = g.groups.map((d) => ({ ...d, nodes: uniq(d.nodes.map((id) => replaced.get(id) ?? id)), edges: uniq(d.edges.map((id) => edgeTo.get(id) ?? id)) }));
  return { ...g, nodes, edges, groups };
}

/** One edge standing for several parallel ones: the ends replaced, labels spanned, refs merged. */
function merged(es: DEdge[], replaced: Map<string, string>, edgeTo: Map<string, string>): DEdge {
  const a = es[0]!;
  const id = `group:${a.id}`;
  for (const e of es) edgeTo.set(e.id, id);
  const z = es[es.length - 1]!;
  const tail = span(a.tail, z.tail);
  const head = span(a.head, z.head);
  const center = span(a.center, z.center);
  return {
    id,
    source: replaced.get(a.source) ?? a.source,
    target: replaced.get(a.target) ?? a.target,
    style: a.style,
    refs: uniq(es.flatMap((e) => e.refs)),
    objects: uniq(es.flatMap((e) => e.objects)),
    ...(tail !== undefined ? { tail } : {}),
    ...(head !== undefined ? { head } : {}),
    ...(center !== undefined ? { center } : {}),
    ...(es.some((e) => e.traced) ? { traced: true } : {}),
  };
}
