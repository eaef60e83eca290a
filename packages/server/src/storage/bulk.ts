import type { CompiledQuery, QueryResult } from 'kysely';

/**
 * Multi-row lookups and inserts for the ingest hot path, written as SQL text rather than through
 * the query builder: building and compiling a 1,000-row insert node by node costs more than running
 * it. Identifiers come from code, never from input; every value is a bound parameter. How each
 * database does it best differs: each dialect's traits.ts (sqlite/, postgres/) implements both.
 */

/** A Kysely instance or transaction: only its ability to run a compiled query is needed. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

export interface BulkColumn {
  name: string;
  /** The PostgreSQL array element type used to pass the column as one array parameter. */
  type: 'text' | 'bigint' | 'integer';
}

export interface BulkInsert {
  table: string;
  columns: readonly BulkColumn[];
  rows: ReadonlyArray<readonly unknown[]>;
  /** Unique columns; with `update` the listed columns take the new values, without it the row is skipped. */
  onConflict?: { columns: readonly string[]; update?: readonly string[] };
}

export const q = (identifier: string) => `"${identifier}"`;

export function conflictClause(spec: BulkInsert): string {
  if (!spec.onConflict) return '';
  const target = spec.onConflict.columns.map(q).join(', ');
  const update = spec.onConflict.update;
  if (!update || update.length === 0) return ` on conflict (${target}) do nothing`;
  return ` on conflict (${target}) do update set ${update.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
}

/** Rows of `table` matching the fixed `where` columns whose `key` column is one of `keys`. */
export interface BulkLookup {
  table: string;
  where: ReadonlyArray<readonly [column: string, value: string]>;
  key: string;
  keys: readonly string[];
  select: readonly string[];
}

/** Keeps every statement below both databases' limits on bound parameters (SQLite: 32,766). */
export const MAX_PARAMETERS = 30_000;

/** Items in chunks of as many as fit one statement's parameters. */
export function chunked<T>(items: readonly T[], parametersPerItem: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / parametersPerItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
