import {
  ChecksumDelta,
  type FieldChange,
  isTableName,
  KakeiboError,
  mergeOp,
  type Op,
  type RowState,
  type TableName,
} from '@kakeibo/core';
import { addToBuckets } from './checksums.js';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { type ChangedRow, type CheckedSnapshotRow, writeRows } from './rows.js';
import { lookupChunks, placeholders } from './sql.js';

const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/**
 * The stored state a write transaction works on: rows loaded once (loadWriteSet), merged in memory,
 * written once (storeWriteSet). Each write method is one transaction with a constant number of
 * statements per 100 rows: `IN (…)` lookups, merges in memory, multi-row upserts.
 */
export class WriteSet {
  readonly loaded = new Map<string, RowState>();
  readonly changed = new Map<string, ChangedRow>();
  readonly delta = new ChecksumDelta();

  current(table: TableName, rowId: string): RowState | undefined {
    const key = rowKey(table, rowId);
    const changed = this.changed.get(key);
    if (changed === undefined) return this.loaded.get(key);
    return 'incoming' in changed ? changed.incoming.fields : changed.row;
  }

  /** Records a row the store did not have, stored whole (every field added). */
  added(table: TableName, rowId: string, row: RowState): void {
    this.delta.addRow(table, rowId, row);
    this.changed.set(rowKey(table, rowId), { table, rowId, row });
  }

  /** `added` for a checked snapshot row, stored as it came: summed from its checked form. */
  addedAsItCame(incoming: CheckedSnapshotRow): void {
    const { table, rowId } = incoming;
    this.delta.addChecked(table, rowId, incoming.checked);
    this.changed.set(rowKey(table, rowId), { table, rowId, incoming });
  }

  /** Records one merge result; a merge that changed nothing leaves the row as it was. */
  merged(table: TableName, rowId: string, row: RowState, changes: readonly FieldChange[]): void {
    if (changes.length === 0) return;
    this.delta.add(table, rowId, changes);
    this.changed.set(rowKey(table, rowId), { table, rowId, row });
  }

  /** Merges each op into its row with core's mergeOp, the function the server runs. */
  mergeAll(ops: readonly Op[]): void {
    for (const op of ops) {
      const result = mergeOp(this.current(op.table, op.rowId), op);
      this.merged(op.table, op.rowId, result.row, result.changes);
    }
  }

  /** The changed rows by table, for change events. */
  changedByTable(): Map<TableName, string[]> {
    return idsByTable(this.changed.values());
  }
}

/** Row ids grouped by table, in the order given: what a write reports as changed. */
export function idsByTable(rows: Iterable<{ table: TableName; rowId: string }>): Map<TableName, string[]> {
  const out = new Map<TableName, string[]>();
  for (const { table, rowId } of rows) {
    const ids = out.get(table);
    if (ids) ids.push(rowId);
    else out.set(table, [rowId]);
  }
  return out;
}

/** The stored state of every row the items touch: one padded `IN (…)` lookup per 256 ids of a table. */
export async function loadWriteSet(
  ctx: StoreContext,
  db: SqlRunner,
  items: ReadonlyArray<{ table: TableName; rowId: string }>,
): Promise<WriteSet> {
  const set = new WriteSet();
  const ids = new Map<TableName, Set<string>>();
  for (const { table, rowId } of items) {
    const known = ids.get(table);
    if (known) known.add(rowId);
    else ids.set(table, new Set([rowId]));
  }
  for (const [table, rowIds] of ids) {
    for (const chunk of lookupChunks([...rowIds])) {
      const found = await db.all<{ row_id: string; fields: SqlValue }>(
        `SELECT row_id, fields FROM rows WHERE tbl = ? AND row_id IN (${placeholders(chunk.length)})`,
        [table, ...chunk],
      );
      const states = await ctx.sealing.unpackEach(found, () => table);
      for (const [i, r] of found.entries()) set.loaded.set(rowKey(table, r.row_id), states[i] as RowState);
    }
  }
  return set;
}

/** Writes the changed rows (multi-row upserts) and adds the delta to the checksum buckets. */
export async function storeWriteSet(ctx: StoreContext, db: SqlRunner, set: WriteSet): Promise<void> {
  await writeRows(ctx, db, [...set.changed.values()]);
  await addToBuckets(db, set.delta.buckets());
}

/** The cheap structural checks that keep a malformed op from corrupting the store. */
export function assertOp(op: Op): void {
  if (!isTableName(op.table)) {
    throw new KakeiboError('op.invalid', `Unknown table ${String(op.table)}.`, { opId: op.id });
  }
  if (typeof op.rowId !== 'string' || op.rowId === '' || typeof op.stamp !== 'string') {
    throw new KakeiboError('op.invalid', 'An op needs a row id and a stamp.', { opId: op.id });
  }
  if (!op.fields || typeof op.fields !== 'object' || Object.keys(op.fields).length === 0) {
    throw new KakeiboError('op.invalid', 'An op must change at least one field.', { opId: op.id });
  }
}
