// Small helpers for building maps of lists. `m.set(k, [...(m.get(k) ?? []), v])` copies the
// list on every append, which is quadratic in the list's length: a 10,000-host subnet made the
// design checks alone take most of a second. Append in place instead.

/** Append to the list under a key (a Map of lists, built in linear time). */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, ...v: V[]): void {
  const list = m.get(k);
  if (list) list.push(...v);
  else m.set(k, v);
}
