import { type Stamp, stampDevice, stampWallMs } from '../clock/stamp.js';
import { canonicalJson } from './canonical.js';
import type { FieldValue, Op } from './op.js';
import type { TableName } from './tables.js';

export interface FieldState {
  value: FieldValue;
  stamp: Stamp;
}

/** A row as every replica stores it: each field with the stamp of the write that set it. */
export type RowState = Record<string, FieldState>;

export interface FieldChange {
  field: string;
  before: FieldState | undefined;
  after: FieldState;
}

export interface ConflictSide {
  value: FieldValue;
  stamp: Stamp;
  deviceId: string;
}

/**
 * Two devices wrote one field without either having seen the other's value. The merge has already
 * picked the winner (the greater stamp); this record keeps the losing value so a person can review it.
 */
export interface Conflict {
  /** Deterministic: one op loses on one field once, so replicas that detect it agree on the id. */
  id: string;
  table: TableName;
  rowId: string;
  field: string;
  winner: ConflictSide;
  loser: ConflictSide;
}

export interface MergeResult {
  row: RowState;
  /** Fields whose stored value or stamp changed (empty for a duplicate or an op that lost everywhere). */
  changes: FieldChange[];
  conflicts: Conflict[];
}

/**
 * Last-writer-wins per field by HLC stamp. Commutative, associative and idempotent on the state: any
 * order and any repetition of the same ops gives the same rows, because each field keeps the value
 * of its greatest stamp and nothing else.
 *
 * Conflicts are judged against the state the op is applied to. The op says which stamp it replaced
 * (`prev`); a writer that had seen the current value replaced that stamp or a newer one, so
 * `prev < current` means the writer never saw the current value: a concurrent edit, whichever side
 * wins. Applied in one agreed order, exactly once per op (the server's log), every replica derives
 * the same conflicts; see docs/PROTOCOL.md.
 */
export function mergeOp(current: RowState | undefined, op: Op): MergeResult {
  const row: RowState = { ...current };
  const changes: FieldChange[] = [];
  const conflicts: Conflict[] = [];
  for (const [field, value] of Object.entries(op.fields)) {
    const incoming: FieldState = { value, stamp: op.stamp };
    const existing = row[field];
    if (!existing) {
      row[field] = incoming;
      changes.push({ field, before: undefined, after: incoming });
      continue;
    }
    if (existing.stamp === incoming.stamp) {
      // A re-delivered op. Equal stamps with unequal values can only come from a broken writer;
      // resolve them by value so replicas still agree.
      if (canonicalJson(incoming.value) > canonicalJson(existing.value)) {
        row[field] = incoming;
        changes.push({ field, before: existing, after: incoming });
      }
      continue;
    }
    const incomingWins = incoming.stamp > existing.stamp;
    // Two writers who did not see each other but wrote the same value did not disagree: no conflict
    // (two devices writing the same recurring occurrence while offline, say).
    if (isConcurrent(op, field, existing) && !sameValue(incoming.value, existing.value)) {
      const [winner, loser] = incomingWins ? [incoming, existing] : [existing, incoming];
      conflicts.push(conflictRecord(op, field, winner, loser));
    }
    if (incomingWins) {
      row[field] = incoming;
      changes.push({ field, before: existing, after: incoming });
    }
  }
  return { row, changes, conflicts };
}

const sameValue = (a: FieldState['value'], b: FieldState['value']) =>
  a === b || canonicalJson(a) === canonicalJson(b);

function isConcurrent(op: Op, field: string, existing: FieldState): boolean {
  if (stampDevice(existing.stamp) === op.deviceId) return false; // one device's writes are sequential
  const replaced = op.prev[field] ?? null;
  return replaced === null || replaced < existing.stamp;
}

function conflictRecord(op: Op, field: string, winner: FieldState, loser: FieldState): Conflict {
  const side = (s: FieldState): ConflictSide => ({
    value: s.value,
    stamp: s.stamp,
    deviceId: stampDevice(s.stamp),
  });
  return {
    id: `${op.table}/${op.rowId}/${field}/${loser.stamp}`,
    table: op.table,
    rowId: op.rowId,
    field,
    winner: side(winner),
    loser: side(loser),
  };
}

/** A row is gone when its tombstone field says so; a later write to another field does not revive it. */
export const isDeleted = (row: RowState): boolean => row.deleted?.value === true;

/** The newest stamp in a row: its updatedAt, and the row's position in "recently changed". */
export function latestStamp(row: RowState): Stamp | undefined {
  let latest: Stamp | undefined;
  for (const { stamp } of Object.values(row)) if (latest === undefined || stamp > latest) latest = stamp;
  return latest;
}

/** The plain object a reader sees: id, createdAt, updatedAt, deleted and the data fields. */
export function materializeRow(rowId: string, row: RowState): Record<string, FieldValue> & { id: string } {
  const out: Record<string, FieldValue> & { id: string } = { id: rowId };
  for (const [field, { value }] of Object.entries(row)) out[field] = value;
  const latest = latestStamp(row);
  if (latest !== undefined) out.updatedAt = new Date(stampWallMs(latest)).toISOString();
  out.deleted = isDeleted(row);
  return out;
}
