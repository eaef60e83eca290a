import { decodeSplits, type FieldValues, type TableName } from '@kakeibo/core';
import type { SqlRunner } from './driver.js';
import { rowColumns } from './row-columns.js';
import { insertMany } from './sql.js';
import type { SqlValue } from './types.js';

/**
 * The derived lines of `row_splits` (migration 4): how a split expense moves the category totals.
 * Line 0 takes the parts out of the entry's own category (its count too, when the parts cover the
 * whole amount); lines 1… add each part under its category. A report adds the lines to its sums over
 * the entries, so each part counts under its own category and the total is still the amount.
 *
 * If a concurrent edit left the parts not summing to the amount (the amount changed on one device,
 * the parts on another), the difference stays under the entry's own category: totals stay exact.
 */
const COLUMNS = ['row_id', 'part', 'sort_date', 'currency', 'category_id', 'amount', 'n'] as const;

export function splitLines(table: TableName, rowId: string, values: FieldValues): SqlValue[][] {
  if (table !== 'expenses' || values.splits === undefined) return [];
  const parts = decodeSplits(values.splits);
  const c = rowColumns(table, values);
  if (parts.length === 0 || c.deleted === 1 || c.amount === null || c.currency === null) return [];
  const sum = parts.reduce((total, part) => total + part.amount, 0);
  const own: SqlValue[] = [rowId, 0, c.sortDate, c.currency, c.categoryId, -sum, sum === c.amount ? -1 : 0];
  return [own, ...parts.map((p, i) => [rowId, i + 1, c.sortDate, c.currency, p.categoryId, p.amount, 1])];
}

/** Stores the lines of rows just written (their old lines were dropped by the rows triggers). */
export async function writeSplitLines(db: SqlRunner, lines: readonly SqlValue[][]): Promise<void> {
  if (lines.length > 0) await insertMany(db, 'row_splits', COLUMNS, lines, '');
}

interface SplitTotal {
  date: string;
  currency: string;
  categoryId: string | null;
  amount: number;
  count: number;
}

/** The lines of entries dated `from` to `to`, summed per category and currency (and day, 'by day'). */
export async function splitTotals(
  db: SqlRunner,
  from: string,
  to: string,
  grouping: 'by category' | 'by day',
): Promise<SplitTotal[]> {
  const day = grouping === 'by day' ? 'sort_date' : "''";
  const rows = await db.all<{
    date: string;
    currency: string;
    category_id: string | null;
    amount: number | bigint;
    n: number | bigint;
  }>(
    `SELECT ${day} AS date, currency, category_id, SUM(amount) AS amount, SUM(n) AS n
     FROM row_splits WHERE sort_date >= ? AND sort_date <= ?
     GROUP BY ${day}, currency, category_id`,
    [from, to],
  );
  return rows.map((r) => ({
    date: r.date,
    currency: r.currency,
    categoryId: r.category_id,
    amount: Number(r.amount),
    count: Number(r.n),
  }));
}

/**
 * Totals with the split lines added, matched by `key`; a group the lines empty (every entry in it
 * split away) is dropped. With lines, the result is ordered by key (the totals' own order when the
 * key lists the SQL's ORDER BY columns); without, the totals are returned as they are.
 */
export function withSplits<T extends { amount: number; count: number }>(
  totals: T[],
  lines: readonly T[],
  key: (total: T) => string,
): T[] {
  if (lines.length === 0) return totals;
  const byKey = new Map<string, T>();
  for (const total of totals) byKey.set(key(total), { ...total });
  for (const line of lines) {
    const k = key(line);
    const found = byKey.get(k);
    if (found) {
      found.amount += line.amount;
      found.count += line.count;
    } else byKey.set(k, { ...line });
  }
  return [...byKey.entries()]
    .filter(([, t]) => t.amount !== 0 || t.count !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, t]) => t);
}
