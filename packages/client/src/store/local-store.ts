import {
  addSums,
  BUCKETS_PER_TABLE,
  type BucketTotal,
  bucketOf,
  CHECKSUM_VERSION,
  type CheckedRow,
  type ChecksumBucket,
  ChecksumDelta,
  type Conflict,
  type ConflictSide,
  canonicalJson,
  type FieldChange,
  type FieldState,
  type FieldValue,
  hash64Hex,
  isEmptySum,
  isTableName,
  KakeiboError,
  type LoggedOp,
  materializeRow,
  mergeOp,
  type Op,
  packRow,
  parseHash64Hex,
  type RowState,
  type SnapshotRow,
  StateChecksum,
  stampDevice,
  type TableName,
  unpackRow,
} from '@kakeibo/core';

import { decodeCursor, encodeCursor, type Position, pageLimit, type WalkedRow, walkSql } from './listing.js';
import { runMigrations, STORE_TABLES } from './migrations.js';
import { ROW_COLUMNS, rowValues, searchableText, searchText, valuesOf } from './row-columns.js';
import { unreadable } from './sealer.js';
import {
  type CategorySpending,
  CURSOR_META_KEY,
  type FieldSealer,
  type ListQuery,
  type LocalStore,
  type MaterializedRow,
  type MonthlyTotal,
  type OutboxEntry,
  type Page,
  type RejectedOp,
  type SqlDriver,
  type SqlValue,
  type StoredConflict,
  type TableRow,
} from './types.js';

/**
 * Rows per multi-row INSERT: 9 columns × 128 = 1,152 parameters, far below SQLite's 32,766. A batch
 * is cut into full chunks and then powers of two (a rest of 37 is 32 + 4 + 1), so a handful of SQL
 * texts, each prepared once and reused by the driver, serve every batch size.
 */
const INSERT_CHUNK = 128;
/** Keys per `IN (…)` lookup; a short chunk is padded to a power of two by repeating its last key. */
const LOOKUP_CHUNK = 256;
/** Rows read per statement when walking the whole table (recomputeChecksum): memory stays bounded. */
const SCAN_PAGE = 1000;
/** The largest batch of rows a sealed store's search opens at once (see searchSealed). */
const SEARCH_BATCH_MAX = 1024;

const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/**
 * The place of each sealed value, bound into it as associated data: a value copied to another row,
 * key or table (or a row's fields into the outbox) fails to open. Prefixed by the SQL table, so the
 * places of two tables never coincide.
 */
const place = {
  row: (table: string, rowId: string) => `rows/${table}/${rowId}`,
  meta: (key: string) => `meta/${key}`,
  outbox: (opId: string) => `outbox/${opId}`,
  rejectedOp: (opId: string) => `rejected_ops/${opId}/op`,
  rejectedMessage: (opId: string) => `rejected_ops/${opId}/message`,
  conflict: (id: string) => `conflicts/${id}`,
};

/**
 * The meta key whose presence says that the store's values are sealed; its value, sealed like any
 * other, shows at open that the key given is the one that sealed them.
 */
const SEALED_META_KEY = 'store.sealed';
/** The meta key holding which CHECKSUM_VERSION the checksum_buckets follow (absent: version 1). */
const CHECKSUM_VERSION_META_KEY = 'checksum.version';
const SEALED_MARK = 'kakeibo-sealed-v1';

/** A listed row with its place in list order. */
interface Listed {
  table: TableName;
  rowId: string;
  row: RowState;
  position: Position;
}

/**
 * A row a write transaction stores: its merged state (packed anew), or a snapshot row stored as it
 * came (`incoming`: its text kept), whose RowState is only built if something in the same
 * transaction merges into it.
 */
type ChangedRow =
  | { table: TableName; rowId: string; row: RowState }
  | { table: TableName; rowId: string; incoming: CheckedSnapshotRow };

/** A snapshot row decodeRows checked: its text and its checked form are there. */
type CheckedSnapshotRow = SnapshotRow & { packed: string; checked: CheckedRow };

const isChecked = (row: SnapshotRow): row is CheckedSnapshotRow =>
  row.checked !== undefined && row.packed !== undefined;

/** The stored state a write transaction works on: rows loaded once, merged in memory, written once. */
class WriteSet {
  readonly loaded = new Map<string, RowState>();
  readonly changed = new Map<string, ChangedRow>();
  readonly delta = new ChecksumDelta();

  current(table: TableName, rowId: string): RowState | undefined {
    const key = rowKey(table, rowId);
    const changed = this.changed.get(key);
    if (changed === undefined) return this.loaded.get(key);
    return 'incoming' in changed ? changed.incoming.fields : changed.row;
  }

  /** Records a row the store did not have, stored whole (every field added). */
  added(table: TableName, rowId: string, row: RowState): void {
    this.delta.addRow(table, rowId, row);
    this.changed.set(rowKey(table, rowId), { table, rowId, row });
  }

  /** `added` for a checked snapshot row, stored as it came: summed from its checked form. */
  addedAsItCame(incoming: CheckedSnapshotRow): void {
    const { table, rowId } = incoming;
    this.delta.addChecked(table, rowId, incoming.checked);
    this.changed.set(rowKey(table, rowId), { table, rowId, incoming });
  }

  /** Records one merge result; a merge that changed nothing leaves the row as it was. */
  merged(table: TableName, rowId: string, row: RowState, changes: readonly FieldChange[]): void {
    if (changes.length === 0) return;
    this.delta.add(table, rowId, changes);
    this.changed.set(rowKey(table, rowId), { table, rowId, row });
  }

  /** The changed rows by table, for change events. */
  changedByTable(): Map<TableName, string[]> {
    return idsByTable(this.changed.values());
  }
}

/** Row ids grouped by table, in the order given: what a write reports as changed. */
function idsByTable(rows: Iterable<{ table: TableName; rowId: string }>): Map<TableName, string[]> {
  const out = new Map<TableName, string[]>();
  for (const { table, rowId } of rows) {
    const ids = out.get(table);
    if (ids) ids.push(rowId);
    else out.set(table, [rowId]);
  }
  return out;
}

/** The date index, as the first migration creates it (kept in step with migrations.ts). */
const ROWS_BY_DATE_INDEX =
  'CREATE INDEX IF NOT EXISTS rows_by_date ON rows (tbl, sort_date, row_id, deleted, category_id, currency, amount)';

export interface SqliteLocalStoreOptions {
  /**
   * Seals the user data before it reaches SQLite (see FieldSealer): for a database file that is not
   * encrypted itself (browsers). Without one (Node: the file is encrypted) values are stored as they are.
   */
  sealer?: FieldSealer;
}

/**
 * The local store on SQLite, for any SqlDriver (better-sqlite3 in Node, SQLite WASM in browsers).
 *
 * Every change, local or remote, is merged with core's `mergeOp`, the function the server runs, so
 * device and server cannot disagree about what a set of ops means; the checksum buckets are kept
 * incrementally with core's field hash, exactly as core's StateChecksum does. Each write method is
 * one transaction with a constant number of statements per 100 rows: load the touched rows with
 * `IN (…)` lookups, merge in memory, write back with multi-row upserts.
 *
 * With a sealer (browsers), every value holding user data or secrets is sealed before it reaches
 * SQLite: a row's fields, outbox and rejected ops, conflict values, every meta value. The columns the
 * indexes and reports need (table, row id, deleted, date, category id, amount, currency) stay clear,
 * and the clear search column stays empty (search opens rows instead; see searchSealed).
 */
export class SqliteLocalStore implements LocalStore {
  private readonly sealer: FieldSealer | undefined;
  /**
   * False while a bulk load has the date index dropped: reads keep working meanwhile (the app lists
   * and reports while a new device bootstraps), they just may not pin an index that is not there.
   */
  private dateIndexed = true;
  /**
   * True during a bulk load into a store that had no rows (a first bootstrap): a snapshot page then
   * goes in without looking its rows up first (see applyRows).
   */
  private loadingIntoEmpty = false;

  constructor(
    private readonly db: SqlDriver,
    options: SqliteLocalStoreOptions = {},
  ) {
    this.sealer = options.sealer;
  }

  /**
   * Brings the schema up to date, then checks the sealing: a store with sealed values opens only with
   * a sealer holding their key (`store.key_missing`), and a sealer's first open of a store written
   * without one seals everything in it (see sealInPlace). Checksum buckets summed with another
   * definition of core's field hash (CHECKSUM_VERSION) are recomputed from the rows.
   */
  async migrate(): Promise<void> {
    await runMigrations(this.db);
    // A bulk load cut off before its end left the index dropped: put it back.
    await this.db.exec(ROWS_BY_DATE_INDEX);
    if (await this.checkSealing()) await this.sealInPlace();
    if ((await this.getMeta(CHECKSUM_VERSION_META_KEY)) !== String(CHECKSUM_VERSION)) {
      await this.recomputeChecksum();
    }
  }

  /**
   * Empties every table (the schema stays): for a store whose values can no longer be opened (its key
   * is gone), which the device then fills again from the server.
   */
  async erase(): Promise<void> {
    await this.db.transaction(async () => {
      for (const table of STORE_TABLES) await this.db.run(`DELETE FROM ${table}`);
    });
  }

  /**
   * A first bootstrap into an empty store: the date index is dropped while the snapshot's pages go in
   * (they arrive in row-id order, so every page would rewrite and re-encrypt hundreds of random index
   * pages) and built once at the end, all under the driver's bulk-load settings (SqlDriver.bulkLoad:
   * in Node a large page cache and one WAL checkpoint at the end instead of one every few pages).
   * With rows already present it simply runs `load`.
   */
  async bulkLoad<T>(load: () => Promise<T>): Promise<T> {
    const [any] = await this.db.all<{ one: number }>('SELECT 1 AS one FROM rows LIMIT 1');
    if (any) return load();
    const withIndexLater = async () => {
      await this.db.exec('DROP INDEX IF EXISTS rows_by_date');
      this.dateIndexed = false;
      this.loadingIntoEmpty = true;
      try {
        return await load();
      } finally {
        this.loadingIntoEmpty = false;
        await this.db.exec(ROWS_BY_DATE_INDEX);
        this.dateIndexed = true;
      }
    };
    return this.db.bulkLoad ? this.db.bulkLoad(withIndexLater) : withIndexLater();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The index hint of the hot reads (see dateIndexed). */
  private byDate(): string {
    return this.dateIndexed ? 'INDEXED BY rows_by_date' : '';
  }

  // ---- meta ------------------------------------------------------------------------------------

  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.db.all<{ value: SqlValue }>('SELECT value FROM meta WHERE key = ?', [key]);
    return row ? this.open(row.value, place.meta(key)) : null;
  }

  async setMeta(key: string, value: string | null): Promise<void> {
    if (value === null) await this.db.run('DELETE FROM meta WHERE key = ?', [key]);
    else {
      await this.db.run(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, await this.seal(value, place.meta(key))],
      );
    }
  }

  // ---- local writes ----------------------------------------------------------------------------

  async rowState(table: TableName, rowId: string): Promise<RowState | undefined> {
    const [row] = await this.db.all<{ fields: SqlValue }>(
      'SELECT fields FROM rows WHERE tbl = ? AND row_id = ?',
      [table, rowId],
    );
    return row ? unpackRow(await this.open(row.fields, place.row(table, rowId))) : undefined;
  }

  async applyLocal(ops: readonly Op[], meta: Readonly<Record<string, string>> = {}): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) assertOp(op);
    // Sealed before the transaction: the ops are known, and the write lock is held no longer for it.
    const sealedOps = await this.sealEach(
      ops,
      (op) => JSON.stringify(op),
      (op) => place.outbox(op.id),
    );
    await this.db.transaction(async () => {
      const set = await this.load(ops);
      for (const op of ops) {
        const result = mergeOp(set.current(op.table, op.rowId), op);
        set.merged(op.table, op.rowId, result.row, result.changes);
      }
      await this.write(set);
      await this.insertMany(
        'outbox',
        ['op_id', 'op'],
        ops.map((op, i) => [op.id, sealedOps[i] as SqlValue]),
      );
      for (const [key, value] of Object.entries(meta)) await this.setMeta(key, value);
    });
  }

  // ---- outbox ----------------------------------------------------------------------------------

  async outbox(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db.all<{ position: number; op_id: string; op: SqlValue }>(
      'SELECT position, op_id, op FROM outbox ORDER BY position LIMIT ?',
      [Math.max(0, Math.floor(limit))],
    );
    const ops = await this.openEach(
      rows,
      (r) => r.op,
      (r) => place.outbox(r.op_id),
    );
    return rows.map((r, i) => ({ position: Number(r.position), op: JSON.parse(ops[i] as string) as Op }));
  }

  /** Kept by the outbox's triggers (migration 2): one row to read, however many ops wait. */
  async outboxCount(): Promise<number> {
    const [row] = await this.db.all<{ ops: number }>('SELECT ops FROM outbox_size WHERE id = 1');
    return Number(row?.ops ?? 0);
  }

  async acknowledge(opIds: readonly string[], rejected: readonly RejectedOp[]): Promise<void> {
    const ids = [...new Set([...opIds, ...rejected.map((r) => r.op.id)])];
    if (ids.length === 0) return;
    const [ops, messages] = await Promise.all([
      this.sealEach(
        rejected,
        (r) => JSON.stringify(r.op),
        (r) => place.rejectedOp(r.op.id),
      ),
      this.sealEach(
        rejected,
        (r) => r.message,
        (r) => place.rejectedMessage(r.op.id),
      ),
    ]);
    await this.db.transaction(async () => {
      for (const chunk of lookupChunks(ids)) {
        await this.db.run(`DELETE FROM outbox WHERE op_id IN (${placeholders(chunk.length)})`, chunk);
      }
      await this.insertMany(
        'rejected_ops',
        ['op_id', 'op', 'code', 'message', 'at'],
        rejected.map((r, i) => [r.op.id, ops[i] as SqlValue, r.code, messages[i] as SqlValue, r.at]),
        ' ON CONFLICT (op_id) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at',
      );
    });
  }

  async rejectedCount(): Promise<number> {
    const [row] = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM rejected_ops');
    return Number(row?.n ?? 0);
  }

  async rejectedOps(): Promise<RejectedOp[]> {
    const rows = await this.db.all<{
      op_id: string;
      op: SqlValue;
      code: string;
      message: SqlValue;
      at: string;
    }>('SELECT op_id, op, code, message, at FROM rejected_ops ORDER BY rowid');
    const [ops, messages] = await Promise.all([
      this.openEach(
        rows,
        (r) => r.op,
        (r) => place.rejectedOp(r.op_id),
      ),
      this.openEach(
        rows,
        (r) => r.message,
        (r) => place.rejectedMessage(r.op_id),
      ),
    ]);
    return rows.map((r, i) => ({
      op: JSON.parse(ops[i] as string) as Op,
      code: r.code,
      message: messages[i] as string,
      at: r.at,
    }));
  }

  async dismissRejected(opId: string): Promise<void> {
    await this.db.run('DELETE FROM rejected_ops WHERE op_id = ?', [opId]);
  }

  // ---- remote changes --------------------------------------------------------------------------

  /**
   * The ops were validated by the caller (parseOp) when the page arrived; conflicts detected here are
   * not stored: the server's, which come with the page, are the authoritative ones.
   */
  async applyPulled(
    ops: readonly LoggedOp[],
    conflicts: readonly (Conflict & { seq: number })[],
    cursor: number,
  ): Promise<Map<TableName, string[]>> {
    if (!Number.isSafeInteger(cursor) || cursor < 0) {
      throw new KakeiboError(
        'store.bad_cursor',
        `A pull cursor must be a non-negative integer, got ${cursor}.`,
      );
    }
    const list = ops.map(({ op }) => op as Op);
    for (const op of list) assertOp(op);
    return this.db.transaction(async () => {
      const set = await this.load(list);
      for (const op of list) {
        const result = mergeOp(set.current(op.table, op.rowId), op);
        set.merged(op.table, op.rowId, result.row, result.changes);
      }
      await this.write(set);
      await this.insertConflicts(conflicts);
      await this.setMeta(CURSOR_META_KEY, String(cursor));
      return set.changedByTable();
    });
  }

  /**
   * Snapshot and repair rows, field by field, last writer wins: a field is replaced only by a greater
   * stamp (an equal stamp is the same write again). The fields of a row are grouped by stamp and each
   * group merged as the op that wrote it, with core's mergeOp, so the rule is literally the same.
   */
  async applyRows(rows: readonly SnapshotRow[]): Promise<Map<TableName, string[]>> {
    if (rows.length === 0) return new Map();
    for (const row of rows) {
      if (!isTableName(row.table))
        throw new KakeiboError('op.invalid', `Unknown table ${String(row.table)}.`);
    }
    if (this.loadingIntoEmpty && rows.every(isChecked)) {
      try {
        return await this.insertAsTheyCame(rows);
      } catch (error) {
        // A row was there after all (written meanwhile, or twice in the page): nothing of the page
        // was written (its transaction rolled back), so it is merged the usual way below. Any other
        // failure (a full disk) is the page's own, and is reported as it is.
        if (!isRowClash(error)) throw error;
      }
    }
    return this.db.transaction(async () => {
      const set = await this.load(rows);
      for (const incoming of rows) {
        // `fields` is read only where needed: a checked row builds its RowState on first read.
        const { table, rowId } = incoming;
        let row = set.current(table, rowId);
        if (row === undefined) {
          // A row new to this device: every field is stored as it came, which is what mergeOp does
          // on an absent row, without grouping by stamp first. The incoming states are stored as they
          // are (never mutated later: merges copy), and a checked row's text as it came.
          if (isChecked(incoming)) set.addedAsItCame(incoming);
          else if (hasFields(incoming.fields)) set.added(table, rowId, incoming.fields);
          continue;
        }
        const changes: FieldChange[] = [];
        for (const op of opsOfFields(table, rowId, incoming.fields)) {
          const result = mergeOp(row, op);
          if (result.changes.length > 0) {
            row = result.row;
            changes.push(...result.changes);
          }
        }
        set.merged(table, rowId, row, changes);
      }
      await this.write(set);
      return set.changedByTable();
    });
  }

  /**
   * A first bootstrap's page, every row new to the store (the store was empty when the load began and
   * snapshot pages never repeat a row): inserted as they came by plain INSERTs, without looking any
   * of them up and without a write set (no key or map entry per row), so a row that is there after
   * all fails the page instead of being overwritten, as does a row twice in the page (both copies are
   * inserted, and the second clashes with the first).
   */
  private insertAsTheyCame(rows: readonly CheckedSnapshotRow[]): Promise<Map<TableName, string[]>> {
    return this.db.transaction(async () => {
      const delta = new ChecksumDelta();
      const writes: ChangedRow[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const incoming = rows[i] as CheckedSnapshotRow;
        delta.addChecked(incoming.table, incoming.rowId, incoming.checked);
        writes[i] = { table: incoming.table, rowId: incoming.rowId, incoming };
      }
      await this.writeRows(writes, '');
      await this.addToBuckets(delta.buckets());
      return idsByTable(rows);
    });
  }

  async bucketRows(table: TableName, bucket: number): Promise<SnapshotRow[]> {
    assertBucket(bucket);
    const rows = await this.db.all<{ row_id: string; fields: SqlValue }>(
      'SELECT row_id, fields FROM rows WHERE tbl = ? AND substr(row_id, -1) = ? ORDER BY row_id',
      [table, bucket.toString(16)],
    );
    const states = await this.unpackEach(rows, () => table);
    return rows.map((r, i) => ({ table, rowId: r.row_id, fields: states[i] as SnapshotRow['fields'] }));
  }

  /**
   * Makes one bucket hold exactly `rows`: local rows of the bucket the server lacks are removed,
   * rows that differ are replaced whole, and the bucket's checksum is recomputed from the result.
   * The sync engine calls it only with an empty outbox, so no unsynced local change is lost.
   */
  async replaceBucket(
    table: TableName,
    bucket: number,
    rows: readonly SnapshotRow[],
  ): Promise<Map<TableName, string[]>> {
    assertBucket(bucket);
    for (const row of rows) {
      if (row.table !== table || bucketOf(row.rowId) !== bucket) {
        throw new KakeiboError(
          'store.bad_bucket',
          `Row ${row.table}/${row.rowId} is not in bucket ${table}/${bucket}.`,
        );
      }
    }
    return this.db.transaction(async () => {
      const local = new Map((await this.bucketRows(table, bucket)).map((r) => [r.rowId, r.fields]));
      const incoming = new Map(rows.map((r) => [r.rowId, r.fields]));
      const changed: string[] = [];
      const removed = [...local.keys()].filter((rowId) => !incoming.has(rowId));
      for (const chunk of lookupChunks(removed)) {
        await this.db.run(`DELETE FROM rows WHERE tbl = ? AND row_id IN (${placeholders(chunk.length)})`, [
          table,
          ...chunk,
        ]);
      }
      changed.push(...removed);
      const replaced: Array<{ table: TableName; rowId: string; row: RowState }> = [];
      const sums = new StateChecksum();
      for (const [rowId, fields] of incoming) {
        for (const [field, { value, stamp }] of Object.entries(fields))
          sums.apply(table, rowId, field, stamp, value, 1);
        const mine = local.get(rowId);
        if (mine && canonicalJson(mine) === canonicalJson(fields)) continue;
        replaced.push({ table, rowId, row: { ...fields } });
        changed.push(rowId);
      }
      await this.writeRows(replaced);
      await this.db.run('DELETE FROM checksum_buckets WHERE tbl = ? AND bucket = ?', [table, bucket]);
      const [sum] = sums.toBuckets();
      if (sum) {
        const { hi, lo } = parseHash64Hex(sum.hash);
        await this.db.run(
          'INSERT INTO checksum_buckets (tbl, bucket, hi, lo, fields) VALUES (?, ?, ?, ?, ?)',
          [table, bucket, hi, lo, sum.fields],
        );
      }
      return changed.length > 0 ? new Map([[table, changed]]) : new Map();
    });
  }

  async checksum(): Promise<ChecksumBucket[]> {
    const rows = await this.db.all<{ tbl: string; bucket: number; hi: number; lo: number; fields: number }>(
      'SELECT tbl, bucket, hi, lo, fields FROM checksum_buckets ORDER BY tbl, bucket',
    );
    return rows.map((r) => ({
      table: r.tbl,
      bucket: Number(r.bucket),
      hash: hash64Hex({ hi: Number(r.hi), lo: Number(r.lo) }),
      fields: Number(r.fields),
    }));
  }

  async recomputeChecksum(): Promise<void> {
    await this.db.transaction(async () => {
      const sums = new StateChecksum();
      let after: [string, string] = ['', ''];
      for (;;) {
        const page = await this.scanRows(after);
        for (const { table, rowId, row } of page) {
          for (const [field, { value, stamp }] of Object.entries(row))
            sums.apply(table, rowId, field, stamp, value, 1);
        }
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) break;
        after = [last.table, last.rowId];
      }
      await this.db.run('DELETE FROM checksum_buckets');
      await this.insertMany(
        'checksum_buckets',
        ['tbl', 'bucket', 'hi', 'lo', 'fields'],
        sums.toBuckets().map((b) => {
          const { hi, lo } = parseHash64Hex(b.hash);
          return [b.table, b.bucket, hi, lo, b.fields];
        }),
      );
      await this.setMeta(CHECKSUM_VERSION_META_KEY, String(CHECKSUM_VERSION));
    });
  }

  // ---- reads -----------------------------------------------------------------------------------

  async get(table: TableName, rowId: string): Promise<MaterializedRow | null> {
    const [row] = await this.db.all<{ fields: SqlValue; deleted: number }>(
      'SELECT fields, deleted FROM rows WHERE tbl = ? AND row_id = ?',
      [table, rowId],
    );
    if (!row || row.deleted) return null;
    return materializeRow(
      rowId,
      unpackRow(await this.open(row.fields, place.row(table, rowId))),
    ) as MaterializedRow;
  }

  async list(table: TableName, query: ListQuery): Promise<Page<MaterializedRow>> {
    const page = await this.listAcross([table], query);
    return { items: page.items.map((item) => item.row), nextCursor: page.nextCursor };
  }

  async listAcross(tables: readonly TableName[], query: ListQuery): Promise<Page<TableRow>> {
    if (tables.length === 0 || !tables.every(isTableName)) {
      throw new KakeiboError('store.bad_table', `Cannot list ${JSON.stringify(tables)}: name known tables.`);
    }
    const walked = [...new Set(tables)].sort();
    const limit = pageLimit(query.limit);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const needle = query.search ? searchText(query.search) : undefined;
    const found =
      needle && this.sealer
        ? await this.searchSealed(walked, query, after, needle, limit)
        : await this.walk(walked, query, after, needle, limit + 1);
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(({ table, rowId, row }) => ({
        table,
        row: materializeRow(rowId, row) as MaterializedRow,
      })),
      nextCursor: found.length > limit && last ? encodeCursor(last.position) : null,
    };
  }

  async spendingByCategory(from: string, to: string): Promise<CategorySpending[]> {
    const rows = await this.db.all<{
      category_id: string | null;
      currency: string;
      amount: number | bigint;
      n: number;
    }>(
      `SELECT category_id, currency, SUM(amount) AS amount, count(*) AS n FROM rows ${this.byDate()}
       WHERE tbl = 'expenses' AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY category_id, currency ORDER BY currency, category_id`,
      [from, to],
    );
    return rows.map((r) => ({
      categoryId: r.category_id,
      currency: r.currency,
      amount: exactSum(r.amount, `${r.currency} expenses`),
      count: Number(r.n),
    }));
  }

  /**
   * One range of rows_by_date per table (`tbl IN (…)` walks the index once per table), summed in SQL
   * from the index alone: the table itself is never read. Days are compared as text, so the range of
   * months a to b is the dates from `a-01` to `b-31`.
   */
  async monthlyTotals(from: string, to: string): Promise<MonthlyTotal[]> {
    for (const month of [from, to]) {
      if (!MONTH.test(month)) {
        throw new KakeiboError(
          'validation.failed',
          `A month is written YYYY-MM, got ${JSON.stringify(month)}.`,
        );
      }
    }
    const rows = await this.db.all<{ month: string; currency: string; tbl: string; amount: number | bigint }>(
      `SELECT substr(sort_date, 1, 7) AS month, currency, tbl, SUM(amount) AS amount
       FROM rows ${this.byDate()}
       WHERE tbl IN ('expenses', 'income') AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY month, currency, tbl ORDER BY month, currency`,
      [`${from}-01`, `${to}-31`],
    );
    const totals: MonthlyTotal[] = [];
    for (const r of rows) {
      let total = totals.at(-1);
      if (total?.month !== r.month || total.currency !== r.currency) {
        total = { month: r.month, currency: r.currency, expenses: 0, income: 0 };
        totals.push(total);
      }
      const amount = exactSum(r.amount, `${r.currency} ${r.tbl} of ${r.month}`);
      if (r.tbl === 'expenses') total.expenses = amount;
      else total.income = amount;
    }
    return totals;
  }

  // ---- conflicts -------------------------------------------------------------------------------

  async conflicts(includeDismissed = false): Promise<StoredConflict[]> {
    const rows = await this.db.all<{
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
    const bodies = await this.openEach(
      rows,
      (r) => r.body,
      (r) => place.conflict(r.id),
    );
    return rows.map((r, i) => {
      const body = JSON.parse(bodies[i] as string) as { winner: ConflictSide; loser: ConflictSide };
      return {
        id: r.id,
        table: r.tbl as TableName,
        rowId: r.row_id,
        field: r.field,
        winner: body.winner,
        loser: body.loser,
        seq: Number(r.seq),
        dismissed: Boolean(r.dismissed),
      };
    });
  }

  async dismissConflict(id: string): Promise<boolean> {
    const { changes } = await this.db.run('UPDATE conflicts SET dismissed = 1 WHERE id = ?', [id]);
    return changes > 0;
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The stored state of every row the items touch: one padded `IN (…)` lookup per 200 ids of a table. */
  private async load(items: ReadonlyArray<{ table: TableName; rowId: string }>): Promise<WriteSet> {
    const set = new WriteSet();
    const idsByTable = new Map<TableName, Set<string>>();
    for (const { table, rowId } of items) {
      const ids = idsByTable.get(table);
      if (ids) ids.add(rowId);
      else idsByTable.set(table, new Set([rowId]));
    }
    for (const [table, ids] of idsByTable) {
      for (const chunk of lookupChunks([...ids])) {
        const found = await this.db.all<{ row_id: string; fields: SqlValue }>(
          `SELECT row_id, fields FROM rows WHERE tbl = ? AND row_id IN (${placeholders(chunk.length)})`,
          [table, ...chunk],
        );
        const states = await this.unpackEach(found, () => table);
        for (const [i, r] of found.entries()) set.loaded.set(rowKey(table, r.row_id), states[i] as RowState);
      }
    }
    return set;
  }

  /** One page of all rows in (tbl, row_id) order after `after`; 'plain' reads a store not yet sealed. */
  private async scanRows(after: [string, string], stored: 'as stored' | 'plain' = 'as stored') {
    const page = await this.db.all<{ tbl: string; row_id: string; fields: SqlValue }>(
      'SELECT tbl, row_id, fields FROM rows WHERE (tbl, row_id) > (?, ?) ORDER BY tbl, row_id LIMIT ?',
      [after[0], after[1], SCAN_PAGE],
    );
    const states =
      stored === 'plain'
        ? page.map((r) => unpackRow(r.fields as string))
        : await this.unpackEach(page, (r) => r.tbl);
    return page.map((r, i) => ({ table: r.tbl as TableName, rowId: r.row_id, row: states[i] as RowState }));
  }

  /** The next `limit` rows of a list after `after`; `search` filters in SQL (an unsealed store's). */
  private async walk(
    tables: readonly TableName[],
    query: ListQuery,
    after: Position | undefined,
    search: string | undefined,
    limit: number,
  ): Promise<Listed[]> {
    const { sql, params } = walkSql(tables, query, after, search, limit, this.byDate());
    const rows = await this.db.all<WalkedRow>(sql, params);
    const tableOf = (r: WalkedRow) => (r.tbl ?? tables[0]) as TableName;
    const states = await this.unpackEach(rows, tableOf);
    return rows.map((r, i) => ({
      table: tableOf(r),
      rowId: r.row_id,
      row: states[i] as RowState,
      position: [r.sort_date, r.row_id, tableOf(r)],
    }));
  }

  /**
   * Search in a sealed store, which keeps no clear text to search in: the same walk in page order, in
   * batches, each opened at once and filtered with the same normalised substring test, until limit + 1
   * matches (the page, and whether another follows) or the end. Batches start at a page and double,
   * so a common word opens few rows past its page and a rare one soon reads large batches.
   */
  private async searchSealed(
    tables: readonly TableName[],
    query: ListQuery,
    after: Position | undefined,
    needle: string,
    limit: number,
  ): Promise<Listed[]> {
    const found: Listed[] = [];
    let position = after;
    for (let batch = limit + 1; ; batch = Math.min(batch * 2, SEARCH_BATCH_MAX)) {
      const rows = await this.walk(tables, query, position, undefined, batch);
      for (const row of rows) {
        if (!searchableText(valuesOf(row.row)).includes(needle)) continue;
        found.push(row);
        if (found.length > limit) return found;
      }
      if (rows.length < batch) return found;
      position = rows.at(-1)?.position;
    }
  }

  /** Writes the changed rows (multi-row upserts) and adds the delta to the checksum buckets. */
  private async write(set: WriteSet): Promise<void> {
    await this.writeRows([...set.changed.values()]);
    await this.addToBuckets(set.delta.buckets());
  }

  /**
   * Upserts whole rows: fields packed (and sealed, all of them at once), derived columns recomputed.
   * With `onConflict` '' they are plain inserts, which fail on a row that exists.
   */
  private async writeRows(rows: readonly ChangedRow[], onConflict = UPSERT_ROWS) {
    const fields = await this.sealEach(
      rows,
      (r) => ('incoming' in r ? r.incoming.packed : packRow(r.row)),
      (r) => place.row(r.table, r.rowId),
    );
    await this.insertMany(
      'rows',
      ROW_COLUMNS,
      rows.map((r, i) =>
        rowValues(
          r.table,
          r.rowId,
          'incoming' in r ? r.incoming.checked.values : valuesOf(r.row),
          fields[i] as string | Uint8Array,
        ),
      ),
      onConflict,
    );
  }

  private async addToBuckets(delta: readonly BucketTotal[]): Promise<void> {
    if (delta.length === 0) return;
    // At most 16 buckets per table: reading them all is one small statement.
    const stored = await this.db.all<{ tbl: string; bucket: number; hi: number; lo: number; fields: number }>(
      'SELECT tbl, bucket, hi, lo, fields FROM checksum_buckets',
    );
    const current = new Map(
      stored.map((b) => [
        `${b.tbl}/${b.bucket}`,
        {
          table: b.tbl,
          bucket: Number(b.bucket),
          hi: Number(b.hi),
          lo: Number(b.lo),
          fields: Number(b.fields),
        },
      ]),
    );
    const upserts: SqlValue[][] = [];
    for (const change of delta) {
      const next = addSums(current.get(`${change.table}/${change.bucket}`), change);
      // Absent means empty, exactly as StateChecksum drops a bucket that sums to zero.
      if (isEmptySum(next)) {
        await this.db.run('DELETE FROM checksum_buckets WHERE tbl = ? AND bucket = ?', [
          next.table,
          next.bucket,
        ]);
      } else upserts.push([next.table, next.bucket, next.hi, next.lo, next.fields]);
    }
    await this.insertMany(
      'checksum_buckets',
      ['tbl', 'bucket', 'hi', 'lo', 'fields'],
      upserts,
      ' ON CONFLICT (tbl, bucket) DO UPDATE SET hi = excluded.hi, lo = excluded.lo, fields = excluded.fields',
    );
  }

  /** A conflict id is deterministic: one already stored stays as first stored (and keeps its dismissal). */
  private async insertConflicts(conflicts: readonly (Conflict & { seq: number })[]): Promise<void> {
    const bodies = await this.sealEach(
      conflicts,
      (c) => JSON.stringify({ winner: c.winner, loser: c.loser }),
      (c) => place.conflict(c.id),
    );
    await this.insertMany(
      'conflicts',
      ['id', 'seq', 'tbl', 'row_id', 'field', 'body'],
      conflicts.map((c, i) => [c.id, c.seq, c.table, c.rowId, c.field, bodies[i] as SqlValue]),
      ' ON CONFLICT (id) DO NOTHING',
    );
  }

  /**
   * `INSERT … VALUES (…), (…)` in chunks (see INSERT_CHUNK), in the order given. The chunks are sent
   * without waiting for each other (a driver runs a transaction's statements in the order they were
   * sent), so a driver whose database is on another thread writes one while the next is prepared;
   * the first failure fails the call, and the transaction around it rolls back all of them.
   */
  private async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<void> {
    const tuple = `(${placeholders(columns.length)})`;
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    const sent: Promise<unknown>[] = [];
    let start = 0;
    for (const size of chunkSizes(rows.length, INSERT_CHUNK)) {
      const params: SqlValue[] = [];
      for (let i = start; i < start + size; i++)
        for (const value of rows[i] as readonly SqlValue[]) params.push(value);
      start += size;
      sent.push(this.db.run(head + new Array(size).fill(tuple).join(', ') + suffix, params));
    }
    await Promise.all(sent);
  }
  // ---- sealing ---------------------------------------------------------------------------------

  /**
   * Stored forms of texts: sealed (all at once, so WebCrypto works on them in parallel) with a sealer,
   * the texts themselves without one (no promise per value: Node's store pays nothing for sealing).
   */
  private async sealEach<T>(
    items: readonly T[],
    text: (item: T) => string,
    at: (item: T) => string,
  ): Promise<Array<string | Uint8Array>> {
    const sealer = this.sealer;
    if (!sealer) return items.map(text);
    return Promise.all(items.map((item) => sealer.seal(text(item), at(item))));
  }

  /** The texts of stored values, opened all at once when sealed. */
  private async openEach<T>(
    items: readonly T[],
    stored: (item: T) => SqlValue,
    at: (item: T) => string,
  ): Promise<string[]> {
    const sealer = this.sealer;
    if (!sealer) return items.map((item) => stored(item) as string);
    return Promise.all(items.map((item) => openSealed(sealer, stored(item), at(item))));
  }

  private async seal(text: string, at: string): Promise<string | Uint8Array> {
    return this.sealer ? this.sealer.seal(text, at) : text;
  }

  private async open(value: SqlValue, at: string): Promise<string> {
    return this.sealer ? openSealed(this.sealer, value, at) : (value as string);
  }

  /** Stored rows' states, opened all at once when sealed. */
  private async unpackEach<R extends { row_id: string; fields: SqlValue }>(
    rows: readonly R[],
    tableOf: (row: R) => string,
  ): Promise<RowState[]> {
    const texts = await this.openEach(
      rows,
      (r) => r.fields,
      (r) => place.row(tableOf(r), r.row_id),
    );
    return texts.map((text) => unpackRow(text));
  }

  /**
   * True when a sealer opens a store without the mark: what it holds is plain (a new store, or one an
   * earlier version wrote in this browser) and is to be sealed. Sealed values open only with their key:
   * with another key, or none, opening fails here, once, with a clear code, instead of at every read.
   */
  private async checkSealing(): Promise<boolean> {
    const [mark] = await this.db.all<{ value: SqlValue }>('SELECT value FROM meta WHERE key = ?', [
      SEALED_META_KEY,
    ]);
    if (!mark) return this.sealer !== undefined;
    if (this.sealer) {
      const opened = await this.open(mark.value, place.meta(SEALED_META_KEY)).catch(() => null);
      if (opened === SEALED_MARK) return false;
      throw new KakeiboError(
        'store.key_missing',
        'The local data on this device is encrypted with a key that is no longer here (in a browser: the site’s IndexedDB was cleared while its files stayed), so it cannot be read. Reset the local data to download it again from the server; changes not yet synced from this device are lost.',
      );
    }
    throw new KakeiboError(
      'store.key_missing',
      'The local store’s values are sealed: it opens only with a sealer holding the key that sealed them.',
    );
  }

  /**
   * Seals everything a store written without a sealer holds, in one transaction: every row (its
   * fields, and '' for the clear search text), the outbox, rejected ops, conflicts and meta values,
   * then the mark. Then VACUUM rebuilds the file, so the plain values leave no trace in free pages.
   */
  private async sealInPlace(): Promise<void> {
    const sealed = await this.db.transaction(async () => {
      // Under the write lock: another connection may have sealed it meanwhile.
      const [mark] = await this.db.all('SELECT 1 FROM meta WHERE key = ?', [SEALED_META_KEY]);
      if (mark) return 0;
      let count = 0;
      let after: [string, string] = ['', ''];
      for (;;) {
        const page = await this.scanRows(after, 'plain');
        await this.writeRows(page);
        count += page.length;
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) break;
        after = [last.table, last.rowId];
      }
      count += await this.sealColumn('outbox', 'op_id', 'op', place.outbox);
      count += await this.sealColumn('rejected_ops', 'op_id', 'op', place.rejectedOp);
      count += await this.sealColumn('rejected_ops', 'op_id', 'message', place.rejectedMessage);
      count += await this.sealColumn('conflicts', 'id', 'body', place.conflict);
      count += await this.sealColumn('meta', 'key', 'value', place.meta);
      await this.setMeta(SEALED_META_KEY, SEALED_MARK);
      return count;
    });
    if (sealed > 0) await this.db.exec('VACUUM');
  }

  /** Seals one plain column in place (the one-time migration; these tables are small). */
  private async sealColumn(
    table: string,
    key: string,
    column: string,
    at: (key: string) => string,
  ): Promise<number> {
    const rows = await this.db.all<{ k: string; v: string }>(
      `SELECT ${key} AS k, ${column} AS v FROM ${table}`,
    );
    const sealed = await this.sealEach(
      rows,
      (r) => r.v,
      (r) => at(r.k),
    );
    for (const [i, r] of rows.entries()) {
      await this.db.run(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [sealed[i] as SqlValue, r.k]);
    }
    return rows.length;
  }
}

/**
 * The failure of a plain INSERT into `rows` of a row that is there: SQLite's own message, the same
 * through better-sqlite3 and the WASM build ("UNIQUE constraint failed: rows.tbl, rows.row_id").
 */
const isRowClash = (error: unknown): boolean =>
  error instanceof Error && error.message.includes('UNIQUE constraint failed: rows.');

const UPSERT_ROWS = ` ON CONFLICT (tbl, row_id) DO UPDATE SET ${ROW_COLUMNS.slice(2)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

function assertBucket(bucket: number): void {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKETS_PER_TABLE) {
    throw new KakeiboError(
      'store.bad_bucket',
      `A checksum bucket is 0 to ${BUCKETS_PER_TABLE - 1}, got ${bucket}.`,
    );
  }
}

/** The cheap structural checks that keep a malformed op from corrupting the store. */
function assertOp(op: Op): void {
  if (!isTableName(op.table)) {
    throw new KakeiboError('op.invalid', `Unknown table ${String(op.table)}.`, { opId: op.id });
  }
  if (typeof op.rowId !== 'string' || op.rowId === '' || typeof op.stamp !== 'string') {
    throw new KakeiboError('op.invalid', 'An op needs a row id and a stamp.', { opId: op.id });
  }
  if (!op.fields || typeof op.fields !== 'object' || Object.keys(op.fields).length === 0) {
    throw new KakeiboError('op.invalid', 'An op must change at least one field.', { opId: op.id });
  }
}

/** A row with at least one field (a row without any stores nothing, as mergeOp would). */
function hasFields(row: RowState): boolean {
  for (const _ in row) return true;
  return false;
}

/** One op per distinct stamp among a snapshot row's fields: exactly the writes that produced them. */
function opsOfFields(table: TableName, rowId: string, fields: Record<string, FieldState>): Op[] {
  const byStamp = new Map<string, Record<string, FieldValue>>();
  for (const [field, { value, stamp }] of Object.entries(fields)) {
    const group = byStamp.get(stamp);
    if (group) group[field] = value;
    else byStamp.set(stamp, { [field]: value });
  }
  const ops: Op[] = [];
  for (const [stamp, values] of byStamp) {
    const prev: Op['prev'] = {};
    for (const field of Object.keys(values)) prev[field] = null;
    ops.push({ id: '', table, rowId, stamp, deviceId: stampDevice(stamp), fields: values, prev });
  }
  return ops;
}

/** A SQL SUM as an exact JavaScript number, or `store.overflow`. */
function exactSum(sum: number | bigint, what: string): number {
  const amount = Number(sum);
  if (!Number.isSafeInteger(amount)) {
    throw new KakeiboError('store.overflow', `The sum of ${what} is too large to count exactly.`);
  }
  return amount;
}

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** A value read from a sealed store must be bytes: text there would be a value that escaped sealing. */
function openSealed(sealer: FieldSealer, value: SqlValue, at: string): Promise<string> {
  if (!(value instanceof Uint8Array)) return Promise.reject(unreadable(at));
  return sealer.open(value, at);
}

const placeholders = (n: number): string => new Array(n).fill('?').join(', ');

/** Full chunks of `max`, then the rest as descending powers of two: 300 by 128 → 128, 128, 32, 8, 4. */
function chunkSizes(n: number, max: number): number[] {
  const sizes: number[] = [];
  let rest = n;
  while (rest >= max) {
    sizes.push(max);
    rest -= max;
  }
  for (let p = max >> 1; p >= 1; p >>= 1) {
    if (rest >= p) {
      sizes.push(p);
      rest -= p;
    }
  }
  return sizes;
}

/** Chunks of at most LOOKUP_CHUNK keys, each padded to a power of two by repeating its last key. */
function lookupChunks(keys: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
    const chunk = keys.slice(start, start + LOOKUP_CHUNK);
    let size = 1;
    while (size < chunk.length) size <<= 1;
    const pad = chunk.at(-1) as string;
    while (chunk.length < size) chunk.push(pad);
    chunks.push(chunk);
  }
  return chunks;
}
