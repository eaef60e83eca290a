import {
  categoryIdOfValues,
  type FieldValues,
  isDeletedValues,
  type RowState,
  sortDateOfValues,
  type TableName,
} from '@kakeibo/core';
import type { SqlValue } from './types.js';

/**
 * The columns of `rows` derived from a row's fields, recomputed on every write so the indexes
 * always describe the current state. Both the Node and the browser store call exactly this. They are
 * computed from the values by field name: a row stored as it came from a snapshot has those without
 * its RowState ever being built (core CheckedRow); any other row gives them with `valuesOf`.
 */
export interface RowColumns {
  deleted: 0 | 1;
  /** The first of date / purchaseDate / startDate the row has; '' when none (sorts last). */
  sortDate: string;
  categoryId: string | null;
  /** Integer minor units: expenses, income and transfers (what left the first account). */
  amount: number | null;
  currency: string | null;
  /** The account an expense or income belongs to, or a transfer leaves. */
  accountId: string | null;
  /** A transfer's receiving account, and what arrived there (its amount unless the currencies differ). */
  toAccountId: string | null;
  toAmount: number | null;
  toCurrency: string | null;
}

const SEARCH_FIELDS = ['payee', 'source', 'name', 'note', 'notes'] as const;
const MONEY_TABLES: ReadonlySet<string> = new Set<TableName>(['expenses', 'income', 'transfers']);

const idOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const amountOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : null;

/** A RowState's values by field name. */
export function valuesOf(row: RowState): FieldValues {
  const values: Record<string, FieldValues[string]> = {};
  for (const field in row) values[field] = row[field]?.value;
  return values;
}

export function rowColumns(table: TableName, values: FieldValues): RowColumns {
  const money = MONEY_TABLES.has(table);
  const transfer = table === 'transfers';
  const amount = money ? amountOrNull(values.amount) : null;
  const currency = money ? idOrNull(values.currency) : null;
  return {
    deleted: isDeletedValues(values) ? 1 : 0,
    sortDate: sortDateOfValues(values),
    categoryId: categoryIdOfValues(values),
    amount,
    currency,
    accountId: money ? idOrNull(transfer ? values.fromAccountId : values.accountId) : null,
    toAccountId: transfer ? idOrNull(values.toAccountId) : null,
    toAmount: transfer ? (amountOrNull(values.toAmount) ?? amount) : null,
    toCurrency: transfer ? (idOrNull(values.toCurrency) ?? currency) : null,
  };
}

/**
 * The text substring search looks in (payee, source, name, note, notes), normalised: the `search`
 * column of an unsealed store, and what a sealed store's search filters opened rows by.
 */
export function searchableText(values: FieldValues): string {
  let text = '';
  for (const field of SEARCH_FIELDS) {
    const value = values[field];
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
  values: FieldValues,
  fields: string | Uint8Array,
): SqlValue[] {
  const c = rowColumns(table, values);
  const search = typeof fields === 'string' ? searchableText(values) : '';
  return [
    table,
    rowId,
    fields,
    c.deleted,
    c.sortDate,
    c.categoryId,
    c.amount,
    c.currency,
    search,
    c.accountId,
    c.toAccountId,
    c.toAmount,
    c.toCurrency,
  ];
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
  'account_id',
  'to_account_id',
  'to_amount',
  'to_currency',
] as const;
