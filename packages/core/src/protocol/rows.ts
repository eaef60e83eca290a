import type { Stamp } from '../clock/stamp.js';
import type { RowState } from '../sync/merge.js';
import { type CheckedRow, checkPackedRow, rowStateOf } from '../sync/row-codec.js';
import type { TableName } from '../sync/tables.js';
import { BucketRowsPageSchema, type PackedRowMessage, SnapshotPageSchema } from './messages.js';
import { parseReply } from './replies.js';

/** A row with each field's value and stamp: a snapshot or repair row once decoded, as stores apply it. */
export interface SnapshotRow {
  table: TableName;
  rowId: string;
  fields: RowState;
  /**
   * The same fields as packed text (sync/row-codec.ts), set only by `decodeRows` on text it checked:
   * a store may keep this text as it is for a row it did not have, instead of packing `fields` again.
   */
  packed?: string;
  /**
   * The row as checkPackedRow read it, set only by `decodeRows`: what a store needs of a row it did
   * not have (values, fields with stamps), without `fields` ever being built.
   */
  checked?: CheckedRow;
}

/**
 * A row decodeRows checked: its RowState (`fields`) is built only if something asks for it (a row the
 * store already had, to merge), since a bootstrap stores every row as it came.
 */
class DecodedRow implements SnapshotRow {
  private state: RowState | undefined;

  constructor(
    readonly table: TableName,
    readonly rowId: string,
    readonly packed: string,
    readonly checked: CheckedRow,
  ) {}

  get fields(): RowState {
    this.state ??= rowStateOf(this.checked);
    return this.state;
  }
}

export interface DecodedRows {
  rows: SnapshotRow[];
  /** The newest stamp of all the rows (a device's clock follows it), undefined when there are none. */
  newest: Stamp | undefined;
}

/** Checks and decodes packed rows (see checkPackedRow); throws `sync.invalid_row` at the first bad one. */
export function decodeRows(rows: readonly PackedRowMessage[]): DecodedRows {
  const decoded: SnapshotRow[] = new Array(rows.length);
  let newest: Stamp | undefined;
  for (let i = 0; i < rows.length; i++) {
    const { table, rowId, packed } = rows[i] as PackedRowMessage;
    const checked = checkPackedRow(table, rowId, packed);
    if (newest === undefined || checked.newest > newest) newest = checked.newest;
    decoded[i] = new DecodedRow(table, rowId, packed, checked);
  }
  return { rows: decoded, newest };
}

export interface DecodedSnapshotPage extends DecodedRows {
  watermark: number;
  nextCursor: string | null;
}

export interface DecodedBucketRowsPage extends DecodedRows {
  nextCursor: string | null;
}

/**
 * A snapshot page as it arrived, checked before anything of it is used: the envelope against
 * SnapshotPageSchema (`sync.invalid_response`), then every row (`sync.invalid_row`).
 */
export function parseSnapshotPage(body: unknown): DecodedSnapshotPage {
  const page = parseReply(SnapshotPageSchema, body, 'snapshot page');
  return { watermark: page.watermark, nextCursor: page.nextCursor, ...decodeRows(page.rows) };
}

/** A repair page (the rows of one checksum bucket), checked like a snapshot page. */
export function parseBucketRowsPage(body: unknown): DecodedBucketRowsPage {
  const page = parseReply(BucketRowsPageSchema, body, 'bucket page');
  return { nextCursor: page.nextCursor, ...decodeRows(page.rows) };
}
