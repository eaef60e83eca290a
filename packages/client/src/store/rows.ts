import {
  type CheckedRow,
  packRow,
  type RowState,
  type SnapshotRow,
  type TableName,
  unpackRow,
} from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlRunner } from './driver.js';
import { ROW_COLUMNS, rowValues, valuesOf } from './row-columns.js';
import { splitLines, writeSplitLines } from './row-splits.js';
import { place } from './sealing.js';
import { insertMany } from './sql.js';
import type { SqlValue } from './types.js';

/** Rows read per statement when walking the whole table (checksum recompute, sealing): memory stays bounded. */
const SCAN_PAGE = 1000;

/** A snapshot row decodeRows checked: its text and its checked form are there. */
export type CheckedSnapshotRow = SnapshotRow & { packed: string; checked: CheckedRow };

export const isChecked = (row: SnapshotRow): row is CheckedSnapshotRow =>
  row.checked !== undefined && row.packed !== undefined;

/**
 * A row a write stores: its merged state (packed anew), or a snapshot row stored as it came
 * (`incoming`: its text kept), whose RowState is only built if something in the same transaction
 * merges into it.
 */
export type ChangedRow =
  | { table: TableName; rowId: string; row: RowState }
  | { table: TableName; rowId: string; incoming: CheckedSnapshotRow };

const UPSERT_ROWS = ` ON CONFLICT (tbl, row_id) DO UPDATE SET ${ROW_COLUMNS.slice(2)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/**
 * Writes whole rows: fields packed (and sealed, all of them at once), derived columns recomputed.
 * Upserts, unless `mode` is 'insert': plain INSERTs, which fail on a row that exists (isRowClash).
 */
export async function writeRows(
  ctx: StoreContext,
  db: SqlRunner,
  rows: readonly ChangedRow[],
  mode: 'upsert' | 'insert' = 'upsert',
): Promise<void> {
  const fields = await ctx.sealing.sealEach(
    rows,
    (r) => ('incoming' in r ? r.incoming.packed : packRow(r.row)),
    (r) => place.row(r.table, r.rowId),
  );
  const lines: SqlValue[][] = [];
  const values = rows.map((r, i) => {
    const fieldValues = 'incoming' in r ? r.incoming.checked.values : valuesOf(r.row);
    for (const line of splitLines(r.table, r.rowId, fieldValues)) lines.push(line);
    return rowValues(r.table, r.rowId, fieldValues, fields[i] as string | Uint8Array);
  });
  await insertMany(db, 'rows', ROW_COLUMNS, values, mode === 'upsert' ? UPSERT_ROWS : '');
  // After the rows: rewriting a row dropped its old lines (the rows triggers of migration 4).
  await writeSplitLines(db, lines);
}

/**
 * The failure of a plain INSERT into `rows` of a row that is there: SQLite's own message, the same
 * through better-sqlite3 and the WASM build ("UNIQUE constraint failed: rows.tbl, rows.row_id").
 */
export const isRowClash = (error: unknown): boolean =>
  error instanceof Error && error.message.includes('UNIQUE constraint failed: rows.');

/**
 * One page of all rows in (tbl, row_id) order after `after`; 'plain' reads a store not yet sealed
 * (the one-time sealing migration).
 */
async function scanRows(
  ctx: StoreContext,
  db: SqlRunner,
  after: [string, string],
  stored: 'as stored' | 'plain' = 'as stored',
): Promise<Array<{ table: TableName; rowId: string; row: RowState }>> {
  const page = await db.all<{ tbl: string; row_id: string; fields: string | Uint8Array }>(
    'SELECT tbl, row_id, fields FROM rows WHERE (tbl, row_id) > (?, ?) ORDER BY tbl, row_id LIMIT ?',
    [after[0], after[1], SCAN_PAGE],
  );
  const states =
    stored === 'plain'
      ? page.map((r) => unpackRow(r.fields as string))
      : await ctx.sealing.unpackEach(page, (r) => r.tbl);
  return page.map((r, i) => ({ table: r.tbl as TableName, rowId: r.row_id, row: states[i] as RowState }));
}

/** Every row, page by page (see scanRows), in one unit's runner. */
export async function forEachRowPage(
  ctx: StoreContext,
  db: SqlRunner,
  visit: (page: Array<{ table: TableName; rowId: string; row: RowState }>) => Promise<void> | void,
  stored: 'as stored' | 'plain' = 'as stored',
): Promise<void> {
  let after: [string, string] = ['', ''];
  for (;;) {
    const page = await scanRows(ctx, db, after, stored);
    await visit(page);
    const last = page.at(-1);
    if (!last || page.length < SCAN_PAGE) return;
    after = [last.table, last.rowId];
  }
}
