import { type FieldValue, isDeleted, type RowState, type TableName } from '@kakeibo/core';
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
  /** Lower-cased free text for substring search. */
  search: string;
}

const DATE_FIELDS = ['date', 'purchaseDate', 'startDate'] as const;
const SEARCH_FIELDS = ['payee', 'source', 'name', 'note', 'notes'] as const;
const MONEY_TABLES: ReadonlySet<string> = new Set<TableName>(['expenses', 'income']);

export function rowColumns(table: TableName, row: RowState): RowColumns {
  let sortDate = '';
  for (const field of DATE_FIELDS) {
    const value = row[field]?.value;
    if (typeof value === 'string') {
      sortDate = value;
      break;
    }
  }
  const category = row.categoryId?.value;
  let amount: number | null = null;
  let currency: string | null = null;
  if (MONEY_TABLES.has(table)) {
    const a = row.amount?.value;
    const c = row.currency?.value;
    if (typeof a === 'number' && Number.isSafeInteger(a)) amount = a;
    if (typeof c === 'string') currency = c;
  }
  let search = '';
  for (const field of SEARCH_FIELDS) {
    const value = row[field]?.value;
    if (typeof value === 'string' && value !== '') search = search === '' ? value : `${search}\n${value}`;
  }
  return {
    deleted: isDeleted(row) ? 1 : 0,
    sortDate,
    categoryId: typeof category === 'string' ? category : null,
    amount,
    currency,
    search: searchText(search),
  };
}

/** The one normalisation used for both the stored text and the query, so they always match. */
export const searchText = (text: string): string => text.toLowerCase();

/** The `rows` columns in the order ROW_COLUMNS lists them. */
export function rowValues(table: TableName, rowId: string, row: RowState): SqlValue[] {
  const c = rowColumns(table, row);
  return [table, rowId, encodeRow(row), c.deleted, c.sortDate, c.categoryId, c.amount, c.currency, c.search];
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

/**
 * How a RowState is stored in `rows.fields`: each distinct stamp written once,
 * `{ "s": [stamps], "f": { field: [value, stampIndex] } }`. Most fields of a row share the stamp of
 * the op that created it, so this is well under half the size of the RowState JSON
 * (`{ field: { value, stamp } }`), and bootstrap speed is bounded by the bytes SQLCipher encrypts
 * and writes (twice with WAL: once to the log, once at the checkpoint). The server stores rows the
 * same way.
 */
interface StoredRow {
  s: string[];
  f: Record<string, [FieldValue, number]>;
}

export function encodeRow(row: RowState): string {
  const stamps: string[] = [];
  const f: StoredRow['f'] = {};
  let last = '';
  let lastIndex = -1;
  for (const field in row) {
    const state = row[field];
    if (state === undefined) continue;
    const { value, stamp } = state;
    let i = stamp === last ? lastIndex : stamps.indexOf(stamp);
    if (i < 0) i = stamps.push(stamp) - 1;
    last = stamp;
    lastIndex = i;
    f[field] = [value, i];
  }
  return JSON.stringify({ s: stamps, f } satisfies StoredRow);
}

export function decodeRow(stored: string): RowState {
  const { s: stamps, f } = JSON.parse(stored) as StoredRow;
  const row: RowState = {};
  for (const field in f) {
    const entry = f[field] as [FieldValue, number];
    row[field] = { value: entry[0], stamp: stamps[entry[1]] as string };
  }
  return row;
}
