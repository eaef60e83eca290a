import {
  bucketOf,
  type Conflict,
  isDeleted,
  mergeOp,
  type Op,
  parseHash64Hex,
  type RowState,
  StateChecksum,
} from '@kakeibo/core';
import type { Insertable, Transaction } from 'kysely';
import type { BulkColumn } from './bulk.js';
import {
  categoryIdOf,
  decodeRow,
  encodeConflictBody,
  encodeOpFields,
  encodePrev,
  encodeRow,
  sortDateOf,
} from './codec.js';
import { int, type StorageContext, sealerFor } from './context.js';
import type { DialectTraits } from './dialect.js';
import { ledgerNotFound, type Sealer } from './ledger-keys.js';
import type { Database } from './schema.js';
import { head as currentHead } from './sync-reads.js';
import type { AppendOutcome, AppendResult } from './types.js';

type Trx = Transaction<Database>;
type Fresh = { op: Op; seq: number };
const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/**
 * The ingest hot path. One transaction and a constant number of statements per batch, whatever
 * its size: read the head, the known op ids, the affected rows and checksum buckets; merge in
 * memory with core's mergeOp; then write everything back with multi-row statements.
 */
export async function appendOps(ctx: StorageContext, ledgerId: string, ops: readonly Op[]): Promise<AppendOutcome> {
  if (ops.length === 0) return { results: [], conflicts: [], head: await currentHead(ctx, ledgerId) };
  // Fetched before the transaction: on SQLite the one connection is busy inside it.
  const sealer = await sealerFor(ctx, ledgerId);
  return ctx.db.transaction().execute(async (trx) => {
    const ledger = await trx
      .selectFrom('ledgers')
      .select('head')
      .where('id', '=', ledgerId)
      .$if(ctx.traits.lockLedgerRow, (q) => q.forUpdate())
      .executeTakeFirst();
    if (!ledger) throw ledgerNotFound(ledgerId);
    let head = int(ledger.head);

    // Known ids are duplicates (a retried push); so is an id repeated within this batch.
    const seqs = await knownSeqs(trx, ctx.traits, ledgerId, ops);
    const results: AppendResult[] = [];
    const fresh: Fresh[] = [];
    for (const op of ops) {
      const known = seqs.get(op.id);
      if (known !== undefined) {
        results.push({ opId: op.id, status: 'duplicate', seq: known });
        continue;
      }
      head += 1;
      seqs.set(op.id, head);
      fresh.push({ op, seq: head });
      results.push({ opId: op.id, status: 'applied', seq: head });
    }
    if (fresh.length === 0) return { results, conflicts: [], head };

    const rows = await loadRows(trx, ctx.traits, sealer, ledgerId, fresh);
    const changed = new Set<string>();
    const delta = new StateChecksum();
    const conflicts: Array<Conflict & { seq: number }> = [];
    for (const { op, seq } of fresh) {
      const key = rowKey(op.table, op.rowId);
      const merged = mergeOp(rows.get(key), op);
      for (const { field, before, after } of merged.changes) {
        if (before) delta.apply(op.table, op.rowId, field, before.stamp, before.value, -1);
        delta.apply(op.table, op.rowId, field, after.stamp, after.value, 1);
      }
      if (merged.changes.length > 0) {
        rows.set(key, merged.row);
        changed.add(key);
      }
      for (const conflict of merged.conflicts) conflicts.push({ ...conflict, seq });
    }

    await insertOps(trx, ctx.traits, sealer, ledgerId, fresh);
    await upsertRows(trx, ctx.traits, sealer, ledgerId, changed, rows);
    await insertConflicts(trx, ctx.traits, sealer, ledgerId, conflicts);
    await addToBuckets(trx, ledgerId, delta);
    await trx.updateTable('ledgers').set({ head }).where('id', '=', ledgerId).execute();
    return { results, conflicts, head };
  });
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
    let ids = idsByTable.get(op.table);
    if (!ids) idsByTable.set(op.table, (ids = new Set()));
    ids.add(op.rowId);
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

const OP_LOG_COLUMNS: BulkColumn[] = [
  { name: 'ledger_id', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'op_id', type: 'text' },
  { name: 'tbl', type: 'text' },
  { name: 'row_id', type: 'text' },
  { name: 'stamp', type: 'text' },
  { name: 'device_id', type: 'text' },
  { name: 'fields', type: 'text' },
  { name: 'prev', type: 'text' },
];

function insertOps(trx: Trx, traits: DialectTraits, sealer: Sealer, ledgerId: string, fresh: readonly Fresh[]) {
  return traits.bulkInsert(trx, {
    table: 'op_log',
    columns: OP_LOG_COLUMNS,
    rows: fresh.map(({ op, seq }) => [
      ledgerId,
      seq,
      op.id,
      op.table,
      op.rowId,
      op.stamp,
      op.deviceId,
      encodeOpFields(sealer, ledgerId, op),
      encodePrev(op),
    ]),
  });
}

const ENTITY_ROW_COLUMNS: BulkColumn[] = [
  { name: 'ledger_id', type: 'text' },
  { name: 'tbl', type: 'text' },
  { name: 'row_id', type: 'text' },
  { name: 'fields', type: 'text' },
  { name: 'deleted', type: 'integer' },
  { name: 'sort_date', type: 'text' },
  { name: 'category_id', type: 'text' },
  { name: 'bucket', type: 'integer' },
];

function upsertRows(
  trx: Trx,
  traits: DialectTraits,
  sealer: Sealer,
  ledgerId: string,
  changed: ReadonlySet<string>,
  rows: ReadonlyMap<string, RowState>,
) {
  // One entry per row (several ops of a batch may touch the same one): PostgreSQL refuses an
  // upsert that updates the same row twice in one statement.
  const values: unknown[][] = [];
  for (const key of changed) {
    const row = rows.get(key) as RowState;
    const [table, rowId] = key.split('\u0000') as [string, string];
    values.push([
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
  return traits.bulkInsert(trx, {
    table: 'entity_rows',
    columns: ENTITY_ROW_COLUMNS,
    rows: values,
    onConflict: { columns: ['ledger_id', 'tbl', 'row_id'], update: ['fields', 'deleted', 'sort_date', 'category_id'] },
  });
}

const CONFLICT_COLUMNS: BulkColumn[] = [
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
      encodeConflictBody(sealer, ledgerId, c),
    ]),
    // A conflict id is deterministic; one already recorded stays as first recorded.
    onConflict: { columns: ['ledger_id', 'id'] },
  });
}

/**
 * Adds the batch's checksum delta (kept by core's own StateChecksum, so the arithmetic is the one
 * every replica uses) to the stored bucket sums: lane-wise modulo 2^32, field counts added.
 */
async function addToBuckets(trx: Trx, ledgerId: string, delta: StateChecksum) {
  const changes = delta.toBuckets();
  if (changes.length === 0) return;
  const tables = [...new Set(changes.map((b) => b.table))];
  const stored = await trx
    .selectFrom('checksum_buckets')
    .select(['tbl', 'bucket', 'hi', 'lo', 'fields'])
    .where('ledger_id', '=', ledgerId)
    .where('tbl', 'in', tables)
    .execute();
  const current = new Map(stored.map((b) => [`${b.tbl}/${b.bucket}`, b]));
  const values: Array<Insertable<Database['checksum_buckets']>> = changes.map((change) => {
    const d = parseHash64Hex(change.hash);
    const was = current.get(`${change.table}/${change.bucket}`);
    return {
      ledger_id: ledgerId,
      tbl: change.table,
      bucket: change.bucket,
      hi: (int(was?.hi ?? 0) + d.hi) >>> 0,
      lo: (int(was?.lo ?? 0) + d.lo) >>> 0,
      fields: int(was?.fields ?? 0) + change.fields,
    };
  });
  await trx
    .insertInto('checksum_buckets')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['ledger_id', 'tbl', 'bucket']).doUpdateSet((eb) => ({
        hi: eb.ref('excluded.hi'),
        lo: eb.ref('excluded.lo'),
        fields: eb.ref('excluded.fields'),
      })),
    )
    .execute();
}
