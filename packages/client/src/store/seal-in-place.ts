import { KakeiboError } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { writeMeta } from './meta.js';
import { META_KEYS } from './meta-keys.js';
import { forEachRowPage, writeRows } from './rows.js';
import { place } from './sealing.js';

/**
 * The sealing check at open, and the one-time migration of a store written without a sealer (an
 * earlier version of the app in this browser) to sealed values.
 */

/** The value of the sealed mark: opening it proves the key given is the one that sealed the store. */
const SEALED_MARK = 'kakeibo-sealed-v1';

/**
 * True when a sealer opens a store without the mark: what it holds is plain (a new store, or one an
 * earlier version wrote in this browser) and is to be sealed. Sealed values open only with their key:
 * with another key, or none, opening fails here, once, with a clear code, instead of at every read.
 */
export async function needsSealing(ctx: StoreContext): Promise<boolean> {
  const [mark] = await ctx.db.all<{ value: SqlValue }>('SELECT value FROM meta WHERE key = ?', [
    META_KEYS.sealed,
  ]);
  if (!mark) return ctx.sealing.sealed;
  if (ctx.sealing.sealed) {
    const opened = await ctx.sealing.open(mark.value, place.meta(META_KEYS.sealed)).catch(() => null);
    if (opened === SEALED_MARK) return false;
    throw new KakeiboError(
      'store.key_missing',
      'The local data on this device is encrypted with a key that is no longer here (in a browser: the site’s IndexedDB was cleared while its files stayed), so it cannot be read. Reset the local data to download it again from the server; changes not yet synced from this device are lost.',
    );
  }
  throw new KakeiboError(
    'store.key_missing',
    'The local store’s values are sealed: it opens only with a sealer holding the key that sealed them.',
  );
}

/**
 * Seals everything a store written without a sealer holds, in one transaction: every row (its
 * fields, and '' for the clear search text), the outbox, rejected ops, conflicts and meta values,
 * then the mark. Then VACUUM rebuilds the file, so the plain values leave no trace in free pages.
 */
export async function sealInPlace(ctx: StoreContext): Promise<void> {
  const sealed = await ctx.db.transaction(async (tx) => {
    // Under the write lock: another connection may have sealed it meanwhile.
    const [mark] = await tx.all('SELECT 1 FROM meta WHERE key = ?', [META_KEYS.sealed]);
    if (mark) return 0;
    let count = 0;
    await forEachRowPage(
      ctx,
      tx,
      async (page) => {
        await writeRows(ctx, tx, page);
        count += page.length;
      },
      'plain',
    );
    count += await sealColumn(ctx, tx, 'outbox', 'op_id', 'op', place.outbox);
    count += await sealColumn(ctx, tx, 'rejected_ops', 'op_id', 'op', place.rejectedOp);
    count += await sealColumn(ctx, tx, 'rejected_ops', 'op_id', 'message', place.rejectedMessage);
    count += await sealColumn(ctx, tx, 'conflicts', 'id', 'body', place.conflict);
    count += await sealColumn(ctx, tx, 'meta', 'key', 'value', place.meta);
    await writeMeta(ctx, tx, META_KEYS.sealed, SEALED_MARK);
    return count;
  });
  if (sealed > 0) await ctx.db.exec('VACUUM');
}

/** Seals one plain column in place (the one-time migration; these tables are small). */
async function sealColumn(
  ctx: StoreContext,
  db: SqlRunner,
  table: string,
  key: string,
  column: string,
  at: (key: string) => string,
): Promise<number> {
  const rows = await db.all<{ k: string; v: string }>(`SELECT ${key} AS k, ${column} AS v FROM ${table}`);
  const sealed = await ctx.sealing.sealEach(
    rows,
    (r) => r.v,
    (r) => at(r.k),
  );
  for (const [i, r] of rows.entries()) {
    await db.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [sealed[i] as SqlValue, r.k]);
  }
  return rows.length;
}
