import {
  type Conflict,
  decodeConflictBody,
  encodeConflictBody,
  type Op,
  type PackedRowMessage,
  packRow,
  type RowState,
  type TableName,
  unpackRow,
} from '@kakeibo/core';
import type { Sealer } from './ledger-keys.js';

/**
 * How rows, op fields and conflict bodies become column text and back. The associated data names
 * each value's place, so a sealed value moved to another row, op or ledger no longer opens.
 */
const rowAad = (ledgerId: string, table: string, rowId: string) => `${ledgerId}/${table}/${rowId}`;
const opAad = (ledgerId: string, opId: string) => `${ledgerId}/op/${opId}`;
const conflictAad = (ledgerId: string, id: string) => `${ledgerId}/conflict/${id}`;

/** A row's packed text (core packRow), sealed with its place as associated data. */
export const encodeRow = (s: Sealer, ledgerId: string, table: string, rowId: string, row: RowState): string =>
  s.seal(rowAad(ledgerId, table, rowId), packRow(row));

/** A row's packed text as a backup carries it, sealed again for this storage. */
export const encodePackedRow = (s: Sealer, ledgerId: string, table: string, rowId: string, packed: string) =>
  s.seal(rowAad(ledgerId, table, rowId), packed);

export const decodeRow = (
  s: Sealer,
  ledgerId: string,
  table: string,
  rowId: string,
  stored: string,
): RowState => unpackRow(s.open(rowAad(ledgerId, table, rowId), stored));

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

export const encodeConflict = (s: Sealer, ledgerId: string, c: Conflict): string =>
  s.seal(conflictAad(ledgerId, c.id), encodeConflictBody(c));

/** A conflict's body text (core encodeConflictBody) as stored, and back: what backups carry. */
export const sealConflictBody = (s: Sealer, ledgerId: string, id: string, body: string): string =>
  s.seal(conflictAad(ledgerId, id), body);
export const openConflictBody = (s: Sealer, ledgerId: string, id: string, stored: string): string =>
  s.open(conflictAad(ledgerId, id), stored);

export function decodeConflict(
  s: Sealer,
  ledgerId: string,
  row: { id: string; seq: number | string; tbl: string; row_id: string; field: string; body: string },
): Conflict & { seq: number } {
  const body = decodeConflictBody(s.open(conflictAad(ledgerId, row.id), row.body));
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

/**
 * A stored row as the snapshot and repair messages carry it: its packed text, opened (sealed columns)
 * but not decoded, since the message carries exactly that text (see core PackedRowSchema).
 */
export const packedRow = (
  s: Sealer,
  ledgerId: string,
  table: string,
  rowId: string,
  stored: string,
): PackedRowMessage => ({
  table: table as TableName,
  rowId,
  packed: s.open(rowAad(ledgerId, table, rowId), stored),
});
