// Maps a path in the design (["nodes", "pc1", "gateway"]) to file:line:column using the
// source ranges the `yaml` parser keeps on every node.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Pair, type YAMLMap, type Node as YNode } from 'yaml';
import type { PathSeg, Position } from './problems.js';

/** Where a path of the design is written. */
export interface Locate {
  readonly file: string;
  at(path: PathSeg[], atKey?: boolean): Position;
}

export class Locator implements Locate {
  /**
   * Each mapping's pairs by key, made on the first lookup in it: finding a key by scanning the
   * pairs made placing N problems among N nodes quadratic (20,000 took 17 s).
   */
  private readonly keys = new WeakMap<YAMLMap, Map<string, Pair>>();

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
        const pair = this.pairs(node).get(String(seg));
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

  private pairs(map: YAMLMap): Map<string, Pair> {
    let m = this.keys.get(map);
    if (!m) {
      m = new Map();
      // The first of two equal keys, as a scan would find (the second is an E-DUP-KEY).
      for (const p of map.items) {
        const k = keyText(p.key);
        if (k !== undefined && !m.has(k)) m.set(k, p);
      }
      this.keys.set(map, m);
    }
    return m;
  }

  /**
   * Keys that appear twice in one mapping, with their path and offset. yaml's own uniqueKeys
   * check compares every key with every other (seconds for 10,000 nodes); this is one pass.
   */
  duplicateKeys(): { path: PathSeg[]; offset: number }[] {
    const out: { path: PathSeg[]; offset: number }[] = [];
    const walk = (node: unknown, path: PathSeg[]): void => {
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const p of node.items) {
          const key = keyText(p.key);
          if (key === undefined) continue;
          if (seen.has(key)) out.push({ path: [...path, key], offset: (p.key as YNode | null)?.range?.[0] ?? 0 });
          seen.add(key);
          walk(p.value, [...path, key]);
        }
      } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    };
    walk(this.doc?.contents, []);
    return out;
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
