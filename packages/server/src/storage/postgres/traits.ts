import { CompiledQuery } from 'kysely';
import { type BulkInsert, type BulkLookup, conflictClause, type QueryRunner, q } from '../bulk.js';
import type { DialectTraits } from '../dialect.js';

/** PostgreSQL's answers to the dialect questions (see dialect.ts). */
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

/**
 * PostgreSQL: one array parameter per column, `SELECT * FROM unnest(…)`. The statement has as many
 * parameters as columns whatever the row count, so parsing, planning and binding stay cheap.
 */
async function bulkInsertUnnest(db: QueryRunner, spec: BulkInsert): Promise<void> {
  if (spec.rows.length === 0) return;
  const arrays = spec.columns.map((_, i) => spec.rows.map((row) => row[i]));
  const unnest = spec.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const text =
    `insert into ${q(spec.table)} (${spec.columns.map((c) => q(c.name)).join(', ')}) ` +
    `select * from unnest(${unnest})${conflictClause(spec)}`;
  await db.executeQuery(CompiledQuery.raw(text, arrays));
}

/**
 * PostgreSQL: one array parameter joined laterally, so every key is one index probe whatever the
 * planner believes about the table. A plain `= ANY($1)` (or a join the planner may flatten) lets a
 * planner without statistics scan the ledger's whole range and test each row against the array:
 * quadratic in the ledger's size. `limit 1` (the key is unique) keeps the subquery from being flattened.
 */
async function bulkLookupLateral(db: QueryRunner, spec: BulkLookup): Promise<Array<Record<string, unknown>>> {
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
