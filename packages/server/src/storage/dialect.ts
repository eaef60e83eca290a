import {
  type BulkInsert,
  type BulkLookup,
  bulkInsertUnnest,
  bulkInsertValues,
  bulkLookupIn,
  bulkLookupLateral,
  type QueryRunner,
} from './bulk.js';

/**
 * Everything that differs between the two databases, in one place. The shared implementation
 * (kysely-storage.ts) asks these questions instead of testing `kind` all over.
 */
export interface DialectTraits {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * PostgreSQL runs appends of one ledger concurrently on several connections (and several server
   * instances), so appendOps locks the ledger row with `SELECT … FOR UPDATE`. SQLite has exactly one
   * connection, whose transactions Kysely already serialises, and has no FOR UPDATE.
   */
  readonly lockLedgerRow: boolean;
  /** Whether a read-only transaction should ask for a stable snapshot (REPEATABLE READ). */
  readonly snapshotReads: boolean;
  /** True when `error` is the database refusing a duplicate of the named unique constraint. */
  isUniqueViolation(error: unknown, constraint: { name: string; table: string; column: string }): boolean;
  /** Finds many rows by key in one statement (see bulk.ts). */
  bulkLookup(db: QueryRunner, spec: BulkLookup): Promise<Array<Record<string, unknown>>>;
  /** Writes many rows with as few statements as the database allows (see bulk.ts). */
  bulkInsert(db: QueryRunner, spec: BulkInsert): Promise<void>;
}

export const sqliteTraits: DialectTraits = {
  kind: 'sqlite',
  lockLedgerRow: false,
  // One connection: a transaction there already sees nothing else.
  snapshotReads: false,
  isUniqueViolation(error, { table, column }) {
    const e = error as { code?: unknown; message?: unknown } | null;
    return (
      e?.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      typeof e.message === 'string' &&
      e.message.includes(`${table}.${column}`)
    );
  },
  bulkLookup: bulkLookupIn,
  bulkInsert: bulkInsertValues,
};

export const postgresTraits: DialectTraits = {
  kind: 'postgres',
  lockLedgerRow: true,
  snapshotReads: true,
  isUniqueViolation(error, { name }) {
    const e = error as { code?: unknown; constraint?: unknown } | null;
    return e?.code === '23505' && e.constraint === name;
  },
  bulkLookup: bulkLookupLateral,
  bulkInsert: bulkInsertUnnest,
};
