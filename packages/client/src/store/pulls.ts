import { KakeiboError, type Op } from '@kakeibo/core';
import { insertConflicts } from './conflicts.js';
import type { StoreContext } from './context.js';
import { writeMeta } from './meta.js';
import { META_KEYS } from './meta-keys.js';
import type { EngineStore } from './types.js';
import { assertOp, loadWriteSet, storeWriteSet } from './write-set.js';

/** Pulled pages: each stored with the cursor that follows it, in one transaction. */
export const pullsArea = (ctx: StoreContext): Pick<EngineStore, 'applyPulled'> => ({
  /**
   * The ops were validated by the caller (parseOp) when the page arrived; conflicts detected here are
   * not stored: the server's, which come with the page, are the authoritative ones.
   */
  async applyPulled(ops, conflicts, cursor) {
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw new KakeiboError(
        'store.bad_cursor',
        `A pull cursor must be a non-negative integer, got ${cursor}.`,
      );
    }
    const list = ops.map(({ op }) => op as Op);
    for (const op of list) assertOp(op);
    return ctx.db.transaction(async (tx) => {
      const set = await loadWriteSet(ctx, tx, list);
      set.mergeAll(list);
      await storeWriteSet(ctx, tx, set);
      await insertConflicts(ctx, tx, conflicts);
      await writeMeta(ctx, tx, META_KEYS.cursor, String(cursor));
      return set.changedByTable();
    });
  },
});
