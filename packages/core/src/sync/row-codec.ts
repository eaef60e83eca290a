import { STAMP_RE, type Stamp } from '../clock/stamp.js';
import { KakeiboError } from '../errors.js';
import { type FieldValueChecker, fieldValueChecker } from './field-values.js';
import type { RowState } from './merge.js';
import type { FieldValue } from './op.js';
import type { TableName } from './tables.js';

/**
 * How a stored row is written as text, on the server and on devices alike: each distinct stamp once,
 * then every field as a triple, `[[stamps], field, value, stampIndex, field, value, stampIndex, …]`.
 * Most fields of a row share the stamp of the op that created it, so this is well under half the size
 * of the RowState JSON, and both ingest and bootstrap are bounded by the bytes the ciphers encrypt and
 * write. One flat array, because it is what a 100,000-row bootstrap parses 100,000 times: it parses in
 * about two thirds of the time of the first form (below), and is a tenth shorter.
 *
 * The first form, `{ "s": [stamps], "f": { field: [value, stampIndex] } }`, is still read everywhere
 * (rows stored before the change keep it until they are next written, and are sent as stored).
 */
type PackedRowText = [stamps: string[], ...entries: unknown[]];
interface LegacyPackedRow {
  s: string[];
  f: Record<string, [FieldValue, number]>;
}

/** Where the fields start in the flat form (after the stamps), and the entries each takes. */
export const PACKED_FIRST_FIELD = 1;
/** Entries per field in the flat form: field, value, stamp index. */
export const PACKED_ENTRY = 3;

/**
 * Packed text is ASCII: every character outside it is written as JSON's `\uXXXX` escape (an emoji as
 * its two surrogates), which parses back to exactly the same values, so nothing that reads the text
 * (or the checksum, which hashes the values) sees a difference. The reason is the strings that hold
 * it: V8 keeps a text as one byte per character only when every character fits, and otherwise as two
 * for all of them. One "ü" in one payee made a whole 1 MB snapshot page a two-byte string; with ASCII
 * rows a bootstrap decodes its pages in a third of the time, and SQLite binds one-byte strings faster
 * (100,000 rows, store only: ~90 ms less of ~1.2 s). It costs a few bytes per non-ASCII letter (six
 * instead of two or three), and nothing for text that is ASCII already. Text stored before keeps its
 * raw characters (any valid JSON is read) until its row is next written.
 */
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_EVERYWHERE = /[\u0080-\uffff]/g;
const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text of `value` with every non-ASCII character escaped (see above). */
function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_EVERYWHERE, escapeChar) : text;
}

export function packRow(row: RowState): string {
  const stamps: string[] = [];
  const packed: PackedRowText = [stamps];
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
    packed.push(field, value, i);
  }
  return asciiJson(packed);
}

/** A stored row's text (either form) as a RowState; the text is trusted (see checkPackedRow). */
export function unpackRow(text: string): RowState {
  const parsed = JSON.parse(text) as PackedRowText | LegacyPackedRow;
  if (Array.isArray(parsed)) return rowStateOf({ flat: parsed });
  const row: RowState = {};
  const { s: stamps, f } = parsed;
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

/**
 * A packed row checked by `checkPackedRow`, without its RowState built: a bootstrap stores 100,000
 * rows it did not have, and needs of each only its values (for the derived columns), its fields
 * with their stamps once (for the checksum), and the text it came as. `rowStateOf` builds the
 * RowState when a row has to be merged after all.
 */
export interface CheckedRow {
  /** In the flat form as it parses, `[stamps, field, value, stampIndex, …]` (a first-form row is brought to it). */
  readonly flat: readonly unknown[];
  /** Each field's value by field name. */
  readonly values: Readonly<Record<string, FieldValue>>;
  /** The newest of its stamps (a device's clock follows it). */
  readonly newest: Stamp;
}

/** The RowState of a checked row (or of any row in the flat form). */
export function rowStateOf({ flat }: Pick<CheckedRow, 'flat'>): RowState {
  const stamps = flat[0] as readonly string[];
  const row: RowState = {};
  for (let i = PACKED_FIRST_FIELD; i < flat.length; i += PACKED_ENTRY) {
    row[flat[i] as string] = {
      value: flat[i + 1] as FieldValue,
      stamp: stamps[flat[i + 2] as number] as string,
    };
  }
  return row;
}

/**
 * Reads a packed row that arrived from elsewhere (a snapshot or repair page), trusting nothing: the
 * text must be exactly one of the packed forms, every stamp an HLC stamp, listed once and used by a
 * field, every field one of `table`'s, once, with a value its schema accepts as it is
 * (field-values.ts). Throws KakeiboError `sync.invalid_row`, naming the row and the first problem, so
 * a malformed row is refused before anything of it reaches a store. Its RowState is not built (see
 * CheckedRow; `rowStateOf` builds it).
 */
export function checkPackedRow(table: TableName, rowId: string, text: string): CheckedRow {
  if (text.length > MAX_PACKED_ROW_CHARS) {
    throw invalidRow(table, rowId, `it is longer than ${MAX_PACKED_ROW_CHARS} characters`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRow(table, rowId, 'it is not JSON');
  }
  if (Array.isArray(parsed)) {
    const fields = new FieldReader(table, rowId, parsed);
    fields.readStamps(parsed[0]);
    if (parsed.length % PACKED_ENTRY !== PACKED_FIRST_FIELD)
      throw fields.invalid('its fields are not [field, value, stamp index] triples');
    for (let i = PACKED_FIRST_FIELD; i < parsed.length; i += PACKED_ENTRY) {
      const field: unknown = parsed[i];
      if (typeof field !== 'string') throw fields.invalid(`entry ${i} is not a field name`);
      fields.read(field, parsed[i + 1], parsed[i + 2]);
    }
    return fields.done();
  }
  // The first form: read into the flat form as it goes.
  const flat: unknown[] = [];
  const fields = new FieldReader(table, rowId, flat);
  if (!isPlainObject(parsed)) throw fields.invalid('it is not a packed row');
  for (const part in parsed) {
    if (part !== 's' && part !== 'f') throw fields.invalid(`it has an unknown part "${part}"`);
  }
  const { s: stamps, f: entries } = parsed as Partial<LegacyPackedRow>;
  fields.readStamps(stamps);
  flat.push(stamps);
  if (!isPlainObject(entries)) throw fields.invalid('its fields are not an object');
  for (const field in entries) {
    const entry = entries[field];
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw fields.invalid(`field "${field}" is not [value, stamp index]`);
    }
    fields.read(field, entry[0], entry[1]);
    flat.push(field, entry[0], entry[1]);
  }
  return fields.done();
}

/** The checks both packed forms share, as one row's stamps and fields are read. */
class FieldReader {
  private readonly values: Record<string, FieldValue> = {};
  private stamps: string[] = [];
  private newest = '';
  /** Which stamps a field used; only kept when there are several (nearly every row has one). */
  private used: Uint8Array | undefined;
  private count = 0;
  private readonly checker: FieldValueChecker;

  constructor(
    private readonly table: TableName,
    private readonly rowId: string,
    /** The row in the flat form, which done() hands on. */
    private readonly flat: readonly unknown[],
  ) {
    this.checker = fieldValueChecker(table);
  }

  readStamps(stamps: unknown): void {
    if (!Array.isArray(stamps) || stamps.length === 0) throw this.invalid('it lists no stamps');
    for (let i = 0; i < stamps.length; i++) {
      const stamp: unknown = stamps[i];
      if (typeof stamp !== 'string' || !STAMP_RE.test(stamp)) {
        throw this.invalid(`stamp ${i} is not an HLC stamp`);
      }
      if (stamps.indexOf(stamp) !== i) throw this.invalid(`stamp ${stamp} is listed twice`);
      if (stamp > this.newest) this.newest = stamp;
    }
    this.stamps = stamps as string[];
    if (stamps.length > 1) this.used = new Uint8Array(stamps.length);
  }

  read(field: string, value: unknown, index: unknown): void {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.stamps.length) {
      throw this.invalid(`field "${field}" names no listed stamp`);
    }
    const problem = this.checker.problem(field, value);
    if (problem?.kind === 'unknown_field') throw this.invalid(`${this.table} has no field "${field}"`);
    if (problem) throw this.invalid(`field "${field}" ${problem.message}`);
    // Known fields only get here, so no Object.prototype name is ever set or mistaken for a field.
    if (Object.hasOwn(this.values, field)) throw this.invalid(`field "${field}" is listed twice`);
    if (this.used) this.used[index] = 1;
    this.values[field] = value as FieldValue;
    this.count += 1;
  }

  done(): CheckedRow {
    if (this.count === 0) throw this.invalid('it has no fields');
    if (this.used?.includes(0)) throw this.invalid('it lists a stamp no field has');
    return { flat: this.flat, values: this.values, newest: this.newest };
  }

  invalid(problem: string): KakeiboError {
    return invalidRow(this.table, this.rowId, problem);
  }
}

const invalidRow = (table: TableName, rowId: string, problem: string) =>
  new KakeiboError('sync.invalid_row', `The server sent an invalid row ${table}/${rowId}: ${problem}.`, {
    table,
    rowId,
  });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A row's field values by field name (CheckedRow.values): what derived columns are computed from. */
export type FieldValues = Readonly<Record<string, FieldValue | undefined>>;

/** The fields a row is listed by date with: the first of these it has. */
const DATE_FIELDS = ['date', 'purchaseDate', 'startDate', 'openingDate'] as const;

function firstDate(valueIn: (field: string) => unknown): string {
  for (const field of DATE_FIELDS) {
    const value = valueIn(field);
    if (typeof value === 'string') return value;
  }
  return '';
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The calendar date a row sorts by in lists and date filters; '' when it has none (sorts last). */
export const sortDateOf = (row: RowState): string => firstDate((field) => row[field]?.value);
export const sortDateOfValues = (values: FieldValues): string => firstDate((field) => values[field]);

export const categoryIdOf = (row: RowState): string | null => stringOrNull(row.categoryId?.value);
export const categoryIdOfValues = (values: FieldValues): string | null => stringOrNull(values.categoryId);

/** merge.ts's isDeleted, for a row's values. */
export const isDeletedValues = (values: FieldValues): boolean => values.deleted === true;
