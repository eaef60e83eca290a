import type { StorageContext } from './context.js';

/** Signature nonces within the replay window (see migration 0003), one atomic statement each. */

export async function rememberNonce(
  ctx: StorageContext,
  nonce: string,
  expiresAtMs: number,
  nowMs: number,
): Promise<boolean> {
  // Inserted, or an expired use taken over; a nonce still in use returns no row: a replay.
  const row = await ctx.db
    .insertInto('used_nonces')
    .values({ nonce, expires_at: expiresAtMs })
    .onConflict((oc) =>
      oc
        .column('nonce')
        .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
        .where('used_nonces.expires_at', '<=', nowMs),
    )
    .returning('nonce')
    .executeTakeFirst();
  return row !== undefined;
}

export async function pruneNonces(ctx: StorageContext, nowMs: number): Promise<number> {
  const result = await ctx.db.deleteFrom('used_nonces').where('expires_at', '<=', nowMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
