import { type Op, utf8Length } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlValue } from './driver.js';
import { insertRejected, sealRejected } from './refused.js';
import { place } from './sealing.js';
import { early, lookupChunks, placeholders } from './sql.js';
import type { EngineStore } from './types.js';

/** The queue of local ops waiting for the server; an op leaves it only once acknowledged. */
export const outboxArea = (
  ctx: StoreContext,
): Pick<EngineStore, 'outbox' | 'outboxCount' | 'acknowledge'> => ({
  async outbox(limit) {
    const rows = await ctx.db.all<{ position: number; op_id: string; op: SqlValue }>(
      'SELECT position, op_id, op FROM outbox ORDER BY position LIMIT ?',
      [Math.max(0, Math.floor(limit))],
    );
    const ops = await ctx.sealing.openEach(
      rows,
      (r) => r.op,
      (r) => place.outbox(r.op_id),
    );
    return rows.map((r, i) => {
      const text = ops[i] as string;
      return { position: Number(r.position), op: JSON.parse(text) as Op, bytes: utf8Length(text) };
    });
  },

  /** Kept by the outbox's triggers (migration 2): one row to read, however many ops wait. */
  async outboxCount() {
    const [row] = await ctx.db.all<{ ops: number }>('SELECT ops FROM outbox_size WHERE id = 1');
    return Number(row?.ops ?? 0);
  },

  async acknowledge(opIds, rejected) {
    const ids = [...new Set([...opIds, ...rejected.map((r) => r.op.id)])];
    if (ids.length === 0) return;
    // Sealed while the transaction waits for its turn (see applyLocal).
    const refusals = early(sealRejected(ctx, rejected));
    await ctx.db.transaction(async (tx) => {
      for (const chunk of lookupChunks(ids)) {
        await tx.run(`DELETE FROM outbox WHERE op_id IN (${placeholders(chunk.length)})`, chunk);
      }
      await insertRejected(tx, await refusals);
    });
  },
});
