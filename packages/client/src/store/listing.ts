import type { TableName } from '@kakeibo/core';
import type { ListQuery, SqlValue } from './types.js';

/**
 * The SQL of list pages: newest date first, then row id descending, then table name descending (which
 * only matters across tables), keyset-paginated by the position of a page's last row.
 */

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

export const pageLimit = (limit: number | undefined): number =>
  Math.min(MAX_PAGE, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE)));

/** Where a row sits in list order; a page's cursor is its last row's position. */
export type Position = [sortDate: string, rowId: string, table: string];

/** The rows a walk returns; `tbl` only when it walks several tables. */
export interface WalkedRow {
  tbl?: string;
  row_id: string;
  fields: SqlValue;
  sort_date: string;
}

/**
 * The statement for the next `limit` rows of `tables` after `after` that pass the query's filters,
 * in page order. `search` (already normalised) filters on the clear search column; a sealed store
 * passes none and filters the opened rows itself.
 *
 * Each table is one walk down rows_by_date backwards from the keyset position, already in page order
 * and stopping after `limit` rows (`indexHint` INDEXED BY: pinned so a planner without statistics
 * never prefers the primary key and a sort; '' while a bulk load has the index dropped). With one table that walk is the statement; with several, each walk is
 * a LIMITed subquery and SQLite merges them, sorting at most `tables × limit` rows.
 */
export function walkSql(
  tables: readonly TableName[],
  query: ListQuery,
  after: Position | undefined,
  search: string | undefined,
  limit: number,
  indexHint: string,
): { sql: string; params: SqlValue[] } {
  const many = tables.length > 1;
  const params: SqlValue[] = [];
  const walks = tables.map((table) => {
    const where = ['tbl = ?'];
    params.push(table);
    if (!query.includeDeleted) where.push('deleted = 0');
    if (query.from !== undefined) {
      where.push('sort_date >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('sort_date <= ?');
      params.push(query.to);
      // A row without a date lies outside every date range.
      if (query.from === undefined) where.push("sort_date > ''");
    }
    if (query.categoryId !== undefined) {
      where.push('category_id = ?');
      params.push(query.categoryId);
    }
    if (query.accountId !== undefined) {
      // to_account_id is set on transfers only: an account's list has what arrived in it too.
      where.push('(account_id = ? OR to_account_id = ?)');
      params.push(query.accountId, query.accountId);
    }
    if (search) {
      // instr, not LIKE: the person's text is matched literally, '%' and '_' included.
      where.push('instr(search, ?) > 0');
      params.push(search);
    }
    if (after) {
      // After (date, id, table) in descending order: this table's rows at exactly (date, id) come
      // after the cursor only when this table sorts below the cursor's table.
      where.push(`(sort_date, row_id) ${table < after[2] ? '<=' : '<'} (?, ?)`);
      params.push(after[0], after[1]);
    }
    params.push(limit);
    return `SELECT ${many ? 'tbl, ' : ''}row_id, fields, sort_date FROM rows ${indexHint}
       WHERE ${where.join(' AND ')} ORDER BY sort_date DESC, row_id DESC LIMIT ?`;
  });
  if (!many) return { sql: walks[0] as string, params };
  params.push(limit);
  return {
    sql: `${walks.map((walk) => `SELECT * FROM (${walk})`).join(' UNION ALL ')}
      ORDER BY sort_date DESC, row_id DESC, tbl DESC LIMIT ?`,
    params,
  };
}
