import { CompiledQuery } from 'kysely';
import {
  type BulkInsert,
  type BulkLookup,
  conflictClause,
  MAX_PARAMETERS,
  type QueryRunner,
  q,
} from '../bulk.js';
import type { DialectTraits } from '../dialect.js';

/** SQLite's answers to the dialect questions (see dialect.ts). */
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

/** SQLite: `VALUES (?, …), (?, …)`, chunked by parameter count. */
async function bulkInsertValues(db: QueryRunner, spec: BulkInsert): Promise<void> {
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

/** SQLite: `key IN (?, …)`, chunked by parameter count; each element is a probe of the index. */
async function bulkLookupIn(db: QueryRunner, spec: BulkLookup): Promise<Array<Record<string, unknown>>> {
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
