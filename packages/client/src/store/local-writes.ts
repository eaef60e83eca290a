import { KakeiboError, LIMITS, type Op, pushBodyBytes, unpackRow, utf8Length } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlValue } from './driver.js';
import { writeMeta } from './meta.js';
import { place } from './sealing.js';
import { early, insertMany } from './sql.js';
import type { CollectionStore } from './types.js';
import { assertOp, loadWriteSet, storeWriteSet } from './write-set.js';

/** Changes made on this device: merged into their rows and queued in the outbox, in one transaction. */
export const localWritesArea = (ctx: StoreContext): Pick<CollectionStore, 'rowState' | 'applyLocal'> => ({
  async rowState(table, rowId) {
    const [row] = await ctx.db.all<{ fields: SqlValue }>(
      'SELECT fields FROM rows WHERE tbl = ? AND row_id = ?',
      [table, rowId],
    );
    return row ? unpackRow(await ctx.sealing.open(row.fields, place.row(table, rowId))) : undefined;
  },

  async applyLocal(ops, meta = {}) {
    if (ops.length === 0) return;
    for (const op of ops) assertOp(op);
    const queued = ops.map((op) => ({ id: op.id, text: JSON.stringify(op) }));
    for (const { text } of queued) assertFitsAPush(text);
    // Sealed while the transaction waits for its turn (it is queued now, so writes land in call
    // order), and the write lock is held no longer for sealing than it must.
    const sealing = early(
      ctx.sealing.sealEach(
        queued,
        (q) => q.text,
        (q) => place.outbox(q.id),
      ),
    );
    await ctx.db.transaction(async (tx) => {
      const sealedOps = await sealing;
      const set = await loadWriteSet(ctx, tx, ops);
      set.mergeAll(ops);
      await storeWriteSet(ctx, tx, set);
      await insertMany(
        tx,
        'outbox',
        ['op_id', 'op'],
        ops.map((op: Op, i) => [op.id, sealedOps[i] as SqlValue]),
      );
      for (const [key, value] of Object.entries(meta)) await writeMeta(ctx, tx, key, value);
    });
  },
});

/**
 * An op is queued only if it can be sent: a push body holding it alone must be within the server's
 * limit, or it would wait in the outbox forever. Refused here, before anything is stored.
 */
function assertFitsAPush(text: string): void {
  const bytes = pushBodyBytes([utf8Length(text)]);
  if (bytes > LIMITS.maxPushBytes) {
    throw new KakeiboError(
      'op.too_large',
      `This change is too large to sync (${bytes.toLocaleString('en-US')} bytes; at most ${LIMITS.maxPushBytes.toLocaleString('en-US')}): shorten its text.`,
      { bytes, limit: LIMITS.maxPushBytes },
    );
  }
}
