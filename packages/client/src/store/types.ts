import type {
  ChecksumBucket,
  Conflict,
  FieldValue,
  LoggedOp,
  Op,
  RowState,
  SnapshotRow,
  SplitPart,
  TableName,
} from '@kakeibo/core';

export type { SqlDriver, SqlRunner, SqlTransaction, SqlValue } from './driver.js';

/**
 * Seals the user data of a store whose database file is not encrypted, before it reaches SQLite, and
 * opens it again. `aad` names the value's place (`rows/expenses/<id>`, `meta/<key>`, …) and is bound
 * into the sealed value, so a value moved to another place fails to open. Node's store file is
 * encrypted whole (node/store-file.ts) and uses none; browsers use `aesGcmSealer` (store/sealer.ts).
 */
export interface FieldSealer {
  seal(plain: string, aad: string): Promise<Uint8Array>;
  /** Fails with `store.unreadable` when the key, the place or the bytes are not the sealed ones. */
  open(sealed: Uint8Array, aad: string): Promise<string>;
}

/** A field of a row as the API returns it: as stored, except a split expense's parts, as objects. */
export type RowValue = FieldValue | readonly SplitPart[];

/** A row as the API returns it: id, createdAt, updatedAt, deleted and the data fields. */
export type MaterializedRow = Record<string, RowValue> & {
  id: string;
  deleted: boolean;
  updatedAt: string;
};

export interface ListQuery {
  /** Inclusive calendar-date bounds on the row's date field (date, purchaseDate, startDate). */
  from?: string;
  to?: string;
  categoryId?: string;
  /**
   * Rows of one account: expenses and income recorded in it, transfers out of it or into it (the
   * account columns balances sum, so an account's list adds up to its balance).
   */
  accountId?: string;
  /** Case-insensitive substring over payee/source/name/note (expenses, income, inventory). */
  search?: string;
  includeDeleted?: boolean;
  limit?: number;
  /** Opaque keyset cursor from the previous page. */
  cursor?: string;
}

/** A row listed across several tables (`listAcross`), with the table it belongs to. */
export interface TableRow {
  table: TableName;
  row: MaterializedRow;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OutboxEntry {
  /** Local queue position (ascending = the order ops were made). */
  position: number;
  op: Op;
  /** The op's JSON size in UTF-8 bytes: what it adds to a push body. */
  bytes: number;
}

export interface RejectedOp {
  op: Op;
  code: string;
  message: string;
  at: string;
}

export interface StoredConflict extends Conflict {
  seq: number;
  dismissed: boolean;
}

export interface CategorySpending {
  categoryId: string | null;
  currency: string;
  /** Sum of expense amounts in minor units (integer arithmetic in SQL: SUM over INTEGER). */
  amount: number;
  count: number;
}

/**
 * What was recorded against one account in one currency from its opening date to a day: `kind` says
 * whether it is its expenses, its income, transfers out of it or transfers into it.
 */
export interface AccountTotal {
  accountId: string;
  kind: 'expenses' | 'income' | 'transfersOut' | 'transfersIn';
  currency: string;
  /** Sum in minor units (integer arithmetic in SQL). */
  amount: number;
  count: number;
}

/** Expenses or income of one day, currency and category (what converted totals convert). */
export interface DailyTotal {
  kind: 'expenses' | 'income';
  date: string;
  currency: string;
  categoryId: string | null;
  amount: number;
  count: number;
}

export interface MonthlyTotal {
  /** Calendar month, `YYYY-MM`. */
  month: string;
  currency: string;
  /** Sums of the month's non-deleted expenses and income in this currency, integer minor units. */
  expenses: number;
  income: number;
}

/**
 * The device's local database: one schema and one set of migrations for Node (better-sqlite3, the
 * file encrypted) and browsers (official SQLite WASM on OPFS in a Web Worker); the SqlDriver is the
 * only difference. Everything the app reads comes from here; nothing waits on the network.
 *
 * Writes are transactions: a local change stores the merged row AND its op in the outbox together,
 * and applying a pulled page stores every row of it AND the new cursor together, so a crash at any
 * point loses nothing and duplicates nothing.
 *
 * Its three consumers each see the part they rely on: the sync engine (EngineStore), the collections
 * and reports of the API (CollectionStore), the Kakeibo facade and the device identity (FacadeStore).
 */
export interface LocalStore extends EngineStore, CollectionStore, FacadeStore {}

/** Small persistent key/value state: device id, clock, cursor, session, keys (see meta-keys.ts). */
export interface MetaStore {
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string | null): Promise<void>;
}

/** A first bootstrap's page writer, given by `bulkLoad` (see EngineStore). */
export interface BulkLoader {
  /** `applyRows`, taking the empty-store fast path while the store had no rows when the load began. */
  applyRows(rows: readonly SnapshotRow[]): Promise<Map<TableName, string[]>>;
}

/** What the sync engine needs: the outbox, pulled pages, snapshot rows, checksums and repair. */
export interface EngineStore extends MetaStore {
  /** The oldest queued ops, at most `limit`. */
  outbox(limit: number): Promise<OutboxEntry[]>;
  outboxCount(): Promise<number>;
  /** Removes acknowledged ops (applied, duplicate or rejected) by op id; records rejections. */
  acknowledge(opIds: readonly string[], rejected: readonly RejectedOp[]): Promise<void>;
  /**
   * Applies one pulled page in one transaction: merges every op, stores its conflicts, sets the
   * cursor to `cursor`. Returns the changed rows by table (for change events).
   */
  applyPulled(
    ops: readonly LoggedOp[],
    conflicts: readonly (Conflict & { seq: number })[],
    cursor: number,
  ): Promise<Map<TableName, string[]>>;
  /**
   * A bootstrap's page loads: into an empty store they run with bulk-load settings (the date index
   * built once at the end, the driver's bulkLoad) and each page goes in without looking its rows up
   * first; into a store with rows, the loader is plain `applyRows`.
   */
  bulkLoad<T>(load: (loader: BulkLoader) => Promise<T>): Promise<T>;
  /** Applies snapshot (or repair) rows field by field with LWW merge, in one transaction. */
  applyRows(rows: readonly SnapshotRow[]): Promise<Map<TableName, string[]>>;
  /** Rows of one checksum bucket (repair compares them with the server's). */
  bucketRows(table: TableName, bucket: number): Promise<SnapshotRow[]>;
  /**
   * Repair when merging was not enough: makes one bucket hold exactly `rows` (the server's), removing
   * local rows of that bucket the server does not have. Null, and nothing replaced, when a local
   * change waits in the outbox (it may have been made after `rows` were read).
   */
  replaceBucket(
    table: TableName,
    bucket: number,
    rows: readonly SnapshotRow[],
  ): Promise<Map<TableName, string[]> | null>;
  checksum(): Promise<ChecksumBucket[]>;
  /** Recomputes every bucket from the stored rows (used after a repair, and by tests). */
  recomputeChecksum(): Promise<void>;
}

/** What the collections, lists and reports of the API need: rows, local writes, the hot reads. */
export interface CollectionStore {
  /** Current stored state of a row (tombstones included), or undefined. */
  rowState(table: TableName, rowId: string): Promise<RowState | undefined>;
  /**
   * Applies ops made on this device (already built with buildOp and validated with parseOp): merges
   * each into its row, updates checksum buckets and appends it to the outbox, all in one transaction,
   * with `meta`'s values (the device clock that stamped the ops).
   */
  applyLocal(ops: readonly Op[], meta?: Readonly<Record<string, string>>): Promise<void>;
  get(table: TableName, rowId: string): Promise<MaterializedRow | null>;
  /** Newest date first (then row id descending), keyset-paginated; deleted rows excluded by default. */
  list(table: TableName, query: ListQuery): Promise<Page<MaterializedRow>>;
  /**
   * `list` over several tables at once, merged in the same order (newest date first, then row id
   * descending, then table name descending); the cursor is the same kind as `list`'s.
   */
  listAcross(tables: readonly TableName[], query: ListQuery): Promise<Page<TableRow>>;
  spendingByCategory(from: string, to: string): Promise<CategorySpending[]>;
  /** Expenses and income per month (`YYYY-MM`, inclusive) and currency; months without rows omitted. */
  monthlyTotals(from: string, to: string): Promise<MonthlyTotal[]>;
  /** Per account and currency, what its entries and transfers add up to from its opening date to `asOf`. */
  accountTotals(asOf: string): Promise<AccountTotal[]>;
  /** Expenses and income from `from` to `to` (inclusive dates), summed per day, currency and category. */
  dailyTotals(from: string, to: string): Promise<DailyTotal[]>;
}

/** What the facade and the device identity need: the store's life, counts, refusals, conflicts. */
export interface FacadeStore extends MetaStore {
  /** Brings the schema up to date and checks the sealing (see local-store.ts). */
  migrate(): Promise<void>;
  /**
   * Empties every table (the schema stays): for a store whose values can no longer be opened (its
   * key is gone), or that a person chose to erase; the device then fills it again from the server.
   */
  erase(): Promise<void>;
  close(): Promise<void>;
  outboxCount(): Promise<number>;
  rejectedOps(): Promise<RejectedOp[]>;
  rejectedCount(): Promise<number>;
  dismissRejected(opId: string): Promise<void>;
  conflicts(includeDismissed?: boolean): Promise<StoredConflict[]>;
  dismissConflict(id: string): Promise<boolean>;
}
