// Maps a path in the design (["nodes", "pc1", "gateway"]) to file:line:column using the
// source ranges the `yaml` parser keeps on every node.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node as YNode } from 'yaml';
import type { PathSeg, Position } from './problems.js';

export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path` (or of its key), falling back to the nearest ancestor. */
  at(path: PathSeg[], atKey = false): Position {
    let node: unknown = this.doc?.contents;
    let best: YNode | undefined = node as YNode | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        if (last && atKey && pair.key) {
          best = pair.key as YNode;
          break;
        }
        node = pair.value;
        best = (pair.value as YNode | null) ?? (pair.key as YNode) ?? best;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (!node) break;
        best = node as YNode;
      } else break;
    }
    return this.pos(best?.range?.[0] ?? 0);
  }

  /** Path of the mapping key that starts at `offset` (for yaml's duplicate-key errors). */
  keyPathAt(offset: number): PathSeg[] | undefined {
    const walk = (node: unknown, path: PathSeg[]): PathSeg[] | undefined => {
      if (isMap(node)) {
        for (const p of node.items) {
          const key = keyText(p.key);
          const k = p.key as YNode | null;
          if (key !== undefined && k?.range?.[0] === offset) return [...path, key];
          const r = key === undefined ? undefined : walk(p.value, [...path, key]);
          if (r) return r;
        }
      } else if (isSeq(node)) {
        for (const [i, item] of node.items.entries()) {
          const r = walk(item, [...path, i]);
          if (r) return r;
        }
      }
      return undefined;
    };
    return walk(this.doc?.contents, []);
  }

  pos(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }
}

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  if (isPair(k)) return undefined;
  return k == null ? undefined : String(k);
}
