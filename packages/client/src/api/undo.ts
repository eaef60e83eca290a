import {
  buildOp,
  type FieldValue,
  type HybridClock,
  type Op,
  parseOp,
  type RowState,
  type TableName,
} from '@kakeibo/core';
import type { CollectionStore } from '../store/types.js';

/**
 * Undo and redo of this device's own changes. A step is one write of the API: an edit, a deletion,
 * or a whole batch (createMany: an import, a restore). Undoing writes the inverse ops, so the undo
 * syncs like any change and can itself be undone (redo). A field changed since by anyone else (or
 * later here) is left as it is and reported: an undo never overwrites a newer change.
 *
 * The history lives in memory while the app runs (the last 100 steps): keeping every step's
 * before-values on disk would make each edit rewrite it.
 */

const MAX_STEPS = 100;
const MAX_RESTORED = 50_000;
const BASE_FIELDS = new Set(['createdAt']);

interface StepRow {
  table: TableName;
  rowId: string;
  /** The stamp the step wrote its fields with: a field still at it has not changed since. */
  stamp: string;
  /** Each written field's value before the step; `undefined` for a row the step created. */
  before: Record<string, FieldValue> | undefined;
  /** The stamps those values had. */
  beforeStamps: Record<string, string>;
  fields: string[];
}

interface Step {
  rows: StepRow[];
}

export interface UndoResult {
  /** Rows the undo (or redo) wrote back. */
  rows: number;
  /** Fields changed since the step, by another device or a later change here: left as they are. */
  skipped: Array<{ table: TableName; rowId: string; field: string }>;
}

export interface UndoDeps {
  store: Pick<CollectionStore, 'rowState'>;
  clock: HybridClock;
  /** Stores ops as local changes (compose.ts's apply), without recording them as a new step. */
  write(table: TableName, ops: readonly Op[]): Promise<void>;
}

export class UndoHistory {
  private readonly undos: Step[] = [];
  private readonly redos: Step[] = [];
  /**
   * A field an undo or redo wrote back holds the value an earlier step left, under a new stamp:
   * for that earlier step the field has not changed since. Maps `table/row/field/new stamp` to the
   * stamp the value had, so undoing several steps of one field in a row works.
   */
  private readonly restored = new Map<string, string>();

  constructor(private readonly deps: UndoDeps) {}

  get canUndo(): boolean {
    return this.undos.length > 0;
  }

  get canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** What a write is about to change, read before it is stored: call, then store the ops. */
  async before(ops: readonly Op[]): Promise<Step> {
    const rows: StepRow[] = [];
    for (const op of ops) {
      const created = 'createdAt' in op.fields && op.prev.createdAt === null;
      const current = created ? undefined : await this.deps.store.rowState(op.table, op.rowId);
      const fields = Object.keys(op.fields);
      const beforeStamps: Record<string, string> = {};
      for (const field of fields) {
        const stamp = current?.[field]?.stamp;
        if (stamp) beforeStamps[field] = stamp;
      }
      rows.push({
        table: op.table,
        rowId: op.rowId,
        stamp: op.stamp,
        before: created ? undefined : valuesOf(current, fields),
        beforeStamps,
        fields,
      });
    }
    return { rows };
  }

  /** A new change of the person's: undoable; what was undone can no longer be redone. */
  recorded(step: Step): void {
    push(this.undos, step);
    this.redos.length = 0;
  }

  undo(): Promise<UndoResult | null> {
    return this.revert(this.undos, this.redos);
  }

  redo(): Promise<UndoResult | null> {
    return this.revert(this.redos, this.undos);
  }

  private remember(key: string, was: string): void {
    this.restored.set(key, was);
    // Bounded like the steps: the oldest restorations belong to steps long dropped.
    if (this.restored.size > MAX_RESTORED) {
      const oldest = this.restored.keys().next().value;
      if (oldest !== undefined) this.restored.delete(oldest);
    }
  }

  /** Whether a field still holds what the step wrote (directly, or as restored by undo or redo). */
  private unchanged(row: StepRow, field: string, current: RowState | undefined): boolean {
    let stamp = current?.[field]?.stamp;
    for (let hops = 0; stamp !== undefined && stamp !== row.stamp && hops < MAX_STEPS * 2; hops++) {
      stamp = this.restored.get(place(row.table, row.rowId, field, stamp));
    }
    return stamp === row.stamp;
  }

  /** Writes the inverse of the newest step of `from`, and keeps that inverse as a step of `to`. */
  private async revert(from: Step[], to: Step[]): Promise<UndoResult | null> {
    const step = from.pop();
    if (!step) return null;
    const skipped: UndoResult['skipped'] = [];
    const inverse: Op[] = [];
    const restoredStamps: Array<{ key: (stamp: string) => string; was: string }> = [];
    // Newest first, so a row written twice in a step ends as it was before the first write.
    for (const row of [...step.rows].reverse()) {
      const current = await this.deps.store.rowState(row.table, row.rowId);
      const fields: Record<string, FieldValue> = {};
      if (row.before === undefined) {
        // The step created the row: undoing it deletes it, unless its tombstone moved since.
        if (this.unchanged(row, 'deleted', current)) fields.deleted = true;
        else skipped.push({ table: row.table, rowId: row.rowId, field: 'deleted' });
      } else {
        for (const field of row.fields) {
          if (BASE_FIELDS.has(field)) continue;
          if (!this.unchanged(row, field, current)) {
            skipped.push({ table: row.table, rowId: row.rowId, field });
            continue;
          }
          const value = row.before[field];
          // A field the row did not have before (a row from before it existed) cannot be removed.
          if (value === undefined) {
            skipped.push({ table: row.table, rowId: row.rowId, field });
            continue;
          }
          fields[field] = value;
          const was = row.beforeStamps[field];
          if (was) restoredStamps.push({ key: (stamp) => place(row.table, row.rowId, field, stamp), was });
        }
      }
      if (Object.keys(fields).length === 0) continue;
      const op = parseOp(buildOp(this.deps.clock, row.table, row.rowId, fields, current));
      for (const r of restoredStamps.splice(0)) this.remember(r.key(op.stamp), r.was);
      inverse.push(op);
    }
    if (inverse.length === 0) return { rows: 0, skipped };
    const reverted = await this.before(inverse);
    for (const table of new Set(inverse.map((op) => op.table))) {
      await this.deps.write(
        table,
        inverse.filter((op) => op.table === table),
      );
    }
    push(to, reverted);
    return { rows: inverse.length, skipped };
  }
}

const place = (table: string, rowId: string, field: string, stamp: string) =>
  `${table}/${rowId}/${field}/${stamp}`;

function push(stack: Step[], step: Step): void {
  stack.push(step);
  if (stack.length > MAX_STEPS) stack.shift();
}

function valuesOf(row: RowState | undefined, fields: readonly string[]): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const field of fields) {
    const state = row?.[field];
    if (state) values[field] = state.value as FieldValue;
  }
  return values;
}
