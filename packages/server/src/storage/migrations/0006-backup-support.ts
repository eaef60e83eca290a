import type { Kysely, Migration } from 'kysely';

/**
 * What backups need from the storage:
 * - `op_log.received_at`: when the server accepted each op (its own clock, not the device's HLC),
 *   so a restore `--at` a moment can cut every ledger's log where the server stood then. Ops logged
 *   before this migration have none; backups place them at their stamp's wall time instead.
 * - `server_info`: this database's identity (`server_id`, made at the first open after this
 *   migration, and again by a restore: a restored database is another server, whose backups start a
 *   new generation) and the mark a restore leaves until it has finished (`restore_incomplete`).
 */
export const backupSupport: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('op_log').addColumn('received_at', 'text').execute();
    await db.schema
      .createTable('server_info')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
