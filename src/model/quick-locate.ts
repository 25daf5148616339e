// file:line:column for a design the quick read accepted (quick-read.ts), from js-yaml's parser
// events instead of a second read with `yaml`. A design with problems used to be read twice;
// `yaml` took ~2.5 s of the 3 s a 20,000-node file spent being parsed, where js-yaml's events
// take ~0.25 s.
//
// Positions are the ones `yaml` gives (locate.ts), which users see for every other design:
// a value where its text starts (a quoted one at its quote, a block scalar at its "|" or ">"
// header), an empty value right after its ":" and the blanks that follow on that line, a key
// with no value at all at the key. test/unit/model-quick-read.test.ts compares the two.
import { EVENT_ID, getScalarValue, SCALAR_STYLE, type parseEvents } from 'js-yaml';
import type { Locate } from './locate.js';
import type { PathSeg, Position } from './problems.js';

type Event = ReturnType<typeof parseEvents>[number];
type ScalarEvent = Extract<Event, { type: typeof EVENT_ID.SCALAR }>;

interface Entry {
  key: string;
  at: number;
  value: Spot | undefined;
}

/** A node of the document: where it starts, and its entries. */
interface Spot {
  at: number;
  /** A mapping's entries, in order (the first of two equal keys wins, as in `yaml`). */
  entries?: Entry[];
  /** Made on the first lookup in a big mapping (the nodes of a 20,000-node design). */
  index?: Map<string, Entry>;
  items?: (Spot | undefined)[];
}

/** Most mappings hold a few keys: scanning them costs less than a Map for each. */
const SCAN = 8;

function entry(m: Spot, key: string): Entry | undefined {
  const es = m.entries!;
  if (es.length <= SCAN) return es.find((e) => e.key === key);
  if (!m.index) {
    m.index = new Map();
    for (const e of es) if (!m.index.has(e.key)) m.index.set(e.key, e);
  }
  return m.index.get(key);
}

export class EventLocator implements Locate {
  private root: Spot | undefined;
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly events: Event[],
    /** The key a plain scalar makes in the data ("0" for ".0"); quoted keys are their text. */
    private readonly plainKey: (text: string) => string,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  at(path: PathSeg[], atKey = false): Position {
    this.root ??= this.build();
    let node = this.root;
    let best = node?.at ?? 0;
    for (let i = 0; i < path.length && node; i++) {
      const seg = path[i]!;
      if (node.entries) {
        const e = entry(node, String(seg));
        if (!e) break;
        if (i === path.length - 1 && atKey) return this.pos(e.at);
        node = e.value;
        best = node?.at ?? e.at;
      } else if (node.items && typeof seg === 'number') {
        node = node.items[seg];
        if (!node) break;
        best = node.at;
      } else break;
    }
    return this.pos(best);
  }

  private pos(offset: number): Position {
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - ls[lo]! + 1 };
  }

  /** The document's nodes from the event stream, walked once. */
  private build(): Spot | undefined {
    const { text } = this;
    let root: Spot | undefined;
    // Open collections; for a mapping, the key waiting for its value.
    const stack: { spot: Spot; key?: { text: string | undefined; at: number; end: number } }[] = [];
    const place = (spot: Spot | undefined, key?: { text: string | undefined; at: number; end: number }) => {
      const top = stack[stack.length - 1];
      if (!top) root = spot;
      else if (top.spot.items) top.spot.items.push(spot);
      else if (!top.key) top.key = key ?? { text: undefined, at: spot?.at ?? 0, end: spot?.at ?? 0 };
      else {
        const k = top.key;
        top.key = undefined;
        // A value with no text of its own sits right after the key's ":" and the blanks after it.
        const value = spot ?? emptyAfter(text, k.end);
        if (k.text !== undefined) top.spot.entries!.push({ key: k.text, at: k.at, value });
      }
    };
    for (const ev of this.events) {
      switch (ev.type) {
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const spot: Spot = ev.type === EVENT_ID.MAPPING ? { at: ev.start, entries: [] } : { at: ev.start, items: [] };
          place(spot);
          stack.push({ spot });
          break;
        }
        case EVENT_ID.SCALAR: {
          const top = stack[stack.length - 1];
          const asKey = !!top?.spot.entries && !top.key;
          const at = scalarStart(text, ev);
          if (asKey) {
            const value = getScalarValue(text, ev);
            place(undefined, { text: ev.style === SCALAR_STYLE.PLAIN ? this.plainKey(value) : value, at, end: scalarEnd(ev) });
          }
          else place(ev.valueStart < 0 ? undefined : { at });
          break;
        }
        case EVENT_ID.POP:
          stack.pop();
          break;
      }
    }
    return root;
  }
}

const quoted = (ev: ScalarEvent): boolean => ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED;

/** Where a scalar's text starts: its quote, or the "|"/">" header of a block scalar. */
function scalarStart(text: string, ev: ScalarEvent): number {
  if (quoted(ev)) return ev.valueStart - 1;
  if (ev.style === SCALAR_STYLE.LITERAL_BLOCK || ev.style === SCALAR_STYLE.FOLDED_BLOCK) {
    // The header ends the line before the content; a comment after it may not hold "|" or ">".
    const lineEnd = text.lastIndexOf('\n', ev.valueStart - 1);
    const line = text.slice(text.lastIndexOf('\n', lineEnd - 1) + 1, lineEnd);
    const m = /(?:^|[\s:-])([|>])[-+0-9]*\s*(?:#.*)?$/.exec(line);
    if (m) return lineEnd - line.length + m.index + m[0].indexOf(m[1]!);
  }
  return ev.valueStart;
}

/** Offset just after a key's text (after its closing quote). */
const scalarEnd = (ev: ScalarEvent): number => ev.valueEnd + (quoted(ev) ? 1 : 0);

/** An empty value: after the ":" following the key, and the blanks after it on that line. */
function emptyAfter(text: string, keyEnd: number): Spot | undefined {
  let i = keyEnd;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== ':') return undefined; // a key alone, as in "{ a, b }": no value node
  i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return { at: i };
}
