import {
  decodeKeysetCursor,
  encodeKeysetCursor,
  isCalendarDate,
  KakeiboError,
  StoredRowIdSchema,
} from '@kakeibo/core';
import { decodeRow } from './codec.js';
import { type StorageContext, sealerFor } from './context.js';
import { PLAIN } from './ledger-keys.js';
import type { RowQuery, StoredRow } from './types.js';

/**
 * The read API's lists: newest date first, then row id descending, paged by keyset (the last row's
 * (sort_date, row_id)), which the (ledger_id, tbl, sort_date, row_id) index serves directly. No
 * OFFSET: page 500 costs what page 1 costs.
 */
export async function queryRows(
  ctx: StorageContext,
  ledgerId: string,
  query: RowQuery,
): Promise<{ items: StoredRow[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.floor(query.limit));
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const dated = query.from !== undefined || query.to !== undefined;
  const rows = await ctx.db
    .selectFrom('entity_rows')
    .select(['row_id', 'fields', 'sort_date'])
    .where('ledger_id', '=', ledgerId)
    .where('tbl', '=', query.table)
    // Opts in to the partial index entity_rows_by_date (see the migration).
    .where('sort_date', 'is not', null)
    .$if(!query.includeDeleted, (q) => q.where('deleted', '=', 0))
    // A row without a date lies outside every date range.
    .$if(dated, (q) => q.where('sort_date', '<>', ''))
    .$if(query.from !== undefined, (q) => q.where('sort_date', '>=', query.from ?? ''))
    .$if(query.to !== undefined, (q) => q.where('sort_date', '<=', query.to ?? ''))
    .$if(query.categoryId !== undefined, (q) => q.where('category_id', '=', query.categoryId ?? ''))
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb(eb.refTuple('sort_date', 'row_id'), '<', eb.tuple(after?.[0] ?? '', after?.[1] ?? '')),
      ),
    )
    .orderBy('sort_date', 'desc')
    .orderBy('row_id', 'desc')
    // One extra row tells whether another page exists without a count.
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const sealer = page.length > 0 ? await sealerFor(ctx, ledgerId) : PLAIN;
  const items = page.map((r) => ({
    table: query.table,
    rowId: r.row_id,
    row: decodeRow(sealer, ledgerId, query.table, r.row_id, r.fields),
  }));
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor([last.sort_date, last.row_id]) : null;
  return { items, nextCursor };
}

type Position = [sortDate: string, rowId: string];

const encodeCursor = (position: Position): string => encodeKeysetCursor(position);

/** A cursor this server made: its parts are a row's date ('' for none) and a row id, or it is refused. */
function decodeCursor(cursor: string): Position {
  const [sortDate = '', rowId = ''] = decodeKeysetCursor(cursor, 2, 'request.bad_cursor');
  if ((sortDate !== '' && !isCalendarDate(sortDate)) || !StoredRowIdSchema.safeParse(rowId).success) {
    throw new KakeiboError(
      'request.bad_cursor',
      'The page cursor is not valid: start again from the first page.',
    );
  }
  return [sortDate, rowId];
}
