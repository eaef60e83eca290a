import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The first schema, written once for both dialects: only `text`, `integer` and `bigint` columns and
 * constraints both SQLite and PostgreSQL understand. Every ledger-owned table leads its primary key
 * with ledger_id, so the data can later be sharded by ledger without changing a query.
 */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .addUniqueConstraint('users_email_unique', ['email'])
      .addUniqueConstraint('users_ledger_unique', ['ledger_id'])
      .execute();

    await db.schema
      .createTable('ledgers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('head', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('wrapped_key', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('devices')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('public_key_jwk', 'text', (c) => c.notNull())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('devices_pk', ['ledger_id', 'id'])
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('rotated_at', 'text')
      .addColumn('successor_hash', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
    await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();
    await db.schema
      .createIndex('refresh_tokens_device')
      .on('refresh_tokens')
      .columns(['ledger_id', 'device_id'])
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('device_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_events_pk', ['ledger_id', 'id'])
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').columns(['ledger_id', 'at']).execute();

    await db.schema
      .createTable('op_log')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('op_id', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('stamp', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('prev', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('op_log_pk', ['ledger_id', 'seq'])
      .addUniqueConstraint('op_log_op_unique', ['ledger_id', 'op_id'])
      .execute();

    await db.schema
      .createTable('entity_rows')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('sort_date', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('entity_rows_pk', ['ledger_id', 'tbl', 'row_id'])
      .execute();
    // Partial on a predicate that is always true (the column is NOT NULL), so only queries that say
    // `sort_date IS NOT NULL` (queryRows) can use it. Otherwise PostgreSQL, before it has statistics,
    // rates this index equal to the primary key for appendOps' row lookups and may pick it: every
    // probe would then scan the ledger's whole table.
    await db.schema
      .createIndex('entity_rows_by_date')
      .on('entity_rows')
      .columns(['ledger_id', 'tbl', 'sort_date', 'row_id'])
      .where(sql.ref('sort_date'), 'is not', null)
      .execute();

    await db.schema
      .createTable('conflicts')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('row_id', 'text', (c) => c.notNull())
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conflicts_pk', ['ledger_id', 'id'])
      .execute();
    await db.schema.createIndex('conflicts_by_seq').on('conflicts').columns(['ledger_id', 'seq']).execute();

    await db.schema
      .createTable('checksum_buckets')
      .addColumn('ledger_id', 'text', (c) => c.notNull())
      .addColumn('tbl', 'text', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('hi', 'bigint', (c) => c.notNull())
      .addColumn('lo', 'bigint', (c) => c.notNull())
      .addColumn('fields', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('checksum_buckets_pk', ['ledger_id', 'tbl', 'bucket'])
      // The protocol bounds a checksum's table name to 32 characters (ChecksumBucketSchema); a longer
      // one could never be reported, so it is refused here, inside the append transaction.
      .addCheckConstraint('checksum_buckets_tbl_length', sql`length(tbl) between 1 and 32`)
      .addCheckConstraint('checksum_buckets_bucket_range', sql`bucket between 0 and 15`)
      .execute();
  },
};
