import { type EntityListQuery, KakeiboError, materializeRow, type TableName } from '@kakeibo/core';
import type { AuthContext } from './auth-context.js';
import type { ServerDeps } from './context.js';

/** The read API: materialized current rows, as an integration wants them (not as sync stores them). */
export async function listEntities(
  deps: ServerDeps,
  auth: AuthContext,
  table: TableName,
  query: EntityListQuery,
) {
  const { items, nextCursor } = await deps.storage.queryRows(auth.ledgerId, {
    table,
    from: query.from,
    to: query.to,
    categoryId: query.categoryId,
    includeDeleted: query.includeDeleted ?? false,
    limit: query.limit,
    cursor: query.cursor,
  });
  return { items: items.map(({ rowId, row }) => materializeRow(rowId, row)), nextCursor };
}

export async function getEntity(deps: ServerDeps, auth: AuthContext, table: TableName, rowId: string) {
  const row = await deps.storage.getRow(auth.ledgerId, table, rowId);
  if (!row) throw new KakeiboError('not_found', `No ${table} row with id ${rowId}.`);
  return materializeRow(rowId, row);
}
