import { StateChecksum } from './checksum.js';
import { type Conflict, mergeOp, type RowState } from './merge.js';
import type { Op } from './op.js';

/**
 * A complete replica in memory: rows, checksum and conflicts, kept by the core merge. It is the
 * reference the storage adapters are tested against, and what property tests simulate devices with.
 */
export class MemoryReplica {
  readonly rows = new Map<string, RowState>();
  readonly checksum = new StateChecksum();
  readonly conflicts = new Map<string, Conflict>();

  apply(op: Op): Conflict[] {
    const key = `${op.table}/${op.rowId}`;
    const result = mergeOp(this.rows.get(key), op);
    for (const { field, before, after } of result.changes) {
      if (before) this.checksum.apply(op.table, op.rowId, field, before.stamp, before.value, -1);
      this.checksum.apply(op.table, op.rowId, field, after.stamp, after.value, 1);
    }
    this.rows.set(key, result.row);
    for (const conflict of result.conflicts) this.conflicts.set(conflict.id, conflict);
    return result.conflicts;
  }

  row(table: string, rowId: string): RowState | undefined {
    return this.rows.get(`${table}/${rowId}`);
  }

  /** Rows in a canonical order, for comparing replicas. */
  snapshot(): Array<[string, RowState]> {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}
