/**
 * The SQL surface a device's store runs on: one contract for Node (better-sqlite3, node/driver.ts)
 * and browsers (SQLite WASM in a worker, browser/driver.ts), both built on SerialDriver
 * (serial-driver.ts), so they behave alike by construction. All calls are async (the browser's
 * database is in another thread).
 *
 * **Who serialises: the driver.** Its top-level calls (each statement, each transaction) run one
 * at a time, in the order they were made, and a transaction holds the connection until it settles. Only the runner a transaction hands to its function
 * reaches that open transaction; a call on the driver itself made meanwhile, from anywhere, waits
 * for it. So a change from elsewhere can never join, nor see, another's open transaction, with no
 * ambient context to get wrong (no AsyncLocalStorage, no wrapper guessing whose call is whose). A
 * runner used after its transaction ended is refused (`store.scope_ended`).
 */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  all<T = Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

/** The runner of an open transaction: its statements, and transactions inside it (savepoints). */
export interface SqlTransaction extends SqlRunner {
  /** A transaction inside this one is a savepoint: its failure undoes only its own work. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

export interface SqlDriver extends SqlRunner {
  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK when it throws). */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /**
   * Optional: runs `load`, many transactions filling an empty store, with the settings this driver
   * loads fastest under, and leaves the database as durable as ever once it resolves. Without it the
   * store runs `load` as it is.
   */
  bulkLoad?<T>(load: () => Promise<T>): Promise<T>;
  /** Waits for every call made before it, then closes; later calls fail with `store.closed`. */
  close(): Promise<void>;
}

export type SqlValue = string | number | bigint | null | Uint8Array;
