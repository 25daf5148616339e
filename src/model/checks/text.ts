// Free text (the design's description, labels of nodes and links) is shown in diagrams, tables
// and terminals. It may be any Unicode and span lines, but not hold controls that change what a
// reader sees: terminal escapes, other control characters, bidirectional overrides that make
// text read in another order than it is stored.
import { error, type Finding, type PathSeg } from '../problems.js';
import type { Design } from '../types.js';

/** C0/C1 controls but tab and line breaks; the bidi embeddings, overrides and isolates. */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export function checkText(d: Design): Finding[] {
  const f: Finding[] = [];
  const text = (s: string | undefined, path: () => PathSeg[], what: string) => {
    const c = s === undefined ? null : HIDDEN.exec(s);
    if (c) {
      const code = `U+${c[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      f.push(error('E-TEXT', path(), `${what} holds the invisible control character ${code} at position ${c.index + 1}, which would change what terminals and diagrams show; remove it.`));
    }
  };
  // Paths and names only for text that is there: most nodes have no label.
  text(d.description, () => ['description'], 'the description');
  for (const n of d.nodes) if (n.label !== undefined) text(n.label, () => [...n.path, 'label'], `${n.name}'s label`);
  for (const l of d.links) if (l.label !== undefined) text(l.label, () => [...l.path, 'label'], `link ${l.index}'s label`);
  return f;
}
