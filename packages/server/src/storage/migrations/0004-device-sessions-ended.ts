import type { Kysely, Migration } from 'kysely';

/**
 * When a refresh token is reused (theft), its whole family is revoked; the access token minted for
 * that family must stop working at once too, not when it expires. Access tokens are stateless, so the
 * device row (read on every request anyway) records the moment, and tokens minted before it are refused.
 */
export const deviceSessionsEnded: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('devices').addColumn('sessions_ended_at', 'text').execute();
  },
};
