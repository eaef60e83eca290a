import {
  CHECKSUM_VERSION,
  type Conflict,
  hash64Hex,
  type LoggedOp,
  type PackedRowMessage,
  type RowState,
  type TableName,
} from '@kakeibo/core';
import { upgradeChecksum } from './checksum-buckets.js';
import { decodeConflict, decodeOpFields, decodePrev, decodeRow, packedRow } from './codec.js';
import { int, type StorageContext, sealerFor } from './context.js';
import { PLAIN } from './ledger-keys.js';
import type { ChecksumBucketRecord } from './types.js';

/** Reads of the synced state: the log, snapshots, single rows, checksums and conflicts. */

/** Only rows that exist need opening, so an unknown ledger reads as empty on both dialects. */
const sealerWhenNeeded = (ctx: StorageContext, ledgerId: string, rows: number) =>
  rows > 0 ? sealerFor(ctx, ledgerId) : Promise.resolve(PLAIN);

export async function head(ctx: StorageContext, ledgerId: string): Promise<number> {
  const ledger = await ctx.db
    .selectFrom('ledgers')
    .select('head')
    .where('id', '=', ledgerId)
    .executeTakeFirst();
  return ledger ? int(ledger.head) : 0;
}

export async function readOps(
  ctx: StorageContext,
  ledgerId: string,
  after: number,
  limit: number,
): Promise<{ ops: LoggedOp[]; conflicts: Array<Conflict & { seq: number }> }> {
  const rows = await ctx.db
    .selectFrom('op_log')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  const sealer = await sealerWhenNeeded(ctx, ledgerId, rows.length);
  const ops: LoggedOp[] = rows.map((r) => {
    const fields = decodeOpFields(sealer, ledgerId, r.op_id, r.fields);
    return {
      seq: int(r.seq),
      op: {
        id: r.op_id,
        table: r.tbl as TableName,
        rowId: r.row_id,
        stamp: r.stamp,
        deviceId: r.device_id,
        fields,
        prev: decodePrev(fields, r.prev),
      },
    };
  });
  const last = ops.at(-1);
  if (!last) return { ops, conflicts: [] };
  const conflictRows = await ctx.db
    .selectFrom('conflicts')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('seq', '>', after)
    .where('seq', '<=', last.seq)
    .orderBy('seq')
    .orderBy('id')
    .execute();
  return { ops, conflicts: conflictRows.map((c) => decodeConflict(sealer, ledgerId, c)) };
}

export async function readSnapshot(
  ctx: StorageContext,
  ledgerId: string,
  after: { table: string; rowId: string } | null,
  limit: number,
): Promise<PackedRowMessage[]> {
  const rows = await ctx.db
    .selectFrom('entity_rows')
    .select(['tbl', 'row_id', 'fields'])
    .where('ledger_id', '=', ledgerId)
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb(eb.refTuple('tbl', 'row_id'), '>', eb.tuple(after?.table ?? '', after?.rowId ?? '')),
      ),
    )
    .orderBy('tbl')
    .orderBy('row_id')
    .limit(limit)
    .execute();
  const sealer = await sealerWhenNeeded(ctx, ledgerId, rows.length);
  return rows.map((r) => packedRow(sealer, ledgerId, r.tbl, r.row_id, r.fields));
}

/**
 * Checksum repair: one bucket's rows in row-id order. Deliberately served by the primary key range
 * of (ledger, table) with a filter rather than by an index of its own: repair is rare, and every
 * index costs every append.
 */
export async function readBucketRows(
  ctx: StorageContext,
  ledgerId: string,
  table: TableName,
  bucket: number,
  after: string | null,
  limit: number,
): Promise<PackedRowMessage[]> {
  const rows = await ctx.db
    .selectFrom('entity_rows')
    .select(['row_id', 'fields'])
    .where('ledger_id', '=', ledgerId)
    .where('tbl', '=', table)
    .where('bucket', '=', bucket)
    .$if(after !== null, (q) => q.where('row_id', '>', after ?? ''))
    .orderBy('row_id')
    .limit(limit)
    .execute();
  const sealer = await sealerWhenNeeded(ctx, ledgerId, rows.length);
  return rows.map((r) => packedRow(sealer, ledgerId, table, r.row_id, r.fields));
}

export async function getRow(
  ctx: StorageContext,
  ledgerId: string,
  table: TableName,
  rowId: string,
): Promise<RowState | null> {
  const row = await ctx.db
    .selectFrom('entity_rows')
    .select('fields')
    .where('ledger_id', '=', ledgerId)
    .where('tbl', '=', table)
    .where('row_id', '=', rowId)
    .executeTakeFirst();
  if (!row) return null;
  return decodeRow(await sealerFor(ctx, ledgerId), ledgerId, table, rowId, row.fields);
}

/**
 * The head and the buckets, read in one transaction so they describe the same state; sums that follow
 * an older field hash are recomputed first (checksum-buckets.ts).
 */
export async function checksum(
  ctx: StorageContext,
  ledgerId: string,
): Promise<{ seq: number; buckets: ChecksumBucketRecord[] }> {
  const read = await readChecksum(ctx, ledgerId);
  if (read.version === CHECKSUM_VERSION) return { seq: read.seq, buckets: read.buckets };
  await upgradeChecksum(ctx, ledgerId);
  const { seq, buckets } = await readChecksum(ctx, ledgerId);
  return { seq, buckets };
}

async function readChecksum(
  ctx: StorageContext,
  ledgerId: string,
): Promise<{ seq: number; buckets: ChecksumBucketRecord[]; version: number }> {
  let tx = ctx.db.transaction();
  if (ctx.traits.snapshotReads) tx = tx.setIsolationLevel('repeatable read');
  return tx.execute(async (trx) => {
    const ledger = await trx
      .selectFrom('ledgers')
      .select(['head', 'checksum_version'])
      .where('id', '=', ledgerId)
      .executeTakeFirst();
    // An unknown ledger reads as empty, in the current version (there is nothing to recompute).
    if (!ledger) return { seq: 0, buckets: [], version: CHECKSUM_VERSION };
    const version = int(ledger.checksum_version);
    if (version !== CHECKSUM_VERSION) return { seq: 0, buckets: [], version };
    const rows = await trx
      .selectFrom('checksum_buckets')
      .select(['tbl', 'bucket', 'hi', 'lo', 'fields'])
      .where('ledger_id', '=', ledgerId)
      .execute();
    const buckets: ChecksumBucketRecord[] = [];
    for (const r of rows) {
      const hi = int(r.hi);
      const lo = int(r.lo);
      const fields = int(r.fields);
      // An empty bucket counts as absent, exactly as core's StateChecksum drops it.
      if (hi === 0 && lo === 0 && fields === 0) continue;
      buckets.push({ table: r.tbl, bucket: r.bucket, hash: hash64Hex({ hi, lo }), fields });
    }
    // Sorted here, not by SQL: PostgreSQL's collation need not be the code-point order core uses.
    buckets.sort((a, b) => (a.table === b.table ? a.bucket - b.bucket : a.table < b.table ? -1 : 1));
    return { seq: int(ledger.head), buckets, version };
  });
}

export async function listConflicts(
  ctx: StorageContext,
  ledgerId: string,
  after: number,
  limit: number,
): Promise<Array<Conflict & { seq: number }>> {
  const rows = await ctx.db
    .selectFrom('conflicts')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('seq', '>', after)
    .orderBy('seq')
    .orderBy('id')
    .limit(limit)
    .execute();
  const sealer = await sealerWhenNeeded(ctx, ledgerId, rows.length);
  return rows.map((c) => decodeConflict(sealer, ledgerId, c));
}
