import type { TableName } from '@kakeibo/core';
import type { CollectionStore, ListQuery, MaterializedRow, MonthlyTotal, Page } from '../store/types.js';
import { prefetchedPage, type QueryCache } from './query-cache.js';

export type TransactionKind = 'expense' | 'income';

/** An expense or an income row, exactly as its collection returns it, and which of the two it is. */
export type Transaction = MaterializedRow & { kind: TransactionKind };

/** A list query over both tables; deleted rows are never listed here. */
export type TransactionQuery = Omit<ListQuery, 'includeDeleted'>;

/** Inclusive calendar months, `YYYY-MM`. */
export interface MonthRange {
  from: string;
  to: string;
}

/** The tables money moves in: a change to either drops the cached transactions and totals. */
const TABLES: readonly TableName[] = ['expenses', 'income'];
const KIND: Partial<Record<TableName, TransactionKind>> = { expenses: 'expense', income: 'income' };

/**
 * Expenses and income together, newest first, keyset-paginated, cached and prefetched exactly like a
 * collection's list (dropped when either table changes).
 */
export function listTransactions(
  store: CollectionStore,
  cache: QueryCache,
  query: TransactionQuery = {},
): Promise<Page<Transaction>> {
  const { includeDeleted: _, ...withoutTrash } = query as ListQuery;
  return prefetchedPage(cache, TABLES, withoutTrash, async (q) => {
    const page = await store.listAcross(TABLES, q);
    return {
      items: page.items.map(({ table, row }) => ({ ...row, kind: KIND[table] as TransactionKind })),
      nextCursor: page.nextCursor,
    };
  });
}

/** Expenses and income per month and currency, in integer minor units; cached like the lists. */
export function monthlyTotals(
  store: CollectionStore,
  cache: QueryCache,
  range: MonthRange,
): Promise<MonthlyTotal[]> {
  const { from, to } = range;
  return cache.get(TABLES, `monthlyTotals ${from} ${to}`, () => store.monthlyTotals(from, to));
}
