import type { Kysely, Migration } from 'kysely';

/**
 * Which definition of core's field hash a ledger's stored checksum buckets follow. Ledgers from
 * before this column were summed with version 1; the storage recomputes such a ledger's buckets from
 * its rows the first time it needs them (checksum-buckets.ts), rather than here: a migration cannot
 * open sealed rows, and recomputing every ledger at once would hold a large instance's start for as
 * long as reading all of its data takes.
 */
export const checksumVersion: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('ledgers')
      .addColumn('checksum_version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
};
