import { randomUUID } from 'node:crypto';
import {
  bucketOf,
  CHECKSUM_VERSION,
  ChecksumDelta,
  categoryIdOf,
  isDeleted,
  KakeiboError,
  type PackedRowMessage,
  sortDateOf,
  unpackRow,
} from '@kakeibo/core';
import { emailPlace } from './account-keys.js';
import type { AuditEventRecord } from './account-types.js';
import {
  appendBatch,
  CONFLICT_COLUMNS,
  ENTITY_ROW_COLUMNS,
  OP_LOG_COLUMNS,
  opLogRow,
} from './append-batch.js';
import type { BackupAccount, BackupConflict, BackupOp } from './backup-types.js';
import { addToBuckets } from './checksum-buckets.js';
import { encodePackedRow, sealConflictBody } from './codec.js';
import { int, type StorageContext, sealerFor } from './context.js';
import { sealDeviceText } from './device-text.js';

/**
 * A restore's writes into an empty storage: the records a backup carries, sealed again with this
 * storage's keys (the e-mail lookup key too, since it is derived from the storage's own key). The
 * database is marked incomplete from beginRestore until finishRestore, and a server refuses to
 * serve it in between, so a restore that failed or was killed is never mistaken for a good one.
 */

const restoreFailed = (message: string, details?: Record<string, unknown>) =>
  new KakeiboError('restore.seq_mismatch', message, details);

export async function beginRestore(ctx: StorageContext): Promise<void> {
  const user = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const ledger = await ctx.db.selectFrom('ledgers').select('id').limit(1).executeTakeFirst();
  if (user || ledger) {
    throw new KakeiboError(
      'restore.target_not_empty',
      'The target storage already holds accounts: restore into a new data directory or an empty database.',
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('server_info').execute();
    await trx
      .insertInto('server_info')
      .values([
        { key: 'server_id', value: randomUUID() },
        { key: 'restore_incomplete', value: ctx.now() },
      ])
      .execute();
  });
}

export async function finishRestore(ctx: StorageContext): Promise<void> {
  await ctx.db.deleteFrom('server_info').where('key', '=', 'restore_incomplete').execute();
}

/** The user, their ledger (empty, head 0, a new data key where columns are sealed), devices, tokens, events. */
export async function restoreAccount(ctx: StorageContext, account: BackupAccount): Promise<void> {
  const { user, ledger } = account;
  const key = ctx.keys?.newWrappedKey(ledger.id);
  await ctx.db.transaction().execute(async (trx) => {
    const inTrx: StorageContext = { ...ctx, db: trx };
    await trx
      .insertInto('users')
      .values({
        id: user.id,
        email_index: ctx.accounts.emailIndex(user.email),
        email: ctx.accounts.emails.seal(emailPlace(user.id), user.email),
        password_hash: user.passwordHash,
        ledger_id: user.ledgerId,
        created_at: user.createdAt,
        disabled_at: user.disabledAt,
      })
      .execute();
    await trx
      .insertInto('ledgers')
      .values({
        id: ledger.id,
        user_id: ledger.userId,
        head: 0,
        wrapped_key: key?.wrapped ?? null,
        created_at: ledger.createdAt,
        checksum_version: CHECKSUM_VERSION,
      })
      .execute();
    const sealer = await sealerFor(inTrx, ledger.id);
    for (const d of account.devices) {
      await trx
        .insertInto('devices')
        .values({
          ledger_id: d.ledgerId,
          id: d.id,
          user_id: d.userId,
          ...sealDeviceText(sealer, d),
          public_key_jwk: d.publicKeyJwk,
          alg: d.alg,
          created_at: d.createdAt,
          last_seen_at: d.lastSeenAt,
          revoked_at: d.revokedAt,
          sessions_ended_at: d.sessionsEndedAt,
        })
        .execute();
    }
    for (const t of account.refreshTokens) {
      await trx
        .insertInto('refresh_tokens')
        .values({
          token_hash: t.tokenHash,
          ledger_id: t.ledgerId,
          user_id: t.userId,
          device_id: t.deviceId,
          family_id: t.familyId,
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          rotated_at: t.rotatedAt,
          successor_hash: t.successorHash,
          revoked_at: t.revokedAt,
        })
        .execute();
    }
    await insertAudit(inTrx, account.audit);
  });
  key?.keep();
}

export function restoreUnownedAudit(ctx: StorageContext, events: readonly AuditEventRecord[]): Promise<void> {
  return insertAudit(ctx, events);
}

async function insertAudit(ctx: StorageContext, events: readonly AuditEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await ctx.db
    .insertInto('audit_events')
    .values(
      events.map((e) => ({
        ledger_id: e.ledgerId ?? '',
        id: e.id,
        at: e.at,
        kind: e.kind,
        ip: e.ip,
        device_id: e.deviceId,
        user_id: e.userId,
        detail: JSON.stringify(e.detail),
      })),
    )
    .execute();
}

export async function restoreRows(
  ctx: StorageContext,
  ledgerId: string,
  rows: readonly PackedRowMessage[],
): Promise<void> {
  if (rows.length === 0) return;
  const sealer = await sealerFor(ctx, ledgerId);
  const sums = new ChecksumDelta();
  const values = rows.map(({ table, rowId, packed }) => {
    const row = unpackRow(packed);
    sums.addRow(table, rowId, row);
    return [
      ledgerId,
      table,
      rowId,
      encodePackedRow(sealer, ledgerId, table, rowId, packed),
      isDeleted(row) ? 1 : 0,
      sortDateOf(row),
      categoryIdOf(row),
      bucketOf(rowId),
    ];
  });
  await ctx.db.transaction().execute(async (trx) => {
    await ctx.traits.bulkInsert(trx, { table: 'entity_rows', columns: ENTITY_ROW_COLUMNS, rows: values });
    await addToBuckets(trx, ledgerId, sums);
  });
}

export async function restoreLoggedOps(
  ctx: StorageContext,
  ledgerId: string,
  ops: readonly BackupOp[],
): Promise<void> {
  const last = ops.at(-1);
  if (!last) return;
  const sealer = await sealerFor(ctx, ledgerId);
  await ctx.db.transaction().execute(async (trx) => {
    const ledger = await trx
      .selectFrom('ledgers')
      .select('head')
      .where('id', '=', ledgerId)
      .executeTakeFirstOrThrow();
    const head = int(ledger.head);
    ops.forEach((entry, i) => {
      if (entry.seq !== head + i + 1)
        throw restoreFailed(`Ledger ${ledgerId}: the backed-up log skips from ${head + i} to ${entry.seq}.`, {
          ledgerId,
        });
    });
    await ctx.traits.bulkInsert(trx, {
      table: 'op_log',
      columns: OP_LOG_COLUMNS,
      rows: ops.map((entry) => opLogRow(sealer, ledgerId, entry)),
    });
    await trx.updateTable('ledgers').set({ head: last.seq }).where('id', '=', ledgerId).execute();
  });
}

export async function restoreConflicts(
  ctx: StorageContext,
  ledgerId: string,
  conflicts: readonly BackupConflict[],
): Promise<void> {
  if (conflicts.length === 0) return;
  const sealer = await sealerFor(ctx, ledgerId);
  await ctx.traits.bulkInsert(ctx.db, {
    table: 'conflicts',
    columns: CONFLICT_COLUMNS,
    rows: conflicts.map((c) => [
      ledgerId,
      c.id,
      c.seq,
      c.table,
      c.rowId,
      c.field,
      sealConflictBody(sealer, ledgerId, c.id, c.body),
    ]),
    onConflict: { columns: ['ledger_id', 'id'] },
  });
}

export async function replayOps(
  ctx: StorageContext,
  ledgerId: string,
  ops: readonly BackupOp[],
): Promise<void> {
  if (ops.length === 0) return;
  const outcome = await appendBatch(
    ctx,
    ledgerId,
    ops.map((entry) => entry.op),
    ops.map((entry) => entry.receivedAt),
  );
  outcome.results.forEach((result, i) => {
    const expected = ops[i]?.seq;
    if (result.status !== 'applied' || result.seq !== expected)
      throw restoreFailed(
        `Ledger ${ledgerId}: op ${result.opId} went to ${result.status} at ${result.seq}, not to its backed-up seq ${expected}.`,
        { ledgerId },
      );
  });
}
