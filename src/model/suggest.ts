// "Did you mean" suggestions: the closest candidate by edit distance, if close enough.
//
// Comparing a word with every candidate made N misspelt references among N names quadratic
// (8,000 links to misspelt hosts took 77 s). Short lists are still scanned; a long one is
// indexed once (per array) by its words with one character deleted, which finds every
// candidate within one edit (a typo, a missing or extra character, two swapped neighbours)
// without comparing against the rest. So among many names only one-edit typos are suggested.
// Callers pass the same array for every lookup in one list.

export function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Optimal string alignment: like Levenshtein, but a swap of two neighbours costs one ("hots").
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** Lists up to this long are scanned whole. */
const SCAN_MAX = 64;

/** Allow roughly one typo per three characters, at least one. */
const allowed = (word: string): number => Math.max(1, Math.floor(word.length / 3));

/** Per candidate list: each one-deleted-character variant -> positions of the candidates that have it. */
const indexes = new WeakMap<readonly string[], Map<string, number[]>>();

/** The word and each of its one-deleted-character variants, lowercased. */
function variants(word: string): Set<string> {
  const w = word.toLowerCase();
  const out = new Set([w]);
  for (let i = 0; i < w.length; i++) out.add(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Candidates sharing a variant with the word (all those within one edit, and a few more), in list order. */
function near(word: string, candidates: readonly string[]): string[] {
  let index = indexes.get(candidates);
  if (!index) {
    index = new Map();
    candidates.forEach((c, k) => {
      for (const v of variants(c)) {
        const at = index!.get(v);
        if (at) at.push(k);
        else index!.set(v, [k]);
      }
    });
    indexes.set(candidates, index);
  }
  const hits = new Set<number>();
  for (const v of variants(word)) for (const k of index.get(v) ?? []) hits.add(k);
  return [...hits].sort((a, b) => a - b).map((k) => candidates[k]!);
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const pool = candidates.length <= SCAN_MAX ? candidates : near(word, candidates);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of pool) {
    const dd = distance(w, c.toLowerCase());
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return best !== undefined && bestD <= allowed(word) ? best : undefined;
}
