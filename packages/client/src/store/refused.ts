import type { Op } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { place } from './sealing.js';
import { insertMany } from './sql.js';
import type { FacadeStore, RejectedOp } from './types.js';

/** Ops the server refused for good, kept with its reason until the person has seen them. */
export const refusedArea = (
  ctx: StoreContext,
): Pick<FacadeStore, 'rejectedOps' | 'rejectedCount' | 'dismissRejected'> => ({
  async rejectedCount() {
    const [row] = await ctx.db.all<{ n: number }>('SELECT count(*) AS n FROM rejected_ops');
    return Number(row?.n ?? 0);
  },

  async rejectedOps() {
    const rows = await ctx.db.all<{
      op_id: string;
      op: SqlValue;
      code: string;
      message: SqlValue;
      at: string;
    }>('SELECT op_id, op, code, message, at FROM rejected_ops ORDER BY rowid');
    const [ops, messages] = await Promise.all([
      ctx.sealing.openEach(
        rows,
        (r) => r.op,
        (r) => place.rejectedOp(r.op_id),
      ),
      ctx.sealing.openEach(
        rows,
        (r) => r.message,
        (r) => place.rejectedMessage(r.op_id),
      ),
    ]);
    return rows.map((r, i) => ({
      op: JSON.parse(ops[i] as string) as Op,
      code: r.code,
      message: messages[i] as string,
      at: r.at,
    }));
  },

  async dismissRejected(opId) {
    await ctx.db.run('DELETE FROM rejected_ops WHERE op_id = ?', [opId]);
  },
});

/** The rows of `rejected_ops` for refusals, sealed; `insertRejected` writes them. */
export async function sealRejected(
  ctx: StoreContext,
  rejected: readonly RejectedOp[],
): Promise<SqlValue[][]> {
  const [ops, messages] = await Promise.all([
    ctx.sealing.sealEach(
      rejected,
      (r) => JSON.stringify(r.op),
      (r) => place.rejectedOp(r.op.id),
    ),
    ctx.sealing.sealEach(
      rejected,
      (r) => r.message,
      (r) => place.rejectedMessage(r.op.id),
    ),
  ]);
  return rejected.map((r, i) => [r.op.id, ops[i] as SqlValue, r.code, messages[i] as SqlValue, r.at]);
}

export function insertRejected(db: SqlRunner, rows: readonly SqlValue[][]): Promise<void> {
  return insertMany(
    db,
    'rejected_ops',
    ['op_id', 'op', 'code', 'message', 'at'],
    rows,
    ' ON CONFLICT (op_id) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at',
  );
}
