import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { place } from './sealing.js';
import type { MetaStore } from './types.js';

/** Small persistent key/value state (keys: meta-keys.ts), sealed like any user data. */
export const metaArea = (ctx: StoreContext): MetaStore => ({
  getMeta: (key) => readMeta(ctx, ctx.db, key),
  setMeta: (key, value) => writeMeta(ctx, ctx.db, key, value),
});

export async function readMeta(ctx: StoreContext, db: SqlRunner, key: string): Promise<string | null> {
  const [row] = await db.all<{ value: SqlValue }>('SELECT value FROM meta WHERE key = ?', [key]);
  return row ? ctx.sealing.open(row.value, place.meta(key)) : null;
}

/** Sets (or, with null, removes) one key, through `db`: the driver, or the transaction it belongs to. */
export async function writeMeta(
  ctx: StoreContext,
  db: SqlRunner,
  key: string,
  value: string | null,
): Promise<void> {
  if (value === null) {
    await db.run('DELETE FROM meta WHERE key = ?', [key]);
    return;
  }
  // Sealed before the statement is sent: in a transaction, statements run in the order sent.
  const stored = await ctx.sealing.seal(value, place.meta(key));
  await db.run(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, stored],
  );
}
