// Diagram graphs -> a Mermaid flowchart (for Markdown pages that render Mermaid). Frames become
// subgraphs; trunks are thick (===), macvlan/vNIC attachments dotted (-.-). Mermaid has no
// overlapping groups, so broadcast domains are given as classes and comments.
import { FRAME_SHAPES, type DiagramGraph, type DNode } from './graph.js';
import { DOMAIN_COLORS } from './shapes.js';

const q = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

export function toMermaid(gs: DiagramGraph[]): string {
  const out = ['flowchart TB'];
  const ids = new Map<string, string>();
  gs.forEach((g, gi) => {
    const prefix = g.side === 'design' ? 'd' : 't';
    const key = (id: string) => `${gi}|${id}`;
    let n = 0;
    const idOf = (id: string) => {
      let m = ids.get(key(id));
      if (!m) ids.set(key(id), (m = `${prefix}${n++}`));
      return m;
    };
    const pad = gs.length > 1 ? '  ' : '';
    if (gs.length > 1) out.push(`  subgraph ${prefix}_side["${q(g.title)}"]`, '    direction TB');
    const emit = (nodes: DNode[], depth: number) => {
      const ind = pad + '  '.repeat(depth + 1);
      for (const x of nodes) {
        const text = [x.title, ...x.lines].map(q).join('<br/>');
        if (FRAME_SHAPES.has(x.shape)) {
          out.push(`${ind}subgraph ${idOf(x.id)}["${text}"]`);
          emit(x.children, depth + 1);
          out.push(`${ind}end`);
        } else {
          // A group (collapse.ts) is Mermaid's "subroutine" box, a rectangle with double sides.
          const [open, close] = x.shape === 'router' ? ['([', '])'] : x.shape === 'external' ? ['((', '))'] : x.shape === 'vm' ? ['(', ')'] : x.members ? ['[[', ']]'] : ['[', ']'];
          out.push(`${ind}${idOf(x.id)}${open}"${text}"${close}`);
        }
        out.push(`${ind}%% ${x.id}${x.members ? ` groups ${x.members.map((m) => m.id).join(' ')}` : x.refs.length ? ` realizes ${x.refs.join(' ')}` : ''}`);
      }
    };
    emit(g.nodes, 0);
    for (const e of g.edges) {
      const label = [e.tail, e.center, e.head].filter(Boolean).join(' ⟷ ');
      const arrow = e.style === 'trunk' ? '===' : e.style === 'macvlan' || e.style === 'vnic' || e.style === 'vlan' || e.style === 'tunnel' ? '-.-' : '---';
      out.push(`${pad}  ${idOf(e.source)} ${arrow}${label ? `|"${q(label)}"|` : ''} ${idOf(e.target)}`);
      out.push(`${pad}  %% ${e.id}`);
    }
    for (const [i, d] of g.groups.entries()) {
      out.push(`${pad}  %% ${d.id} ${d.title}: ${d.detail}`);
      const members = d.nodes.filter((id) => ids.has(key(id))).map(idOf);
      if (!members.length) continue;
      out.push(`${pad}  classDef ${prefix}dom${i + 1} stroke:${DOMAIN_COLORS[i % DOMAIN_COLORS.length]},stroke-width:2px,stroke-dasharray:5 3`);
      out.push(`${pad}  class ${members.join(',')} ${prefix}dom${i + 1}`);
    }
    if (gs.length > 1) out.push('  end');
    for (const note of g.notes) out.push(`  %% ${note}`);
  });
  return out.join('\n') + '\n';
}
