import {
  bucketOf,
  canonicalJson,
  KakeiboError,
  type RowState,
  type SnapshotRow,
  StateChecksum,
  type TableName,
} from '@kakeibo/core';
import { assertBucket, storeSums } from './checksums.js';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { writeRows } from './rows.js';
import { lookupChunks, placeholders } from './sql.js';
import type { EngineStore } from './types.js';

/** Checksum repair: a bucket's rows, and a bucket made to hold exactly the server's. */
export const repairArea = (ctx: StoreContext): Pick<EngineStore, 'bucketRows' | 'replaceBucket'> => ({
  bucketRows: (table, bucket) => bucketRows(ctx, ctx.db, table, bucket),

  /**
   * Makes one bucket hold exactly `rows`: local rows of the bucket the server lacks are removed,
   * rows that differ are replaced whole, and the bucket's checksum is recomputed from the result.
   * Nothing is replaced while a local change waits in the outbox (checked inside the write
   * transaction, so a change made while the server's rows were fetched counts): the server's rows
   * predate it, and replacing would undo it on this device. Null then; the next round repairs.
   */
  async replaceBucket(table, bucket, rows) {
    assertBucket(bucket);
    for (const row of rows) {
      if (row.table !== table || bucketOf(row.rowId) !== bucket) {
        throw new KakeiboError(
          'store.bad_bucket',
          `Row ${row.table}/${row.rowId} is not in bucket ${table}/${bucket}.`,
        );
      }
    }
    return ctx.db.transaction(async (tx) => {
      const [waiting] = await tx.all<{ ops: number }>('SELECT ops FROM outbox_size WHERE id = 1');
      if (Number(waiting?.ops ?? 0) > 0) return null;
      const local = new Map((await bucketRows(ctx, tx, table, bucket)).map((r) => [r.rowId, r.fields]));
      const incoming = new Map(rows.map((r) => [r.rowId, r.fields]));
      const removed = [...local.keys()].filter((rowId) => !incoming.has(rowId));
      for (const chunk of lookupChunks(removed)) {
        await tx.run(`DELETE FROM rows WHERE tbl = ? AND row_id IN (${placeholders(chunk.length)})`, [
          table,
          ...chunk,
        ]);
      }
      const changed: string[] = [...removed];
      const replaced: Array<{ table: TableName; rowId: string; row: RowState }> = [];
      const sums = new StateChecksum();
      for (const [rowId, fields] of incoming) {
        for (const [field, { value, stamp }] of Object.entries(fields))
          sums.apply(table, rowId, field, stamp, value, 1);
        const mine = local.get(rowId);
        if (mine && canonicalJson(mine) === canonicalJson(fields)) continue;
        replaced.push({ table, rowId, row: { ...fields } });
        changed.push(rowId);
      }
      await writeRows(ctx, tx, replaced);
      await storeSums(tx, sums, { table, bucket });
      return changed.length > 0 ? new Map([[table, changed]]) : new Map();
    });
  },
});

async function bucketRows(
  ctx: StoreContext,
  db: SqlRunner,
  table: TableName,
  bucket: number,
): Promise<SnapshotRow[]> {
  assertBucket(bucket);
  const rows = await db.all<{ row_id: string; fields: SqlValue }>(
    'SELECT row_id, fields FROM rows WHERE tbl = ? AND substr(row_id, -1) = ? ORDER BY row_id',
    [table, bucket.toString(16)],
  );
  const states = await ctx.sealing.unpackEach(rows, () => table);
  return rows.map((r, i) => ({ table, rowId: r.row_id, fields: states[i] as SnapshotRow['fields'] }));
}
