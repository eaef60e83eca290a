import type { StorageContext } from './context.js';
import { toToken } from './records.js';
import type { RefreshTokenRecord } from './types.js';

/** Refresh tokens (stored hashed), rotated on every use; families revoked whole on reuse. */

type NewToken = Omit<RefreshTokenRecord, 'rotatedAt' | 'successorHash' | 'revokedAt'>;

const toRow = (t: NewToken) => ({
  token_hash: t.tokenHash,
  ledger_id: t.ledgerId,
  user_id: t.userId,
  device_id: t.deviceId,
  family_id: t.familyId,
  created_at: t.createdAt,
  expires_at: t.expiresAt,
  rotated_at: null,
  successor_hash: null,
  revoked_at: null,
});

export async function insertRefreshToken(ctx: StorageContext, token: NewToken): Promise<void> {
  await ctx.db.insertInto('refresh_tokens').values(toRow(token)).execute();
}

export async function findRefreshToken(
  ctx: StorageContext,
  tokenHash: string,
): Promise<RefreshTokenRecord | null> {
  const row = await ctx.db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toToken(row) : null;
}

/**
 * The conditional update is the lock: of two concurrent refreshes with the same token exactly one
 * changes a row; the other sees 0 rows and inserts nothing.
 */
export async function rotateRefreshToken(
  ctx: StorageContext,
  oldHash: string,
  next: NewToken,
  at: string,
): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at: at, successor_hash: next.tokenHash })
      .where('token_hash', '=', oldHash)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx.insertInto('refresh_tokens').values(toRow(next)).execute();
    return true;
  });
}

/**
 * A retried refresh whose answer was lost: the old token is rotated but its successor never reached
 * the device. Only while that successor is still unused (neither rotated nor revoked) does the old
 * token get a new successor; the unused one is revoked so that two live tokens never descend from
 * one. `rotated_at` keeps the first rotation's time, so retries cannot stretch the grace period.
 */
export async function replaceSuccessor(
  ctx: StorageContext,
  oldHash: string,
  next: NewToken,
  at: string,
): Promise<boolean> {
  return ctx.db
    .transaction()
    .execute(async (trx) => {
      const old = await trx
        .selectFrom('refresh_tokens')
        .select(['successor_hash'])
        .where('token_hash', '=', oldHash)
        .where('rotated_at', 'is not', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const previous = old?.successor_hash;
      if (!previous) return false;
      const retired = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('token_hash', '=', previous)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(retired.numUpdatedRows) !== 1) return false;
      // Conditional on the successor we just retired, so two concurrent retries cannot both win.
      const repointed = await trx
        .updateTable('refresh_tokens')
        .set({ successor_hash: next.tokenHash })
        .where('token_hash', '=', oldHash)
        .where('successor_hash', '=', previous)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(repointed.numUpdatedRows) !== 1) throw new RetryLost();
      await trx.insertInto('refresh_tokens').values(toRow(next)).execute();
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof RetryLost) return false;
      throw error;
    });
}

/** Thrown inside the transaction so the successor revoked above is rolled back too. */
class RetryLost extends Error {}

export async function revokeRefreshFamily(ctx: StorageContext, familyId: string, at: string): Promise<void> {
  // The device is marked first: were the second statement lost, the tokens would still be refused.
  await ctx.db
    .updateTable('devices')
    .set({ sessions_ended_at: at })
    .where(({ eb, exists, selectFrom }) =>
      exists(
        selectFrom('refresh_tokens')
          .select('refresh_tokens.token_hash')
          .where('refresh_tokens.family_id', '=', familyId)
          .whereRef('refresh_tokens.ledger_id', '=', 'devices.ledger_id')
          .whereRef('refresh_tokens.device_id', '=', 'devices.id'),
      ).and(eb.or([eb('sessions_ended_at', 'is', null), eb('sessions_ended_at', '<', at)])),
    )
    .execute();
  await ctx.db
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserRefreshTokens(
  ctx: StorageContext,
  userId: string,
  at: string,
  exceptDeviceId?: string,
): Promise<void> {
  await ctx.db
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(exceptDeviceId !== undefined, (q) => q.where('device_id', '<>', exceptDeviceId ?? ''))
    .execute();
}
