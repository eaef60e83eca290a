import type { BulkInsert, BulkLookup, QueryRunner } from './bulk.js';

/**
 * Everything that differs between the databases, in one place: each dialect's folder (sqlite/,
 * postgres/) has a traits.ts implementing it, and the shared modules ask these questions instead of
 * testing `kind` all over.
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
