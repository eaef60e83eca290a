import { type Conflict, decodeConflictBody, encodeConflictBody, type TableName } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import type { SqlRunner, SqlValue } from './driver.js';
import { place } from './sealing.js';
import { insertMany } from './sql.js';
import type { FacadeStore } from './types.js';

/** Concurrent edits the server recorded, kept so a person can review them (and dismiss them). */
export const conflictsArea = (ctx: StoreContext): Pick<FacadeStore, 'conflicts' | 'dismissConflict'> => ({
  async conflicts(includeDismissed = false) {
    const rows = await ctx.db.all<{
      id: string;
      seq: number;
      tbl: string;
      row_id: string;
      field: string;
      body: SqlValue;
      dismissed: number;
    }>(
      `SELECT id, seq, tbl, row_id, field, body, dismissed FROM conflicts
       ${includeDismissed ? '' : 'WHERE dismissed = 0'} ORDER BY seq, id`,
    );
    const bodies = await ctx.sealing.openEach(
      rows,
      (r) => r.body,
      (r) => place.conflict(r.id),
    );
    return rows.map((r, i) => {
      const { winner, loser } = decodeConflictBody(bodies[i] as string);
      return {
        id: r.id,
        table: r.tbl as TableName,
        rowId: r.row_id,
        field: r.field,
        winner,
        loser,
        seq: Number(r.seq),
        dismissed: Boolean(r.dismissed),
      };
    });
  },

  async dismissConflict(id) {
    const { changes } = await ctx.db.run('UPDATE conflicts SET dismissed = 1 WHERE id = ?', [id]);
    return changes > 0;
  },
});

/** A conflict id is deterministic: one already stored stays as first stored (and keeps its dismissal). */
export async function insertConflicts(
  ctx: StoreContext,
  db: SqlRunner,
  conflicts: readonly (Conflict & { seq: number })[],
): Promise<void> {
  const bodies = await ctx.sealing.sealEach(conflicts, encodeConflictBody, (c) => place.conflict(c.id));
  await insertMany(
    db,
    'conflicts',
    ['id', 'seq', 'tbl', 'row_id', 'field', 'body'],
    conflicts.map((c, i) => [c.id, c.seq, c.table, c.rowId, c.field, bodies[i] as SqlValue]),
    ' ON CONFLICT (id) DO NOTHING',
  );
}
