import {
  decodeKeysetCursor,
  encodeKeysetCursor,
  isTableName,
  KakeiboError,
  type RowState,
  type TableName,
  unpackRow,
} from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlValue } from './driver.js';
import { type Position, pageLimit, type WalkedRow, walkSql } from './listing.js';
import { presentRow } from './present.js';
import { searchableText, searchText, valuesOf } from './row-columns.js';
import { place } from './sealing.js';
import type { CollectionStore, ListQuery } from './types.js';

/** The largest batch of rows a sealed store's search opens at once (see searchSealed). */
const SEARCH_BATCH_MAX = 1024;

/** A listed row with its place in list order. */
interface Listed {
  table: TableName;
  rowId: string;
  row: RowState;
  position: Position;
}

/** One row, and keyset-paginated lists over one table or several, with search. */
export const readsArea = (ctx: StoreContext): Pick<CollectionStore, 'get' | 'list' | 'listAcross'> => {
  const listAcross: CollectionStore['listAcross'] = async (tables, query) => {
    if (tables.length === 0 || !tables.every(isTableName)) {
      throw new KakeiboError('store.bad_table', `Cannot list ${JSON.stringify(tables)}: name known tables.`);
    }
    const walked = [...new Set(tables)].sort();
    const limit = pageLimit(query.limit);
    const after =
      query.cursor === undefined
        ? undefined
        : (decodeKeysetCursor(query.cursor, 3, 'store.bad_cursor') as Position);
    const needle = query.search ? searchText(query.search) : undefined;
    const found =
      needle && ctx.sealing.sealed
        ? await searchSealed(ctx, walked, query, after, needle, limit)
        : await walk(ctx, walked, query, after, needle, limit + 1);
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ table, rowId, row }) => ({
        table,
        row: presentRow(table, rowId, row),
      })),
      nextCursor: found.length > limit && last ? encodeKeysetCursor(last.position) : null,
    };
  };
  return {
    async get(table, rowId) {
      const [row] = await ctx.db.all<{ fields: SqlValue; deleted: number }>(
        'SELECT fields, deleted FROM rows WHERE tbl = ? AND row_id = ?',
        [table, rowId],
      );
      if (!row || row.deleted) return null;
      const state = unpackRow(await ctx.sealing.open(row.fields, place.row(table, rowId)));
      return presentRow(table, rowId, state);
    },
    async list(table, query) {
      const page = await listAcross([table], query);
      return { items: page.items.map((item) => item.row), nextCursor: page.nextCursor };
    },
    listAcross,
  };
};

/** The next `limit` rows of a list after `after`; `search` filters in SQL (an unsealed store's). */
async function walk(
  ctx: StoreContext,
  tables: readonly TableName[],
  query: ListQuery,
  after: Position | undefined,
  search: string | undefined,
  limit: number,
): Promise<Listed[]> {
  const { sql, params } = walkSql(tables, query, after, search, limit, ctx.dateIndex.hint());
  const rows = await ctx.db.all<WalkedRow>(sql, params);
  const tableOf = (r: WalkedRow) => (r.tbl ?? tables[0]) as TableName;
  const states = await ctx.sealing.unpackEach(rows, tableOf);
  return rows.map((r, i) => ({
    table: tableOf(r),
    rowId: r.row_id,
    row: states[i] as RowState,
    position: [r.sort_date, r.row_id, tableOf(r)],
  }));
}

/**
 * Search in a sealed store, which keeps no clear text to search in: the same walk in page order, in
 * batches, each opened at once and filtered with the same normalised substring test, until limit + 1
 * matches (the page, and whether another follows) or the end. Batches start at a page and double,
 * so a common word opens few rows past its page and a rare one soon reads large batches.
 */
async function searchSealed(
  ctx: StoreContext,
  tables: readonly TableName[],
  query: ListQuery,
  after: Position | undefined,
  needle: string,
  limit: number,
): Promise<Listed[]> {
  const found: Listed[] = [];
  let position = after;
  for (let batch = limit + 1; ; batch = Math.min(batch * 2, SEARCH_BATCH_MAX)) {
    const rows = await walk(ctx, tables, query, position, undefined, batch);
    for (const row of rows) {
      if (!searchableText(valuesOf(row.row)).includes(needle)) continue;
      found.push(row);
      if (found.length > limit) return found;
    }
    if (rows.length < batch) return found;
    position = rows.at(-1)?.position;
  }
}
