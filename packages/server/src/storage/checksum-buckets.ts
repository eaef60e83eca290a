import { CHECKSUM_VERSION, ChecksumDelta } from '@kakeibo/core';
import { sql, type Transaction } from 'kysely';
import { decodeRow } from './codec.js';
import { type StorageContext, sealerFor } from './context.js';
import type { Sealer } from './ledger-keys.js';
import type { Database } from './schema.js';

/**
 * The stored checksum buckets of each ledger. Appends add their deltas to them (addToBuckets), and
 * they follow one definition of core's field hash (CHECKSUM_VERSION), recorded per ledger in
 * ledgers.checksum_version. A ledger whose sums follow another one (summed before the definition
 * changed, or restored from such a backup) has them recomputed from its rows the first time they are
 * used: before an append adds its delta, and before a checksum is read. Lazily, one ledger at a
 * time, so an upgraded instance starts at once and only active ledgers pay.
 */

/** Rows read per statement while recomputing: memory stays bounded whatever the ledger's size. */
const REBUILD_PAGE = 1000;

/**
 * Recomputes the ledger's buckets when `version` (its ledgers.checksum_version) is not the current
 * one. Runs in the caller's transaction, which must hold the ledger (its row locked where the dialect
 * locks rows), so no append can add a delta to half-rebuilt sums.
 */
export async function ensureChecksumVersion(
  trx: Transaction<Database>,
  ledgerId: string,
  version: number,
  sealer: Sealer,
): Promise<void> {
  if (version === CHECKSUM_VERSION) return;
  const sums = new ChecksumDelta();
  type Position = { tbl: string; rowId: string };
  let after: Position | null = null;
  for (;;) {
    const from: Position | null = after;
    const rows: Array<{ tbl: string; row_id: string; fields: string }> = await trx
      .selectFrom('entity_rows')
      .select(['tbl', 'row_id', 'fields'])
      .where('ledger_id', '=', ledgerId)
      .$if(from !== null, (q) =>
        q.where((eb) => eb(eb.refTuple('tbl', 'row_id'), '>', eb.tuple(from?.tbl ?? '', from?.rowId ?? ''))),
      )
      .orderBy('tbl')
      .orderBy('row_id')
      .limit(REBUILD_PAGE)
      .execute();
    for (const r of rows)
      sums.addRow(r.tbl, r.row_id, decodeRow(sealer, ledgerId, r.tbl, r.row_id, r.fields));
    const last = rows.at(-1);
    if (last === undefined || rows.length < REBUILD_PAGE) break;
    after = { tbl: last.tbl, rowId: last.row_id };
  }
  // Emptied, then the sums added as an append adds its delta.
  await trx.deleteFrom('checksum_buckets').where('ledger_id', '=', ledgerId).execute();
  await addToBuckets(trx, ledgerId, sums);
  await trx
    .updateTable('ledgers')
    .set({ checksum_version: CHECKSUM_VERSION })
    .where('id', '=', ledgerId)
    .execute();
}

/** The same in a transaction of its own (the checksum read, which otherwise only reads). */
export async function upgradeChecksum(ctx: StorageContext, ledgerId: string): Promise<void> {
  // Fetched before the transaction: on SQLite the one connection is busy inside it.
  const sealer = await sealerFor(ctx, ledgerId);
  await ctx.db.transaction().execute(async (trx) => {
    const ledger = await trx
      .selectFrom('ledgers')
      .select('checksum_version')
      .where('id', '=', ledgerId)
      .$if(ctx.traits.lockLedgerRow, (q) => q.forUpdate())
      .executeTakeFirst();
    if (ledger) await ensureChecksumVersion(trx, ledgerId, ledger.checksum_version, sealer);
  });
}

/**
 * Adds the batch's delta to the stored bucket sums in one upsert: lanes modulo 2^32 (both terms are
 * below 2^32, so the sum fits a 64-bit integer before the modulo), field counts added.
 */
export async function addToBuckets(
  trx: Transaction<Database>,
  ledgerId: string,
  delta: ChecksumDelta,
): Promise<void> {
  const changes = delta.buckets();
  if (changes.length === 0) return;
  const lane = (column: 'hi' | 'lo') =>
    sql<number>`(${sql.ref(`checksum_buckets.${column}`)} + ${sql.ref(`excluded.${column}`)}) % 4294967296`;
  await trx
    .insertInto('checksum_buckets')
    .values(
      changes.map((change) => ({
        ledger_id: ledgerId,
        tbl: change.table,
        bucket: change.bucket,
        hi: change.hi,
        lo: change.lo,
        fields: change.fields,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['ledger_id', 'tbl', 'bucket']).doUpdateSet({
        hi: lane('hi'),
        lo: lane('lo'),
        fields: sql<number>`${sql.ref('checksum_buckets.fields')} + ${sql.ref('excluded.fields')}`,
      }),
    )
    .execute();
}
