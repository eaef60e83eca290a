import { randomUUID } from 'node:crypto';
import { CHECKSUM_VERSION, combineBuckets, hash64Hex, stampWallMs, type TableName } from '@kakeibo/core';
import type {
  BackupAccount,
  BackupConflict,
  BackupLedger,
  BackupOp,
  BackupSource,
  ServerInfo,
} from './backup-types.js';
import { upgradeChecksum } from './checksum-buckets.js';
import { decodeOpFields, decodePrev, openConflictBody } from './codec.js';
import { int, type StorageContext, sealerFor } from './context.js';
import { PLAIN } from './ledger-keys.js';
import { NO_LEDGER, toAuditEvent, toDevice, toToken, toUser } from './records.js';
import { readSnapshot } from './sync-reads.js';

/** Audit events that belong to no ledger are keyed by '' (see audit.ts). */

/** This database's identity, made the first time it is asked for. */
export async function serverInfo(ctx: StorageContext): Promise<ServerInfo> {
  await ctx.db
    .insertInto('server_info')
    .values({ key: 'server_id', value: randomUUID() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = await ctx.db.selectFrom('server_info').select(['key', 'value']).execute();
  const info = new Map(rows.map((r) => [r.key, r.value]));
  return { serverId: info.get('server_id') ?? '', restoreIncomplete: info.has('restore_incomplete') };
}

/**
 * One read transaction for the whole backup: REPEATABLE READ on PostgreSQL (one snapshot of every
 * table), and on SQLite a read transaction of this process's own connection, which in WAL mode sees
 * the file as it was at its first read while the server goes on writing. Checksums summed with an
 * older field hash are recomputed first (a write, so outside the snapshot).
 */
export async function readForBackup<T>(
  ctx: StorageContext,
  read: (source: BackupSource) => Promise<T>,
): Promise<T> {
  const stale = await ctx.db
    .selectFrom('ledgers')
    .select('id')
    .where('checksum_version', '<>', CHECKSUM_VERSION)
    .execute();
  for (const { id } of stale) await upgradeChecksum(ctx, id);
  const { serverId } = await serverInfo(ctx);
  let tx = ctx.db.transaction();
  if (ctx.traits.snapshotReads) tx = tx.setIsolationLevel('repeatable read').setAccessMode('read only');
  return tx.execute(async (trx) => {
    const inTrx: StorageContext = { ...ctx, db: trx };
    // The snapshot starts with the first read; the time is taken after it.
    await trx.selectFrom('server_info').select('key').limit(1).execute();
    return read(source(inTrx, ctx.now(), serverId));
  });
}

function source(ctx: StorageContext, takenAt: string, serverId: string): BackupSource {
  return {
    takenAt,
    serverId,
    ledgers: (after, limit) => ledgers(ctx, after, limit),
    accounts: (ids) => accounts(ctx, ids),
    unownedAudit: (after, limit) => unownedAudit(ctx, after, limit),
    ops: (ledgerId, after, upTo, limit) => ops(ctx, ledgerId, after, upTo, limit),
    // The snapshot's own page read: the rows as sync serves them, read in this run's transaction.
    rows: (ledgerId, after, limit) => readSnapshot(ctx, ledgerId, after, limit),
    conflicts: (ledgerId, after, upTo, limit) => conflicts(ctx, ledgerId, after, upTo, limit),
    opIdAt: async (ledgerId, seq) => {
      const row = await ctx.db
        .selectFrom('op_log')
        .select('op_id')
        .where('ledger_id', '=', ledgerId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return row?.op_id ?? null;
    },
    checksum: (ledgerId) => checksum(ctx, ledgerId),
  };
}

async function ledgers(ctx: StorageContext, after: string | null, limit: number): Promise<BackupLedger[]> {
  const rows = await ctx.db
    .selectFrom('ledgers')
    .select(['id', 'user_id', 'head', 'created_at'])
    .$if(after !== null, (q) => q.where('id', '>', after ?? ''))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, head: int(r.head), createdAt: r.created_at }));
}

async function accounts(ctx: StorageContext, ledgerIds: readonly string[]): Promise<BackupAccount[]> {
  if (ledgerIds.length === 0) return [];
  const ids = [...ledgerIds];
  const [users, ledgerRows, devices, tokens, events] = await Promise.all([
    ctx.db.selectFrom('users').selectAll().where('ledger_id', 'in', ids).execute(),
    ctx.db.selectFrom('ledgers').select(['id', 'user_id', 'created_at']).where('id', 'in', ids).execute(),
    ctx.db.selectFrom('devices').selectAll().where('ledger_id', 'in', ids).orderBy('id').execute(),
    ctx.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('ledger_id', 'in', ids)
      .orderBy('token_hash')
      .execute(),
    ctx.db.selectFrom('audit_events').selectAll().where('ledger_id', 'in', ids).orderBy('id').execute(),
  ]);
  const byLedger = <R extends { ledger_id: string }>(list: R[]) => {
    const map = new Map<string, R[]>();
    for (const r of list) map.set(r.ledger_id, [...(map.get(r.ledger_id) ?? []), r]);
    return map;
  };
  const userOf = new Map(users.map((u) => [u.ledger_id, u]));
  const ledgerOf = new Map(ledgerRows.map((l) => [l.id, l]));
  const devicesOf = byLedger(devices);
  const tokensOf = byLedger(tokens);
  const eventsOf = byLedger(events);
  const out: BackupAccount[] = [];
  for (const id of ledgerIds) {
    const user = userOf.get(id);
    const ledger = ledgerOf.get(id);
    if (!user || !ledger) continue;
    const sealer = (devicesOf.get(id)?.length ?? 0) > 0 ? await sealerFor(ctx, id) : PLAIN;
    out.push({
      user: toUser(ctx, user),
      ledger: { id: ledger.id, userId: ledger.user_id, createdAt: ledger.created_at },
      devices: (devicesOf.get(id) ?? []).map((d) => toDevice(sealer, d)),
      refreshTokens: (tokensOf.get(id) ?? []).map(toToken),
      audit: (eventsOf.get(id) ?? []).map(toAuditEvent),
    });
  }
  return out;
}

async function unownedAudit(ctx: StorageContext, after: string | null, limit: number) {
  const rows = await ctx.db
    .selectFrom('audit_events')
    .selectAll()
    .where('ledger_id', '=', NO_LEDGER)
    .$if(after !== null, (q) => q.where('id', '>', after ?? ''))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toAuditEvent);
}

async function ops(
  ctx: StorageContext,
  ledgerId: string,
  after: number,
  upTo: number,
  limit: number,
): Promise<BackupOp[]> {
  const rows = await ctx.db
    .selectFrom('op_log')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('seq', '>', after)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const sealer = await sealerFor(ctx, ledgerId);
  return rows.map((r) => {
    const fields = decodeOpFields(sealer, ledgerId, r.op_id, r.fields);
    return {
      seq: int(r.seq),
      // Ops logged before the server kept the time it received them: their stamp's wall time,
      // which the server bounded to at most 5 minutes ahead of its clock when it accepted them.
      receivedAt: r.received_at ?? new Date(stampWallMs(r.stamp)).toISOString(),
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
}

async function conflicts(
  ctx: StorageContext,
  ledgerId: string,
  after: { seq: number; id: string } | null,
  upTo: number,
  limit: number,
): Promise<BackupConflict[]> {
  const found = await ctx.db
    .selectFrom('conflicts')
    .selectAll()
    .where('ledger_id', '=', ledgerId)
    .where('seq', '<=', upTo)
    .$if(after !== null, (q) =>
      q.where((eb) => eb(eb.refTuple('seq', 'id'), '>', eb.tuple(after?.seq ?? 0, after?.id ?? ''))),
    )
    .orderBy('seq')
    .orderBy('id')
    .limit(limit)
    .execute();
  if (found.length === 0) return [];
  const sealer = await sealerFor(ctx, ledgerId);
  return found.map((c) => ({
    id: c.id,
    seq: int(c.seq),
    table: c.tbl,
    rowId: c.row_id,
    field: c.field,
    body: openConflictBody(sealer, ledgerId, c.id, c.body),
  }));
}

async function checksum(ctx: StorageContext, ledgerId: string): Promise<string> {
  const found = await ctx.db
    .selectFrom('checksum_buckets')
    .select(['tbl', 'bucket', 'hi', 'lo', 'fields'])
    .where('ledger_id', '=', ledgerId)
    .execute();
  const buckets = found
    .map((r) => ({ hi: int(r.hi), lo: int(r.lo), fields: int(r.fields), table: r.tbl, bucket: r.bucket }))
    // An empty bucket counts as absent, as core's StateChecksum drops it.
    .filter((b) => b.hi !== 0 || b.lo !== 0 || b.fields !== 0)
    .map((b) => ({ table: b.table, bucket: b.bucket, hash: hash64Hex(b), fields: b.fields }));
  return combineBuckets(buckets);
}
