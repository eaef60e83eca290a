import {
  addSums,
  BUCKETS_PER_TABLE,
  type BucketTotal,
  bucketOf,
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
  parseHash64Hex,
  type RowState,
  type SnapshotRow,
  StateChecksum,
  stampDevice,
  type TableName,
  unpackRow,
} from '@kakeibo/core';

import { runMigrations } from './migrations.js';
import { ROW_COLUMNS, rowValues, searchText } from './row-columns.js';
import {
  type CategorySpending,
  CURSOR_META_KEY,
  type ListQuery,
  type LocalStore,
  type MaterializedRow,
  type OutboxEntry,
  type Page,
  type RejectedOp,
  type SqlDriver,
  type SqlValue,
  type StoredConflict,
} from './types.js';

/**
 * Rows per multi-row INSERT: 9 columns × 128 = 1,152 parameters, far below SQLite's 32,766. A batch
 * is cut into full chunks and then powers of two (a rest of 37 is 32 + 4 + 1), so a handful of SQL
 * texts, each prepared once and reused by the driver, serve every batch size.
 */
const INSERT_CHUNK = 128;
/** Keys per `IN (…)` lookup; a short chunk is padded to a power of two by repeating its last key. */
const LOOKUP_CHUNK = 256;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;
/** Rows read per statement when walking the whole table (recomputeChecksum): memory stays bounded. */
const SCAN_PAGE = 1000;

const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/** The stored state a write transaction works on: rows loaded once, merged in memory, written once. */
class WriteSet {
  readonly loaded = new Map<string, RowState>();
  readonly changed = new Map<string, { table: TableName; rowId: string; row: RowState }>();
  readonly delta = new ChecksumDelta();

  current(table: TableName, rowId: string): RowState | undefined {
    const key = rowKey(table, rowId);
    return this.changed.get(key)?.row ?? this.loaded.get(key);
  }

  /** Records one merge result; a merge that changed nothing leaves the row as it was. */
  merged(table: TableName, rowId: string, row: RowState, changes: readonly FieldChange[]): void {
    if (changes.length === 0) return;
    this.delta.add(table, rowId, changes);
    this.changed.set(rowKey(table, rowId), { table, rowId, row });
  }

  /** The changed rows by table, for change events. */
  changedByTable(): Map<TableName, string[]> {
    const out = new Map<TableName, string[]>();
    for (const { table, rowId } of this.changed.values()) {
      const ids = out.get(table);
      if (ids) ids.push(rowId);
      else out.set(table, [rowId]);
    }
    return out;
  }
}

/**
 * The local store on SQLite, for any SqlDriver (better-sqlite3 in Node, SQLite WASM in browsers).
 *
 * Every change, local or remote, is merged with core's `mergeOp`, the function the server runs, so
 * device and server cannot disagree about what a set of ops means; the checksum buckets are kept
 * incrementally with core's field hash, exactly as core's StateChecksum does. Each write method is
 * one transaction with a constant number of statements per 100 rows: load the touched rows with
 * `IN (…)` lookups, merge in memory, write back with multi-row upserts.
 */
/** The date index, as the first migration creates it (kept in step with migrations.ts). */
const ROWS_BY_DATE_INDEX =
  'CREATE INDEX IF NOT EXISTS rows_by_date ON rows (tbl, sort_date, row_id, deleted, category_id, currency, amount)';

export class SqliteLocalStore implements LocalStore {
  constructor(private readonly db: SqlDriver) {}

  async migrate(): Promise<void> {
    await runMigrations(this.db);
    // A bulk load cut off before its end left the index dropped: put it back.
    await this.db.exec(ROWS_BY_DATE_INDEX);
  }

  /**
   * A first bootstrap into an empty store: the date index is dropped while the snapshot's pages go in
   * (they arrive in row-id order, so every page would rewrite and re-encrypt hundreds of random index
   * pages) and built once at the end, and the WAL is checkpointed once instead of every few pages.
   * With rows already present it simply runs `load`.
   */
  async bulkLoad<T>(load: () => Promise<T>): Promise<T> {
    const [any] = await this.db.all<{ one: number }>('SELECT 1 AS one FROM rows LIMIT 1');
    if (any) return load();
    await this.db.exec('DROP INDEX IF EXISTS rows_by_date');
    await this.db.exec('PRAGMA wal_autocheckpoint = 0');
    try {
      return await load();
    } finally {
      await this.db.exec(ROWS_BY_DATE_INDEX);
      await this.db.exec('PRAGMA wal_autocheckpoint = 1000');
      await this.db.all('PRAGMA wal_checkpoint(TRUNCATE)');
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ---- meta ------------------------------------------------------------------------------------

  async getMeta(key: string): Promise<string | null> {
    const [row] = await this.db.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]);
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string | null): Promise<void> {
    if (value === null) await this.db.run('DELETE FROM meta WHERE key = ?', [key]);
    else {
      await this.db.run(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, value],
      );
    }
  }

  // ---- local writes ----------------------------------------------------------------------------

  async rowState(table: TableName, rowId: string): Promise<RowState | undefined> {
    const [row] = await this.db.all<{ fields: string }>(
      'SELECT fields FROM rows WHERE tbl = ? AND row_id = ?',
      [table, rowId],
    );
    return row ? unpackRow(row.fields) : undefined;
  }

  async applyLocal(ops: readonly Op[]): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) assertOp(op);
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
        ops.map((op) => [op.id, JSON.stringify(op)]),
      );
    });
  }

  // ---- outbox ----------------------------------------------------------------------------------

  async outbox(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db.all<{ position: number; op: string }>(
      'SELECT position, op FROM outbox ORDER BY position LIMIT ?',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => ({ position: Number(r.position), op: JSON.parse(r.op) as Op }));
  }

  async outboxCount(): Promise<number> {
    const [row] = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM outbox');
    return Number(row?.n ?? 0);
  }

  async acknowledge(opIds: readonly string[], rejected: readonly RejectedOp[]): Promise<void> {
    const ids = [...new Set([...opIds, ...rejected.map((r) => r.op.id)])];
    if (ids.length === 0) return;
    await this.db.transaction(async () => {
      for (const chunk of lookupChunks(ids)) {
        await this.db.run(`DELETE FROM outbox WHERE op_id IN (${placeholders(chunk.length)})`, chunk);
      }
      await this.insertMany(
        'rejected_ops',
        ['op_id', 'op', 'code', 'message', 'at'],
        rejected.map((r) => [r.op.id, JSON.stringify(r.op), r.code, r.message, r.at]),
        ' ON CONFLICT (op_id) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at',
      );
    });
  }

  async rejectedCount(): Promise<number> {
    const [row] = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM rejected_ops');
    return Number(row?.n ?? 0);
  }

  async rejectedOps(): Promise<RejectedOp[]> {
    const rows = await this.db.all<{ op: string; code: string; message: string; at: string }>(
      'SELECT op, code, message, at FROM rejected_ops ORDER BY rowid',
    );
    return rows.map((r) => ({ op: JSON.parse(r.op) as Op, code: r.code, message: r.message, at: r.at }));
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
    return this.db.transaction(async () => {
      const set = await this.load(rows);
      for (const { table, rowId, fields } of rows) {
        let row = set.current(table, rowId);
        if (row === undefined) {
          // A row new to this device (every row of a bootstrap): every field is stored as it came,
          // which is what mergeOp does on an absent row, without grouping by stamp first.
          // The incoming states are stored as they are (never mutated later: merges copy).
          const changes: FieldChange[] = [];
          for (const field in fields)
            changes.push({ field, before: undefined, after: fields[field] as FieldState });
          set.merged(table, rowId, fields, changes);
          continue;
        }
        const changes: FieldChange[] = [];
        for (const op of opsOfFields(table, rowId, fields)) {
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

  async bucketRows(table: TableName, bucket: number): Promise<SnapshotRow[]> {
    assertBucket(bucket);
    const rows = await this.db.all<{ row_id: string; fields: string }>(
      'SELECT row_id, fields FROM rows WHERE tbl = ? AND substr(row_id, -1) = ? ORDER BY row_id',
      [table, bucket.toString(16)],
    );
    return rows.map((r) => ({
      table,
      rowId: r.row_id,
      fields: unpackRow(r.fields) as SnapshotRow['fields'],
    }));
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
      const values: SqlValue[][] = [];
      const sums = new StateChecksum();
      for (const [rowId, fields] of incoming) {
        for (const [field, { value, stamp }] of Object.entries(fields))
          sums.apply(table, rowId, field, stamp, value, 1);
        const mine = local.get(rowId);
        if (mine && canonicalJson(mine) === canonicalJson(fields)) continue;
        values.push(rowValues(table, rowId, { ...fields }));
        changed.push(rowId);
      }
      await this.insertMany('rows', ROW_COLUMNS, values, UPSERT_ROWS);
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
        const page = await this.db.all<{ tbl: string; row_id: string; fields: string }>(
          'SELECT tbl, row_id, fields FROM rows WHERE (tbl, row_id) > (?, ?) ORDER BY tbl, row_id LIMIT ?',
          [after[0], after[1], SCAN_PAGE],
        );
        for (const r of page) {
          const row = unpackRow(r.fields);
          for (const [field, { value, stamp }] of Object.entries(row))
            sums.apply(r.tbl, r.row_id, field, stamp, value, 1);
        }
        const last = page.at(-1);
        if (!last || page.length < SCAN_PAGE) break;
        after = [last.tbl, last.row_id];
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
    });
  }

  // ---- reads -----------------------------------------------------------------------------------

  async get(table: TableName, rowId: string): Promise<MaterializedRow | null> {
    const [row] = await this.db.all<{ fields: string; deleted: number }>(
      'SELECT fields, deleted FROM rows WHERE tbl = ? AND row_id = ?',
      [table, rowId],
    );
    if (!row || row.deleted) return null;
    return materialize(rowId, row.fields);
  }

  async list(table: TableName, query: ListQuery): Promise<Page<MaterializedRow>> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE)));
    const where = ['tbl = ?'];
    const params: SqlValue[] = [table];
    if (!query.includeDeleted) where.push('deleted = 0');
    if (query.from !== undefined) {
      where.push('sort_date >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('sort_date <= ?');
      params.push(query.to);
      // A row without a date lies outside every date range.
      if (query.from === undefined) where.push("sort_date > ''");
    }
    if (query.categoryId !== undefined) {
      where.push('category_id = ?');
      params.push(query.categoryId);
    }
    if (query.search !== undefined && query.search !== '') {
      // instr, not LIKE: the person's text is matched literally, '%' and '_' included.
      where.push('instr(search, ?) > 0');
      params.push(searchText(query.search));
    }
    if (query.cursor !== undefined) {
      const [sortDate, rowId] = decodeCursor(query.cursor);
      where.push('(sort_date, row_id) < (?, ?)');
      params.push(sortDate, rowId);
    }
    params.push(limit + 1);
    // INDEXED BY: the walk down rows_by_date returns rows already in page order and stops after
    // limit + 1; pinned so a planner without statistics never prefers the primary key and a sort.
    const rows = await this.db.all<{ row_id: string; fields: string; sort_date: string }>(
      `SELECT row_id, fields, sort_date FROM rows INDEXED BY rows_by_date WHERE ${where.join(' AND ')}
       ORDER BY sort_date DESC, row_id DESC LIMIT ?`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => materialize(r.row_id, r.fields)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.sort_date, last.row_id]) : null,
    };
  }

  async spendingByCategory(from: string, to: string): Promise<CategorySpending[]> {
    const rows = await this.db.all<{
      category_id: string | null;
      currency: string;
      amount: number | bigint;
      n: number;
    }>(
      `SELECT category_id, currency, SUM(amount) AS amount, count(*) AS n FROM rows INDEXED BY rows_by_date
       WHERE tbl = 'expenses' AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY category_id, currency ORDER BY currency, category_id`,
      [from, to],
    );
    return rows.map((r) => {
      const amount = Number(r.amount);
      if (!Number.isSafeInteger(amount)) {
        throw new KakeiboError(
          'store.overflow',
          `The sum of ${r.currency} expenses is too large to count exactly.`,
        );
      }
      return { categoryId: r.category_id, currency: r.currency, amount, count: Number(r.n) };
    });
  }

  // ---- conflicts -------------------------------------------------------------------------------

  async conflicts(includeDismissed = false): Promise<StoredConflict[]> {
    const rows = await this.db.all<{
      id: string;
      seq: number;
      tbl: string;
      row_id: string;
      field: string;
      body: string;
      dismissed: number;
    }>(
      `SELECT id, seq, tbl, row_id, field, body, dismissed FROM conflicts
       ${includeDismissed ? '' : 'WHERE dismissed = 0'} ORDER BY seq, id`,
    );
    return rows.map((r) => {
      const body = JSON.parse(r.body) as { winner: ConflictSide; loser: ConflictSide };
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
        const found = await this.db.all<{ row_id: string; fields: string }>(
          `SELECT row_id, fields FROM rows WHERE tbl = ? AND row_id IN (${placeholders(chunk.length)})`,
          [table, ...chunk],
        );
        for (const r of found) set.loaded.set(rowKey(table, r.row_id), unpackRow(r.fields));
      }
    }
    return set;
  }

  /** Writes the changed rows (multi-row upserts) and adds the delta to the checksum buckets. */
  private async write(set: WriteSet): Promise<void> {
    const values: SqlValue[][] = [];
    for (const { table, rowId, row } of set.changed.values()) values.push(rowValues(table, rowId, row));
    await this.insertMany('rows', ROW_COLUMNS, values, UPSERT_ROWS);
    await this.addToBuckets(set.delta.buckets());
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
  private insertConflicts(conflicts: readonly (Conflict & { seq: number })[]): Promise<void> {
    return this.insertMany(
      'conflicts',
      ['id', 'seq', 'tbl', 'row_id', 'field', 'body'],
      conflicts.map((c) => [
        c.id,
        c.seq,
        c.table,
        c.rowId,
        c.field,
        JSON.stringify({ winner: c.winner, loser: c.loser }),
      ]),
      ' ON CONFLICT (id) DO NOTHING',
    );
  }

  /** `INSERT … VALUES (…), (…)` in chunks (see INSERT_CHUNK), in the order given. */
  private async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    suffix = '',
  ): Promise<void> {
    const tuple = `(${placeholders(columns.length)})`;
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    let start = 0;
    for (const size of chunkSizes(rows.length, INSERT_CHUNK)) {
      const params: SqlValue[] = [];
      for (let i = start; i < start + size; i++)
        for (const value of rows[i] as readonly SqlValue[]) params.push(value);
      start += size;
      await this.db.run(head + new Array(size).fill(tuple).join(', ') + suffix, params);
    }
  }
}

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

function materialize(rowId: string, fields: string): MaterializedRow {
  return materializeRow(rowId, unpackRow(fields)) as MaterializedRow;
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

type Position = [sortDate: string, rowId: string];

/** base64url of the JSON position, without Buffer: the same code runs in browsers. */
function encodeCursor(position: Position): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): Position {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as Position;
    }
  } catch {
    // fall through: not our cursor
  }
  throw new KakeiboError(
    'store.bad_cursor',
    'The page cursor is not valid: start again from the first page.',
  );
}
