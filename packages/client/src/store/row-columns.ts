import { categoryIdOf, isDeleted, type RowState, sortDateOf, type TableName } from '@kakeibo/core';
import type { SqlValue } from './types.js';

/**
 * The columns of `rows` derived from a row's fields, recomputed on every write so the indexes
 * always describe the current state. Both the Node and the browser store call exactly this.
 */
export interface RowColumns {
  deleted: 0 | 1;
  /** The first of date / purchaseDate / startDate the row has; '' when none (sorts last). */
  sortDate: string;
  categoryId: string | null;
  /** Integer minor units, expenses and income only. */
  amount: number | null;
  currency: string | null;
}

const SEARCH_FIELDS = ['payee', 'source', 'name', 'note', 'notes'] as const;
const MONEY_TABLES: ReadonlySet<string> = new Set<TableName>(['expenses', 'income']);

export function rowColumns(table: TableName, row: RowState): RowColumns {
  let amount: number | null = null;
  let currency: string | null = null;
  if (MONEY_TABLES.has(table)) {
    const a = row.amount?.value;
    const c = row.currency?.value;
    if (typeof a === 'number' && Number.isSafeInteger(a)) amount = a;
    if (typeof c === 'string') currency = c;
  }
  return {
    deleted: isDeleted(row) ? 1 : 0,
    sortDate: sortDateOf(row),
    categoryId: categoryIdOf(row),
    amount,
    currency,
  };
}

/**
 * The text substring search looks in (payee, source, name, note, notes), normalised: the `search`
 * column of an unsealed store, and what a sealed store's search filters opened rows by.
 */
export function searchableText(row: RowState): string {
  let text = '';
  for (const field of SEARCH_FIELDS) {
    const value = row[field]?.value;
    if (typeof value === 'string' && value !== '') text = text === '' ? value : `${text}\n${value}`;
  }
  return searchText(text);
}

/** The one normalisation used for both the stored text and the query, so they always match. */
export const searchText = (text: string): string => text.toLowerCase();

/**
 * The `rows` columns in the order ROW_COLUMNS lists them, with `fields` as stored (the packed row, or
 * it sealed). A sealed row keeps no clear search text: '' (search opens the rows instead).
 */
export function rowValues(
  table: TableName,
  rowId: string,
  row: RowState,
  fields: string | Uint8Array,
): SqlValue[] {
  const c = rowColumns(table, row);
  const search = typeof fields === 'string' ? searchableText(row) : '';
  return [table, rowId, fields, c.deleted, c.sortDate, c.categoryId, c.amount, c.currency, search];
}

export const ROW_COLUMNS = [
  'tbl',
  'row_id',
  'fields',
  'deleted',
  'sort_date',
  'category_id',
  'amount',
  'currency',
  'search',
] as const;
