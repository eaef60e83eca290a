import type { Kysely, Migration } from 'kysely';

/**
 * Signature nonces seen within the replay window, so that a request captured and replayed after the
 * server restarted (its memory gone) is still refused. Not ledger data: a sign-up's nonce belongs to
 * no ledger yet. Rows expire with the window and are pruned.
 */
export const usedNonces: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('used_nonces')
      .addColumn('nonce', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('used_nonces_by_expiry').on('used_nonces').column('expires_at').execute();
  },
};
