import { CompiledQuery, type QueryResult } from 'kysely';

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

/** What the SQLite bulk path needs of a better-sqlite3 database: prepared statements. */
export interface PreparingDatabase {
  prepare(sql: string): PreparedStatement;
}

interface PreparedStatement {
  run(parameters: readonly unknown[]): unknown;
  get(parameters: readonly unknown[]): unknown;
}

/**
 * SQLite: one prepared statement per shape, kept for the life of the connection, run once per row
 * or key. better-sqlite3 runs a prepared statement in a few microseconds, far less than compiling a
 * fresh thousand-row statement per call. The statements run on the one connection of the database,
 * so callers use them only inside a Kysely transaction, which holds that connection (appendOps
 * does): anything else would interleave with another caller's transaction.
 */
export function preparedBulk(db: PreparingDatabase): {
  bulkInsert(runner: QueryRunner, spec: BulkInsert): Promise<void>;
  bulkLookup(runner: QueryRunner, spec: BulkLookup): Promise<Array<Record<string, unknown>>>;
} {
  const statements = new Map<string, PreparedStatement>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  return {
    async bulkInsert(_runner, spec) {
      if (spec.rows.length === 0) return;
      const statement = prepared(
        `insert into ${q(spec.table)} (${spec.columns.map((c) => q(c.name)).join(', ')}) values ` +
          `(${spec.columns.map(() => '?').join(', ')})${conflictClause(spec)}`,
      );
      for (const row of spec.rows) statement.run(row);
    },
    async bulkLookup(_runner, spec) {
      const statement = prepared(
        `select ${[spec.key, ...spec.select].map(q).join(', ')} from ${q(spec.table)} where ` +
          `${spec.where.map(([column]) => `${q(column)} = ? and `).join('')}${q(spec.key)} = ?`,
      );
      const parameters: unknown[] = spec.where.map(([, value]) => value);
      const at = parameters.length;
      const out: Array<Record<string, unknown>> = [];
      for (const key of spec.keys) {
        parameters[at] = key;
        const found = statement.get(parameters) as Record<string, unknown> | undefined;
        if (found) out.push(found);
      }
      return out;
    },
  };
}
