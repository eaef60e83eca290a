import { STAMP_RE, type Stamp } from '../clock/stamp.js';
import { KakeiboError } from '../errors.js';
import { fieldValueChecker } from './field-values.js';
import type { RowState } from './merge.js';
import type { FieldValue } from './op.js';
import type { TableName } from './tables.js';

/**
 * How a stored row is written as text, on the server and on devices alike: each distinct stamp once,
 * `{ "s": [stamps], "f": { field: [value, stampIndex] } }`. Most fields of a row share the stamp of
 * the op that created it, so this is well under half the size of the RowState JSON, and both ingest
 * and bootstrap are bounded by the bytes SQLCipher encrypts and writes.
 */
interface PackedRow {
  s: string[];
  f: Record<string, [FieldValue, number]>;
}

export function packRow(row: RowState): string {
  const stamps: string[] = [];
  const f: PackedRow['f'] = {};
  let last = '';
  let lastIndex = -1;
  for (const field in row) {
    const state = row[field];
    if (state === undefined) continue;
    const { value, stamp } = state;
    let i = stamp === last ? lastIndex : stamps.indexOf(stamp);
    if (i < 0) i = stamps.push(stamp) - 1;
    last = stamp;
    lastIndex = i;
    f[field] = [value, i];
  }
  return JSON.stringify({ s: stamps, f } satisfies PackedRow);
}

export function unpackRow(text: string): RowState {
  const { s: stamps, f } = JSON.parse(text) as PackedRow;
  const row: RowState = {};
  for (const field in f) {
    const entry = f[field] as [FieldValue, number];
    row[field] = { value: entry[0], stamp: stamps[entry[1]] as string };
  }
  return row;
}

/**
 * The most characters one packed row may have when it comes from elsewhere: far more than the field
 * schemas let a row hold (the largest text field is 20,000 characters), so it bounds what a malformed
 * page can make a device hold without ever refusing real data.
 */
export const MAX_PACKED_ROW_CHARS = 256 * 1024;

/** A packed row read by `parsePackedRow`: its fields, and the newest of its stamps. */
export interface ParsedPackedRow {
  row: RowState;
  newest: Stamp;
}

/**
 * Reads a packed row that arrived from elsewhere (a snapshot or repair page), trusting nothing: the
 * text must be exactly the packed form, every stamp an HLC stamp, listed once and used by a field,
 * every field one of `table`'s with a value its schema accepts as it is (field-values.ts). Throws
 * KakeiboError `sync.invalid_row`, naming the row and the first problem, so a malformed row is
 * refused before anything of it reaches a store.
 */
export function parsePackedRow(table: TableName, rowId: string, text: string): ParsedPackedRow {
  if (text.length > MAX_PACKED_ROW_CHARS) {
    throw invalidRow(table, rowId, `it is longer than ${MAX_PACKED_ROW_CHARS} characters`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRow(table, rowId, 'it is not JSON');
  }
  if (!isPlainObject(parsed)) throw invalidRow(table, rowId, 'it is not a packed row');
  for (const part in parsed) {
    if (part !== 's' && part !== 'f') throw invalidRow(table, rowId, `it has an unknown part "${part}"`);
  }
  const { s: stamps, f: fields } = parsed as Partial<PackedRow>;
  if (!Array.isArray(stamps) || stamps.length === 0) throw invalidRow(table, rowId, 'it lists no stamps');
  let newest = '';
  for (let i = 0; i < stamps.length; i++) {
    const stamp = stamps[i];
    if (typeof stamp !== 'string' || !STAMP_RE.test(stamp)) {
      throw invalidRow(table, rowId, `stamp ${i} is not an HLC stamp`);
    }
    if (stamps.indexOf(stamp) !== i) throw invalidRow(table, rowId, `stamp ${stamp} is listed twice`);
    if (stamp > newest) newest = stamp;
  }
  if (!isPlainObject(fields)) throw invalidRow(table, rowId, 'its fields are not an object');
  // Nearly every row has one stamp, which any field uses: only several need counting.
  const used = stamps.length > 1 ? new Uint8Array(stamps.length) : undefined;
  const checker = fieldValueChecker(table);
  const row: RowState = {};
  let count = 0;
  for (const field in fields) {
    const entry = fields[field];
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw invalidRow(table, rowId, `field "${field}" is not [value, stamp index]`);
    }
    const value: unknown = entry[0];
    const index: unknown = entry[1];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= stamps.length) {
      throw invalidRow(table, rowId, `field "${field}" names no listed stamp`);
    }
    const problem = checker.problem(field, value);
    if (problem?.kind === 'unknown_field') throw invalidRow(table, rowId, `${table} has no field "${field}"`);
    if (problem) throw invalidRow(table, rowId, `field "${field}" ${problem.message}`);
    if (used) used[index] = 1;
    row[field] = { value: value as FieldValue, stamp: stamps[index] as string };
    count += 1;
  }
  if (count === 0) throw invalidRow(table, rowId, 'it has no fields');
  if (used?.includes(0)) throw invalidRow(table, rowId, 'it lists a stamp no field has');
  return { row, newest };
}

const invalidRow = (table: TableName, rowId: string, problem: string) =>
  new KakeiboError('sync.invalid_row', `The server sent an invalid row ${table}/${rowId}: ${problem}.`, {
    table,
    rowId,
  });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a row is listed by date with: the first of these it has. */
const DATE_FIELDS = ['date', 'purchaseDate', 'startDate'] as const;

/** The calendar date a row sorts by in lists and date filters; '' when it has none (sorts last). */
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
