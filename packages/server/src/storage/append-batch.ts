import {
  bucketOf,
  ChecksumDelta,
  type Conflict,
  categoryIdOf,
  isDeleted,
  mergeOp,
  type Op,
  type RowState,
  sortDateOf,
} from '@kakeibo/core';
import type { Transaction } from 'kysely';
import type { BulkColumn } from './bulk.js';
import { addToBuckets, ensureChecksumVersion } from './checksum-buckets.js';
import { decodeRow, encodeConflict, encodeOpFields, encodePrev, encodeRow } from './codec.js';
import { int, type StorageContext, sealerFor } from './context.js';
import type { DialectTraits } from './dialect.js';
import { ledgerNotFound, type Sealer } from './ledger-keys.js';
import type { Database } from './schema.js';
import { head as currentHead } from './sync-reads.js';
import type { AppendOutcome, AppendResult } from './types.js';

type Trx = Transaction<Database>;
type Fresh = { op: Op; seq: number; receivedAt: string };
const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/**
 * When the server accepted each op: one time for a whole push (its transaction's), or one per op
 * (a restore replaying a backed-up log keeps the times the ops were first accepted).
 */
export type ReceivedAt = string | readonly string[];

/**
 * The ingest hot path. One transaction and a constant number of statements per batch, whatever
 * its size: lock and read the head, look up the known op ids and the affected rows, merge in memory
 * with core's mergeOp, then write the log, rows, conflicts, checksum buckets and head back with
 * multi-row statements. No statement per op: a round trip costs more than merging a thousand.
 * Shared by appends (append.ts) and a restore's replay of a backed-up log (restore-writes.ts).
 */
export async function appendBatch(
  ctx: StorageContext,
  ledgerId: string,
  ops: readonly Op[],
  receivedAt: ReceivedAt,
): Promise<AppendOutcome> {
  if (ops.length === 0) return { results: [], conflicts: [], head: await currentHead(ctx, ledgerId) };
  // Fetched before the transaction: on SQLite the one connection is busy inside it.
  const sealer = await sealerFor(ctx, ledgerId);
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await trx
      .selectFrom('ledgers')
      .select(['head', 'checksum_version'])
      .where('id', '=', ledgerId)
      .$if(ctx.traits.lockLedgerRow, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!ledger) throw ledgerNotFound(ledgerId);
    // Before this batch's delta is added: the sums it adds to must follow the current definition.
    await ensureChecksumVersion(trx, ledgerId, int(ledger.checksum_version), sealer);
    let head = int(ledger.head);

    // Known ids are duplicates (a retried push); so is an id repeated within this batch.
    const seqs = await knownSeqs(trx, ctx.traits, ledgerId, ops);
    const results: AppendResult[] = [];
    const fresh: Fresh[] = [];
    for (const [index, op] of ops.entries()) {
      const known = seqs.get(op.id);
      if (known !== undefined) {
        results.push({ opId: op.id, status: 'duplicate', seq: known });
        continue;
      }
      head += 1;
      seqs.set(op.id, head);
      fresh.push({
        op,
        seq: head,
        receivedAt: typeof receivedAt === 'string' ? receivedAt : (receivedAt[index] as string),
      });
      results.push({ opId: op.id, status: 'applied', seq: head });
    }
    if (fresh.length === 0) return { results, conflicts: [], head };

    const stored = await loadRows(trx, ctx.traits, sealer, ledgerId, fresh);
    // The log needs nothing from the merge: the database writes it while this process merges
    // (PostgreSQL works in another process; the yield lets the statement leave before the merge).
    const logWritten = insertOps(trx, ctx.traits, sealer, ledgerId, fresh);
    logWritten.catch(() => undefined); // awaited below; this only stops an early failure counting as unhandled
    await yieldToIo();
    const merged = mergeBatch(fresh, stored);
    await logWritten;
    await writeRows(trx, ctx.traits, sealer, ledgerId, merged.changed, stored);
    await insertConflicts(trx, ctx.traits, sealer, ledgerId, merged.conflicts);
    await addToBuckets(trx, ledgerId, merged.delta);
    await trx.updateTable('ledgers').set({ head }).where('id', '=', ledgerId).execute();
    return { results, conflicts: merged.conflicts, head };
  });
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Applies the new ops in log order with core's mergeOp, exactly as every replica does. */
function mergeBatch(fresh: readonly Fresh[], stored: ReadonlyMap<string, RowState>) {
  const changed = new Map<string, RowState>();
  const delta = new ChecksumDelta();
  const conflicts: Array<Conflict & { seq: number }> = [];
  for (const { op, seq } of fresh) {
    const key = rowKey(op.table, op.rowId);
    const merged = mergeOp(changed.get(key) ?? stored.get(key), op);
    delta.add(op.table, op.rowId, merged.changes);
    if (merged.changes.length > 0) changed.set(key, merged.row);
    for (const conflict of merged.conflicts) conflicts.push({ ...conflict, seq });
  }
  return { changed, delta, conflicts };
}

async function knownSeqs(trx: Trx, traits: DialectTraits, ledgerId: string, ops: readonly Op[]) {
  const found = await traits.bulkLookup(trx, {
    table: 'op_log',
    where: [['ledger_id', ledgerId]],
    key: 'op_id',
    keys: [...new Set(ops.map((op) => op.id))],
    select: ['seq'],
  });
  return new Map(found.map((r) => [r.op_id as string, int(r.seq as number | string)]));
}

/** The current state of every row the batch touches: one lookup per table. */
async function loadRows(
  trx: Trx,
  traits: DialectTraits,
  sealer: Sealer,
  ledgerId: string,
  fresh: readonly Fresh[],
): Promise<Map<string, RowState>> {
  const idsByTable = new Map<string, Set<string>>();
  for (const { op } of fresh) {
    const ids = idsByTable.get(op.table);
    if (ids) ids.add(op.rowId);
    else idsByTable.set(op.table, new Set([op.rowId]));
  }
  const rows = new Map<string, RowState>();
  for (const [table, ids] of idsByTable) {
    const found = await traits.bulkLookup(trx, {
      table: 'entity_rows',
      where: [
        ['ledger_id', ledgerId],
        ['tbl', table],
      ],
      key: 'row_id',
      keys: [...ids],
      select: ['fields'],
    });
    for (const r of found) {
      const rowId = r.row_id as string;
      rows.set(rowKey(table, rowId), decodeRow(sealer, ledgerId, table, rowId, r.fields as string));
    }
  }
  return rows;
}

export const OP_LOG_COLUMNS: BulkColumn[] = [
  { name: 'ledger_id', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'op_id', type: 'text' },
  { name: 'tbl', type: 'text' },
  { name: 'row_id', type: 'text' },
  { name: 'stamp', type: 'text' },
  { name: 'device_id', type: 'text' },
  { name: 'fields', type: 'text' },
  { name: 'prev', type: 'text' },
  { name: 'received_at', type: 'text' },
];

/** One op as its op_log row, in OP_LOG_COLUMNS order: what appends and restores both write. */
export function opLogRow(
  sealer: Sealer,
  ledgerId: string,
  { op, seq, receivedAt }: { op: Op; seq: number; receivedAt: string },
) {
  return [
    ledgerId,
    seq,
    op.id,
    op.table,
    op.rowId,
    op.stamp,
    op.deviceId,
    encodeOpFields(sealer, ledgerId, op),
    encodePrev(op),
    receivedAt,
  ];
}

function insertOps(
  trx: Trx,
  traits: DialectTraits,
  sealer: Sealer,
  ledgerId: string,
  fresh: readonly Fresh[],
) {
  return traits.bulkInsert(trx, {
    table: 'op_log',
    columns: OP_LOG_COLUMNS,
    rows: fresh.map((entry) => opLogRow(sealer, ledgerId, entry)),
  });
}

export const ENTITY_ROW_COLUMNS: BulkColumn[] = [
  { name: 'ledger_id', type: 'text' },
  { name: 'tbl', type: 'text' },
  { name: 'row_id', type: 'text' },
  { name: 'fields', type: 'text' },
  { name: 'deleted', type: 'integer' },
  { name: 'sort_date', type: 'text' },
  { name: 'category_id', type: 'text' },
  { name: 'bucket', type: 'integer' },
];

/**
 * One entry per row, however many ops of the batch touched it (PostgreSQL refuses an upsert that
 * changes a row twice in one statement). Rows the batch created are plain inserts, cheaper than an
 * upsert; the ledger is locked for the batch, so nobody else can have created them meanwhile.
 */
async function writeRows(
  trx: Trx,
  traits: DialectTraits,
  sealer: Sealer,
  ledgerId: string,
  changed: ReadonlyMap<string, RowState>,
  stored: ReadonlyMap<string, RowState>,
) {
  const created: unknown[][] = [];
  const updated: unknown[][] = [];
  for (const [key, row] of changed) {
    const [table, rowId] = key.split('\u0000') as [string, string];
    (stored.has(key) ? updated : created).push([
      ledgerId,
      table,
      rowId,
      encodeRow(sealer, ledgerId, table, rowId, row),
      isDeleted(row) ? 1 : 0,
      sortDateOf(row),
      categoryIdOf(row),
      bucketOf(rowId),
    ]);
  }
  await traits.bulkInsert(trx, { table: 'entity_rows', columns: ENTITY_ROW_COLUMNS, rows: created });
  await traits.bulkInsert(trx, {
    table: 'entity_rows',
    columns: ENTITY_ROW_COLUMNS,
    rows: updated,
    onConflict: {
      columns: ['ledger_id', 'tbl', 'row_id'],
      update: ['fields', 'deleted', 'sort_date', 'category_id'],
    },
  });
}

export const CONFLICT_COLUMNS: BulkColumn[] = [
  { name: 'ledger_id', type: 'text' },
  { name: 'id', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'tbl', type: 'text' },
  { name: 'row_id', type: 'text' },
  { name: 'field', type: 'text' },
  { name: 'body', type: 'text' },
];

function insertConflicts(
  trx: Trx,
  traits: DialectTraits,
  sealer: Sealer,
  ledgerId: string,
  conflicts: ReadonlyArray<Conflict & { seq: number }>,
) {
  return traits.bulkInsert(trx, {
    table: 'conflicts',
    columns: CONFLICT_COLUMNS,
    rows: conflicts.map((c) => [
      ledgerId,
      c.id,
      c.seq,
      c.table,
      c.rowId,
      c.field,
      encodeConflict(sealer, ledgerId, c),
    ]),
    // A conflict id is deterministic; one already recorded stays as first recorded.
    onConflict: { columns: ['ledger_id', 'id'] },
  });
}
