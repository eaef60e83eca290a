import type { RowState } from './merge.js';
import type { FieldValue } from './op.js';

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
