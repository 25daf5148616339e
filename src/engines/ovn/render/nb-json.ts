// Northbound rows as one OVSDB transaction (RFC 7047 "transact"): what `up` sends over the
// JSON-RPC socket. Removing a lab's rows is a transaction too: its root rows by marker.
import { LAB_KEY } from '../plan/names.js';
import { ROOT_TABLES, type NbRow } from './nb-rows.js';

export type Op = Record<string, unknown>;

/** The OVSDB condition "this row is the lab's" (its external_ids hold the lab's mark). */
export const ownedBy = (lab: string): unknown[] => ['external_ids', 'includes', ['map', [[LAB_KEY, lab]]]];

export function insertOps(rows: NbRow[]): Op[] {
  return rows.map((r) => ({ op: 'insert', table: r.table, 'uuid-name': r.id, row: r.row }));
}

/** Deletes every root row of the lab (their ports, routes, NAT, ACLs go with them). */
export function deleteOps(lab: string): Op[] {
  return ROOT_TABLES.map((table) => ({ op: 'delete', table, where: [ownedBy(lab)] }));
}

/**
 * Counts the lab's root rows, or the rows of the tables given (a select per table). By _uuid: a
 * select of some columns returns equal rows once (RFC 7047), and not every table has a name
 * column (ACLs have none).
 */
export function selectOwnOps(lab: string, tables: readonly string[] = ROOT_TABLES): Op[] {
  return tables.map((table) => ({ op: 'select', table, where: [ownedBy(lab)], columns: ['_uuid'] }));
}

/**
 * Asks the chassis to report when they have applied this transaction: NB_Global's nb_cfg goes
 * up by one; northd passes it to the Southbound, each ovn-controller writes it back to its
 * Chassis_Private row once its flows are installed (what `ovn-nbctl --wait=hv` waits for).
 */
export const bumpOps = (): Op[] => [{ op: 'mutate', table: 'NB_Global', where: [], mutations: [['nb_cfg', '+=', 1]] }, { op: 'select', table: 'NB_Global', where: [], columns: ['nb_cfg'] }];
