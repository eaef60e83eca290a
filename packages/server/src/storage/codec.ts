import type { Conflict, ConflictSide, FieldValue, Op, RowState, SnapshotRow, TableName } from '@kakeibo/core';
import type { Sealer } from './ledger-keys.js';

/**
 * How rows, op fields and conflict bodies become column text and back. The associated data names
 * each value's place, so a sealed value moved to another row, op or ledger no longer opens.
 */
const rowAad = (ledgerId: string, table: string, rowId: string) => `${ledgerId}/${table}/${rowId}`;
const opAad = (ledgerId: string, opId: string) => `${ledgerId}/op/${opId}`;
const conflictAad = (ledgerId: string, id: string) => `${ledgerId}/conflict/${id}`;

/**
 * A row is stored with each distinct stamp written once: `{ s: [stamps], f: { field: [value, i] } }`.
 * Most fields of a row share the stamp of the op that created it, so this is about half the size of
 * the RowState JSON, and ingest speed is bounded by the bytes written (and, on SQLite, encrypted).
 */
interface CompactRow {
  s: string[];
  f: Record<string, [FieldValue, number]>;
}

export function encodeRow(s: Sealer, ledgerId: string, table: string, rowId: string, row: RowState): string {
  const stamps: string[] = [];
  const index = new Map<string, number>();
  const f: CompactRow['f'] = {};
  for (const [field, { value, stamp }] of Object.entries(row)) {
    let i = index.get(stamp);
    if (i === undefined) {
      i = stamps.push(stamp) - 1;
      index.set(stamp, i);
    }
    f[field] = [value, i];
  }
  return s.seal(rowAad(ledgerId, table, rowId), JSON.stringify({ s: stamps, f } satisfies CompactRow));
}

export function decodeRow(
  s: Sealer,
  ledgerId: string,
  table: string,
  rowId: string,
  stored: string,
): RowState {
  const { s: stamps, f } = JSON.parse(s.open(rowAad(ledgerId, table, rowId), stored)) as CompactRow;
  const row: RowState = {};
  for (const [field, [value, i]] of Object.entries(f)) row[field] = { value, stamp: stamps[i] as string };
  return row;
}

export const encodeOpFields = (s: Sealer, ledgerId: string, op: Op): string =>
  s.seal(opAad(ledgerId, op.id), JSON.stringify(op.fields));

export const decodeOpFields = (s: Sealer, ledgerId: string, opId: string, stored: string): Op['fields'] =>
  JSON.parse(s.open(opAad(ledgerId, opId), stored)) as Op['fields'];

/**
 * `prev` names exactly the op's fields (parseOp checks it), and a new row's are all null: only the
 * non-null stamps are stored, and the nulls are restored from the field names.
 */
export function encodePrev(op: Op): string {
  const known: Record<string, string> = {};
  for (const [field, stamp] of Object.entries(op.prev)) if (stamp !== null) known[field] = stamp;
  return JSON.stringify(known);
}

export function decodePrev(fields: Op['fields'], stored: string): Op['prev'] {
  const known = JSON.parse(stored) as Record<string, string>;
  const prev: Op['prev'] = {};
  for (const field of Object.keys(fields)) prev[field] = known[field] ?? null;
  return prev;
}

interface ConflictBody {
  winner: ConflictSide;
  loser: ConflictSide;
}

export const encodeConflictBody = (s: Sealer, ledgerId: string, c: Conflict): string =>
  s.seal(
    conflictAad(ledgerId, c.id),
    JSON.stringify({ winner: c.winner, loser: c.loser } satisfies ConflictBody),
  );

export function decodeConflict(
  s: Sealer,
  ledgerId: string,
  row: { id: string; seq: number | string; tbl: string; row_id: string; field: string; body: string },
): Conflict & { seq: number } {
  const body = JSON.parse(s.open(conflictAad(ledgerId, row.id), row.body)) as ConflictBody;
  return {
    id: row.id,
    table: row.tbl as TableName,
    rowId: row.row_id,
    field: row.field,
    winner: body.winner,
    loser: body.loser,
    seq: Number(row.seq),
  };
}

/** A stored row as the snapshot and repair messages carry it. */
export function snapshotRow(table: string, rowId: string, row: RowState): SnapshotRow {
  return { table: table as TableName, rowId, fields: row as SnapshotRow['fields'] };
}

/** The calendar date a row is listed by: the first of these fields it has, '' when none. */
const DATE_FIELDS = ['date', 'purchaseDate', 'startDate'] as const;

export function sortDateOf(row: RowState): string {
  for (const field of DATE_FIELDS) {
    const value = row[field]?.value;
    if (typeof value === 'string') return value;
  }
  return '';
}

export function categoryIdOf(row: RowState): string | null {
  const value = row.categoryId?.value;
  return typeof value === 'string' ? value : null;
}
