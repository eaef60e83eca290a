import { CompiledQuery, type QueryResult } from 'kysely';
import { MAX_PARAMETERS } from './context.js';

/**
 * Multi-row lookups and inserts for the ingest hot path, written as SQL text rather than through
 * the query builder: building and compiling a 1,000-row insert node by node costs more than running
 * it. Identifiers come from code, never from input; every value is a bound parameter. How each
 * database does it best differs, so DialectTraits picks one function of each pair.
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

const q = (identifier: string) => `"${identifier}"`;

function conflictClause(spec: BulkInsert): string {
  if (!spec.onConflict) return '';
  const target = spec.onConflict.columns.map(q).join(', ');
  const update = spec.onConflict.update;
  if (!update || update.length === 0) return ` on conflict (${target}) do nothing`;
  return ` on conflict (${target}) do update set ${update.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
}

/** SQLite: `VALUES (?, …), (?, …)`, chunked by parameter count. */
export async function bulkInsertValues(db: QueryRunner, spec: BulkInsert): Promise<void> {
  if (spec.rows.length === 0) return;
  const width = spec.columns.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  const head = `insert into ${q(spec.table)} (${spec.columns.map((c) => q(c.name)).join(', ')}) values `;
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let start = 0; start < spec.rows.length; start += perStatement) {
    const rows = spec.rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    for (const row of rows) for (const value of row) parameters.push(value);
    const text = head + new Array(rows.length).fill(tuple).join(', ') + conflictClause(spec);
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

/**
 * PostgreSQL: one array parameter per column, `SELECT * FROM unnest(…)`. The statement has as many
 * parameters as columns whatever the row count, so parsing, planning and binding stay cheap.
 */
export async function bulkInsertUnnest(db: QueryRunner, spec: BulkInsert): Promise<void> {
  if (spec.rows.length === 0) return;
  const arrays = spec.columns.map((_, i) => spec.rows.map((row) => row[i]));
  const unnest = spec.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const text =
    `insert into ${q(spec.table)} (${spec.columns.map((c) => q(c.name)).join(', ')}) ` +
    `select * from unnest(${unnest})${conflictClause(spec)}`;
  await db.executeQuery(CompiledQuery.raw(text, arrays));
}

/** Rows of `table` matching the fixed `where` columns whose `key` column is one of `keys`. */
export interface BulkLookup {
  table: string;
  where: ReadonlyArray<readonly [column: string, value: string]>;
  key: string;
  keys: readonly string[];
  select: readonly string[];
}

/** SQLite: `key IN (?, …)`, chunked by parameter count; each element is a probe of the index. */
export async function bulkLookupIn(
  db: QueryRunner,
  spec: BulkLookup,
): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const columns = [spec.key, ...spec.select].map(q).join(', ');
  const fixed = spec.where.map(([column]) => `${q(column)} = ? and `).join('');
  const perStatement = MAX_PARAMETERS - spec.where.length;
  for (let start = 0; start < spec.keys.length; start += perStatement) {
    const keys = spec.keys.slice(start, start + perStatement);
    const text = `select ${columns} from ${q(spec.table)} where ${fixed}${q(spec.key)} in (${keys.map(() => '?').join(', ')})`;
    const result = await db.executeQuery(
      CompiledQuery.raw(text, [...spec.where.map(([, value]) => value), ...keys]),
    );
    out.push(...(result.rows as Array<Record<string, unknown>>));
  }
  return out;
}

/**
 * PostgreSQL: one array parameter joined laterally, so every key is one index probe whatever the
 * planner believes about the table. A plain `= ANY($1)` (or a join the planner may flatten) lets a
 * planner without statistics scan the ledger's whole range and test each row against the array:
 * quadratic in the ledger's size. `limit 1` (the key is unique) keeps the subquery from being flattened.
 */
export async function bulkLookupLateral(
  db: QueryRunner,
  spec: BulkLookup,
): Promise<Array<Record<string, unknown>>> {
  if (spec.keys.length === 0) return [];
  const fixed = spec.where.map(([column], i) => `${q(column)} = $${i + 1} and `).join('');
  const keysParam = `$${spec.where.length + 1}`;
  const text =
    `select k.key as ${q(spec.key)}, ${spec.select.map((c) => `r.${q(c)}`).join(', ')} ` +
    `from unnest(${keysParam}::text[]) as k(key) cross join lateral ` +
    `(select ${spec.select.map(q).join(', ')} from ${q(spec.table)} where ${fixed}${q(spec.key)} = k.key limit 1) as r`;
  const result = await db.executeQuery(
    CompiledQuery.raw(text, [...spec.where.map(([, value]) => value), [...spec.keys]]),
  );
  return result.rows as Array<Record<string, unknown>>;
}
