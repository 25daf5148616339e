// file:line:column for a design the quick read accepted (quick-read.ts), from js-yaml's parser
// events instead of a second read with `yaml`. A design with problems used to be read twice;
// `yaml` took ~2.5 s of the 3 s a 20,000-node file spent being parsed, where js-yaml's events
// take ~0.25 s.
//
// Positions are the ones `yaml` gives (locate.ts), which users see for every other design:
// a value where its text starts (a quoted one at its quote, a block scalar at its "|" or ">"
// header), an empty value right after its ":" and the blanks that follow on that line, a key
// with no value at all at the key. test/unit/model-quick-read.test.ts compares the two.
//
// The events are walked along each path asked for, skipping whole collections by where they
// end, so nothing is built per node; only a big mapping (the nodes of a large design) gets an
// index of its keys, on the first lookup in it.
import { EVENT_ID, getScalarValue, SCALAR_STYLE, type parseEvents } from 'js-yaml';
import type { Locate } from './locate.js';
import type { PathSeg, Position } from './problems.js';

type Event = ReturnType<typeof parseEvents>[number];
type ScalarEvent = Extract<Event, { type: typeof EVENT_ID.SCALAR }>;

/** Mappings with more keys than this get an index; smaller ones are scanned. */
const SCAN = 8;

export class EventLocator implements Locate {
  private readonly lineStarts: number[] = [0];
  /** Index of the event after each collection's last event (its POP), filled on first use. */
  private next?: Int32Array;
  private readonly indexes = new Map<number, Map<string, number>>();
  private readonly items = new Map<number, number[]>();

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
    const ev = this.events;
    // Event 0 opens the document; its content follows.
    let node = ev[1] && ev[1].type !== EVENT_ID.POP ? 1 : -1;
    if (node < 0) return this.pos(0);
    let best = this.start(node);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const e = ev[node]!;
      if (e.type === EVENT_ID.MAPPING) {
        const key = this.find(node, String(seg));
        if (key < 0) break;
        if (i === path.length - 1 && atKey) return this.pos(this.start(key));
        node = this.after(key);
        const v = ev[node]!;
        if (v.type === EVENT_ID.SCALAR && v.valueStart < 0) {
          // No text of its own: right after the key's ":" and the blanks after it, or the key itself.
          const empty = emptyAfter(this.text, scalarEnd(ev[key] as ScalarEvent));
          return this.pos(empty ?? this.start(key));
        }
        best = this.start(node);
      } else if (e.type === EVENT_ID.SEQUENCE && typeof seg === 'number') {
        const item = this.item(node, seg);
        if (item < 0) break;
        node = item;
        best = this.start(node);
      } else break;
    }
    return this.pos(best);
  }

  /** The index of the event after the node starting at i (past a collection's POP). */
  private after(i: number): number {
    const e = this.events[i]!;
    if (e.type !== EVENT_ID.MAPPING && e.type !== EVENT_ID.SEQUENCE) return i + 1;
    if (!this.next) {
      const next = new Int32Array(this.events.length);
      const open: number[] = [];
      this.events.forEach((x, k) => {
        if (x.type === EVENT_ID.MAPPING || x.type === EVENT_ID.SEQUENCE || x.type === EVENT_ID.DOCUMENT) open.push(k);
        else if (x.type === EVENT_ID.POP) next[open.pop()!] = k + 1;
      });
      this.next = next;
    }
    return this.next[i]!;
  }

  /** The event of item k of the sequence starting at q, or -1; a long sequence (links) gets an index. */
  private item(q: number, k: number): number {
    let items = this.items.get(q);
    if (!items) {
      // Up to item k; past SCAN items, on to the end, and kept.
      const list: number[] = [];
      for (let i = q + 1; this.events[i]!.type !== EVENT_ID.POP && (list.length <= k || list.length > SCAN); i = this.after(i)) list.push(i);
      if (list.length <= SCAN) return list[k] ?? -1;
      items = list;
      this.items.set(q, items);
    }
    return items[k] ?? -1;
  }

  /** The key event of `key` in the mapping starting at m, or -1; the first of two equal keys, as in `yaml`. */
  private find(m: number, key: string): number {
    const index = this.indexes.get(m);
    if (index) return index.get(key) ?? -1;
    const keys: number[] = [];
    for (let k = m + 1; this.events[k]!.type !== EVENT_ID.POP; k = this.after(this.after(k))) keys.push(k);
    if (keys.length <= SCAN) return keys.find((k) => this.keyIs(k, key)) ?? -1;
    const made = new Map<string, number>();
    for (const k of keys) {
      const text = this.keyText(k);
      if (text !== undefined && !made.has(text)) made.set(text, k);
    }
    this.indexes.set(m, made);
    return made.get(key) ?? -1;
  }

  /** Whether key event k spells `key`, without making a string for the usual plain name. */
  private keyIs(k: number, key: string): boolean {
    const e = this.events[k]!;
    if (e.type !== EVENT_ID.SCALAR) return false;
    if (e.style === SCALAR_STYLE.PLAIN && e.valueEnd - e.valueStart === key.length && /^[A-Za-z]/.test(key) && this.text.startsWith(key, e.valueStart)) {
      return this.plainKey(key) === key;
    }
    return this.keyText(k) === key;
  }

  /** The key a scalar event makes in the data; undefined for a collection used as a key. */
  private keyText(k: number): string | undefined {
    const e = this.events[k]!;
    if (e.type !== EVENT_ID.SCALAR) return undefined;
    const value = getScalarValue(this.text, e);
    return e.style === SCALAR_STYLE.PLAIN ? this.plainKey(value) : value;
  }

  /** Where the node of event i is written. */
  private start(i: number): number {
    const e = this.events[i]!;
    if (e.type === EVENT_ID.SCALAR) return scalarStart(this.text, e);
    return e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE ? e.start : 0;
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
function emptyAfter(text: string, keyEnd: number): number | undefined {
  let i = keyEnd;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== ':') return undefined; // a key alone, as in "{ a, b }": no value node
  i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}
