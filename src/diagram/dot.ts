// Diagram graphs -> Graphviz (undirected). Frames become clusters; link ends carry taillabel /
// headlabel as in the SVG; broadcast domains become comments and a fill colour on members
// (Graphviz clusters cannot overlap, domains can).
import { FRAME_SHAPES, type DiagramGraph, type DNode } from './graph.js';
import { DOMAIN_COLORS } from './shapes.js';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const SHAPE: Record<string, string> = { router: 'ellipse', external: 'egg', vm: 'box3d', bridge: 'box', 'ovs-bridge': 'box', dev: 'box' };

export function toDot(gs: DiagramGraph[]): string {
  const out = [
    `graph ${q(gs.map((g) => g.title).join(' | '))} {`,
    '  graph [rankdir=TB, fontname="DejaVu Sans Mono", newrank=true];',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="DejaVu Sans Mono", fontsize=10];',
    '  edge [fontname="DejaVu Sans Mono", fontsize=9];',
  ];
  gs.forEach((g, gi) => {
    const id = (x: string) => q(`${g.side}${gi}/${x}`);
    const domainOf = new Map<string, number>();
    g.groups.forEach((d, i) => d.nodes.forEach((n) => domainOf.has(n) || domainOf.set(n, i)));
    out.push(`  subgraph ${q(`cluster_${g.side}${gi}`)} {`, `    label=${q(g.title)}; style=dashed; color="#bbbbbb";`);
    const emit = (nodes: DNode[], depth: number) => {
      const ind = '    ' + '  '.repeat(depth);
      for (const n of nodes) {
        const label = [n.title, ...n.lines].join('\n');
        if (FRAME_SHAPES.has(n.shape)) {
          out.push(`${ind}subgraph ${q(`cluster_${g.side}${gi}/${n.id}`)} {`);
          out.push(`${ind}  label=${q(label)}; style=${n.shape === 'server' ? 'dashed' : 'rounded'}; comment=${q(n.refs.join(' '))};`);
          emit(n.children, depth + 1);
          out.push(`${ind}}`);
        } else {
          const d = domainOf.get(n.id);
          const fill = d === undefined ? '' : `, fillcolor="${DOMAIN_COLORS[d % DOMAIN_COLORS.length]}33"`;
          // A group (collapse.ts): a double-bordered box; the comment names its members.
          const extra = n.members ? `, peripheries=2, comment=${q(`groups ${n.members.map((m) => m.id).join(' ')}`)}` : `, comment=${q(n.refs.join(' '))}`;
          out.push(`${ind}${id(n.id)} [label=${q(label)}, shape=${SHAPE[n.shape] ?? 'box'}${fill}${extra}];`);
        }
      }
    };
    emit(g.nodes, 0);
    for (const e of g.edges) {
      const attrs = [
        e.tail ? `taillabel=${q(e.tail)}` : '',
        e.head ? `headlabel=${q(e.head)}` : '',
        e.center ? `label=${q(e.center)}` : '',
        e.style === 'trunk' ? 'penwidth=3' : '',
        e.style === 'macvlan' || e.style === 'vnic' || e.style === 'vlan' || e.style === 'tunnel' ? 'style=dashed' : '',
        e.style === 'member' ? 'color="#999999"' : '',
        `comment=${q(e.id)}`,
      ].filter(Boolean);
      out.push(`    ${id(e.source)} -- ${id(e.target)} [${attrs.join(', ')}];`);
    }
    for (const d of g.groups) out.push(`    // ${d.id} ${d.title}: ${d.detail}`);
    for (const n of g.notes) out.push(`    // ${n}`);
    out.push('  }');
  });
  out.push('}');
  return out.join('\n') + '\n';
}
