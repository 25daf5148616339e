// Northbound rows as ovn-nbctl arguments, for the bash script: one `create` per row in one
// ovn-nbctl run (one transaction), in ovs-vsctl's database-command syntax: strings quoted as
// JSON, sets [a,b], maps {k=v}, rows of this transaction @id.
import { LAB_KEY } from '../plan/names.js';
import { ROOT_TABLES, type Atom, type NbRow, type Value } from './nb-rows.js';

const atom = (a: Atom): string => (Array.isArray(a) ? `@${a[1]}` : typeof a === 'string' ? JSON.stringify(a) : String(a));

function value(v: Value): string {
  if (!Array.isArray(v) || v[0] === 'named-uuid') return atom(v as Atom);
  if (v[0] === 'set') return `[${(v[1] as Atom[]).map(atom).join(',')}]`;
  return `{${(v[1] as [Atom, Atom][]).map(([k, x]) => `${atom(k)}=${atom(x)}`).join(',')}}`;
}

export function nbctlCreateArgs(rows: NbRow[]): string[] {
  return rows.flatMap((r) => ['--', `--id=@${r.id}`, 'create', r.table, ...Object.entries(r.row).map(([col, v]) => `${col}=${value(v)}`)]);
}

/** Shell lines removing the lab's root rows, found by marker. */
export function nbctlDeleteLines(nbctl: string): string[] {
  return ROOT_TABLES.map((t) => `for u in $(${nbctl} --bare --columns=_uuid find ${t} external_ids:${LAB_KEY}="$LAB"); do ${nbctl} destroy ${t} "$u"; done`);
}
