import {
  ChecksumDelta,
  type FieldChange,
  type FieldState,
  type FieldValue,
  isTableName,
  KakeiboError,
  mergeOp,
  type Op,
  type RowState,
  type SnapshotRow,
  stampDevice,
  type TableName,
} from '@kakeibo/core';
import { addToBuckets } from './checksums.js';
import type { StoreContext } from './context.js';
import { type ChangedRow, type CheckedSnapshotRow, isChecked, isRowClash, writeRows } from './rows.js';
import type { BulkLoader, EngineStore } from './types.js';
import { idsByTable, loadWriteSet, storeWriteSet } from './write-set.js';

/** Snapshot and repair rows, and a first bootstrap's bulk load. */
export const snapshotArea = (ctx: StoreContext): Pick<EngineStore, 'applyRows' | 'bulkLoad'> => ({
  applyRows: (rows) => mergeRows(ctx, rows),

  /**
   * A first bootstrap into an empty store: the date index is dropped while the snapshot's pages go
   * in (they arrive in row-id order, so every page would rewrite and re-encrypt hundreds of random
   * index pages) and built once at the end, all under the driver's bulk-load settings
   * (SqlDriver.bulkLoad). Its loader puts each page in without looking its rows up (insertAsTheyCame).
   * With rows already present the loader is plain merging.
   */
  async bulkLoad<T>(load: (loader: BulkLoader) => Promise<T>): Promise<T> {
    const [any] = await ctx.db.all<{ one: number }>('SELECT 1 AS one FROM rows LIMIT 1');
    if (any) return load({ applyRows: (rows) => mergeRows(ctx, rows) });
    const intoEmpty: BulkLoader = { applyRows: (rows) => loadPage(ctx, rows) };
    const withIndexLater = async () => {
      await ctx.dateIndex.drop(ctx.db);
      try {
        return await load(intoEmpty);
      } finally {
        await ctx.dateIndex.restore(ctx.db);
      }
    };
    return ctx.db.bulkLoad ? ctx.db.bulkLoad(withIndexLater) : withIndexLater();
  },
});

/**
 * A page of a first bootstrap: every row new to the store (it was empty when the load began and
 * snapshot pages never repeat a row), so it goes in as it came; a row that is there after all
 * (written meanwhile, or twice in the page) fails that page, which is then merged the usual way.
 */
async function loadPage(ctx: StoreContext, rows: readonly SnapshotRow[]): Promise<Map<TableName, string[]>> {
  assertTables(rows);
  if (rows.length > 0 && rows.every(isChecked)) {
    try {
      return await insertAsTheyCame(ctx, rows);
    } catch (error) {
      // Nothing of the page was written (its transaction rolled back), so it is merged below. Any
      // other failure (a full disk) is the page's own, and is reported as it is.
      if (!isRowClash(error)) throw error;
    }
  }
  return mergeRows(ctx, rows);
}

/**
 * Inserted as they came by plain INSERTs, without looking any row up and without a write set (no key
 * or map entry per row), so a row that is there fails the page instead of being overwritten, as does
 * a row twice in the page (both copies are inserted, and the second clashes with the first).
 */
function insertAsTheyCame(
  ctx: StoreContext,
  rows: readonly CheckedSnapshotRow[],
): Promise<Map<TableName, string[]>> {
  return ctx.db.transaction(async (tx) => {
    const delta = new ChecksumDelta();
    const writes: ChangedRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const incoming = rows[i] as CheckedSnapshotRow;
      delta.addChecked(incoming.table, incoming.rowId, incoming.checked);
      writes[i] = { table: incoming.table, rowId: incoming.rowId, incoming };
    }
    await writeRows(ctx, tx, writes, 'insert');
    await addToBuckets(tx, delta.buckets());
    return idsByTable(rows);
  });
}

/**
 * Snapshot and repair rows, field by field, last writer wins: a field is replaced only by a greater
 * stamp (an equal stamp is the same write again). The fields of a row are grouped by stamp and each
 * group merged as the op that wrote it, with core's mergeOp, so the rule is literally the same.
 */
async function mergeRows(ctx: StoreContext, rows: readonly SnapshotRow[]): Promise<Map<TableName, string[]>> {
  if (rows.length === 0) return new Map();
  assertTables(rows);
  return ctx.db.transaction(async (tx) => {
    const set = await loadWriteSet(ctx, tx, rows);
    for (const incoming of rows) {
      // `fields` is read only where needed: a checked row builds its RowState on first read.
      const { table, rowId } = incoming;
      let row = set.current(table, rowId);
      if (row === undefined) {
        // A row new to this device: every field is stored as it came, which is what mergeOp does on
        // an absent row, without grouping by stamp first. The incoming states are stored as they are
        // (never mutated later: merges copy), and a checked row's text as it came.
        if (isChecked(incoming)) set.addedAsItCame(incoming);
        else if (hasFields(incoming.fields)) set.added(table, rowId, incoming.fields);
        continue;
      }
      const changes: FieldChange[] = [];
      for (const op of opsOfFields(table, rowId, incoming.fields)) {
        const result = mergeOp(row, op);
        if (result.changes.length > 0) {
          row = result.row;
          changes.push(...result.changes);
        }
      }
      set.merged(table, rowId, row, changes);
    }
    await storeWriteSet(ctx, tx, set);
    return set.changedByTable();
  });
}

function assertTables(rows: readonly SnapshotRow[]): void {
  for (const row of rows) {
    if (!isTableName(row.table)) throw new KakeiboError('op.invalid', `Unknown table ${String(row.table)}.`);
  }
}

/** A row with at least one field (a row without any stores nothing, as mergeOp would). */
function hasFields(row: RowState): boolean {
  for (const _ in row) return true;
  return false;
}

/** One op per distinct stamp among a snapshot row's fields: exactly the writes that produced them. */
function opsOfFields(table: TableName, rowId: string, fields: Record<string, FieldState>): Op[] {
  const byStamp = new Map<string, Record<string, FieldValue>>();
  for (const [field, { value, stamp }] of Object.entries(fields)) {
    const group = byStamp.get(stamp);
    if (group) group[field] = value;
    else byStamp.set(stamp, { [field]: value });
  }
  const ops: Op[] = [];
  for (const [stamp, values] of byStamp) {
    const prev: Op['prev'] = {};
    for (const field of Object.keys(values)) prev[field] = null;
    ops.push({ id: '', table, rowId, stamp, deviceId: stampDevice(stamp), fields: values, prev });
  }
  return ops;
}
