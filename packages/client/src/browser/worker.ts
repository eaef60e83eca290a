import sqlite3InitModule, {
  type Database,
  type PreparedStatement,
  type SAHPoolUtil,
} from '@sqlite.org/sqlite-wasm';
import type { SqlValue } from '../store/types.js';
import type { OpenResult, WorkerError, WorkerRequest, WorkerResponse } from './protocol.js';

/**
 * The store worker: the official SQLite WASM build on the origin private file system (OPFS), serving
 * the SqlDriver calls of `worker-driver.ts` over postMessage. OPFS synchronous access handles only
 * exist in dedicated workers, and a worker keeps SQLite's work off the page's main thread.
 *
 * The database lives on the `opfs-sahpool` VFS: it needs no cross-origin isolation (no COOP/COEP
 * headers) and is the fastest OPFS VFS. Each database name gets its own pool (OPFS directory
 * `.kakeibo/<name>`), which a worker holds exclusively: one worker (one tab) at a time has a given
 * store open; a second one waits for it (a reload overlaps the old page's worker for a moment) and
 * then fails with `store.locked`. When the pool VFS cannot start for another reason and the
 * page is cross-origin isolated, the plain `opfs` VFS is used instead.
 *
 * The WASM build has no SQLCipher, so the files here are not encrypted as a whole: the store above
 * seals every value holding user data before it is sent here (store/sealer.ts). See docs/SECURITY.md.
 */

/** The dedicated worker's global scope, as far as this file uses it (no DOM/WebWorker typings needed). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void;
}

type Sqlite3 = Awaited<ReturnType<typeof sqlite3InitModule>>;

/** Prepared statements kept for reuse (least recently used beyond this are finalized). */
const STATEMENT_CACHE = 128;
/** Database names: also part of a VFS name and of OPFS paths. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Pool slots: the database, its rollback journal and temporary files, with room to spare. */
const POOL_CAPACITY = 6;

const scope = globalThis as unknown as WorkerScope;

let loading: Promise<Sqlite3> | null = null;
let sqlite3: Sqlite3 | null = null;
let pool: SAHPoolUtil | null = null;
let db: Database | null = null;
const statements = new Map<string, { statement: PreparedStatement; columns: string[] }>();

class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

// Requests are handled one at a time, in arrival order (open is the only asynchronous one).
let tail: Promise<void> = Promise.resolve();
scope.addEventListener('message', (event) => {
  const request = event.data;
  tail = tail.then(async () => {
    try {
      scope.postMessage({ id: request.id, ok: true, result: await handle(request) });
    } catch (error) {
      scope.postMessage({ id: request.id, ok: false, error: describe(error) });
    }
  });
});

async function handle(request: WorkerRequest): Promise<unknown> {
  if (request.op === 'open') return open(request.name, request.lockWaitMs);
  const conn = db;
  if (!conn) throw new StoreError('store.closed', 'The local store is not open.');
  switch (request.op) {
    case 'exec':
      conn.exec(request.sql);
      return null;
    case 'run':
      return run(conn, request.sql, request.params);
    case 'all':
      return all(conn, request.sql, request.params);
    case 'begin':
      conn.exec('BEGIN IMMEDIATE');
      return null;
    case 'commit':
      conn.exec('COMMIT');
      return null;
    case 'rollback':
      // SQLite rolls back by itself after some errors (a full disk, an interrupted statement).
      if (inTransaction(conn)) conn.exec('ROLLBACK');
      return null;
    case 'savepoint':
      conn.exec(`SAVEPOINT ${savepointName(request.name)}`);
      return null;
    case 'release':
      conn.exec(`RELEASE ${savepointName(request.name)}`);
      return null;
    case 'rollbackTo': {
      const name = savepointName(request.name);
      if (inTransaction(conn)) conn.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      return null;
    }
    case 'close':
      close();
      return null;
  }
}

async function open(name: string, lockWaitMs: number): Promise<OpenResult> {
  if (db) throw new StoreError('store.already_open', 'This worker already has the local store open.');
  if (!NAME.test(name)) {
    throw new StoreError(
      'store.bad_name',
      `The database name ${JSON.stringify(name)} may only use letters, digits, ".", "_" and "-".`,
    );
  }
  loading ??= sqlite3InitModule();
  const api = await loading;
  sqlite3 = api;
  let vfs: OpenResult['vfs'];
  let location = `.kakeibo/${name}`;
  let unsupported: unknown = null;
  try {
    pool = await installPool(api, { name: `kakeibo-${name}`, directory: location }, lockWaitMs);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    unsupported = error;
  }
  if (pool) {
    db = new pool.OpfsSAHPoolDb(`/${name}.sqlite3`);
    vfs = 'opfs-sahpool';
  } else if (api.oo1.OpfsDb) {
    // The pool VFS could not start at all (e.g. sync access handles older than it needs); the plain
    // OPFS VFS, which exists only on cross-origin isolated pages, can still keep the store.
    location = `/kakeibo/${name}.sqlite3`;
    db = new api.oo1.OpfsDb(location, 'c');
    vfs = 'opfs';
  } else {
    throw new StoreError(
      'store.opfs_unavailable',
      `This browser cannot keep the local store: the origin private file system (OPFS) is unavailable (${message(unsupported)}). ` +
        'Use a current browser, outside private browsing, on an https:// (or localhost) address.',
    );
  }
  try {
    db.exec('PRAGMA foreign_keys = ON');
    // The pool's files are this worker's alone, so SQLite may keep its lock and, with it, its page
    // cache from one transaction to the next instead of starting cold after every statement.
    // PERSIST keeps the rollback journal file instead of deleting and recreating it at every commit.
    // Measured in headless Chromium: the default (shared locking) cost ~0.6 ms per point read, and a
    // 5,000-row createMany took ~1.4 s with PERSIST against ~1.8 s with DELETE. WAL, which the pool can
    // run in exclusive mode, measured slower: its checkpoints write every page twice.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = PERSIST');
    db.exec('PRAGMA cache_size = -16384');
  } catch (error) {
    close();
    throw error;
  }
  return { vfs, location, sqliteVersion: api.version.libVersion };
}

/**
 * The pool holds a sync access handle on each of its files. While another worker of this origin (an
 * other tab, or this page before a reload) still holds them, creating a handle fails with
 * NoModificationAllowedError: wait for it up to `lockWaitMs`, then say what is going on.
 * `preserveOnInitFailure` matters: without it a failed start deletes the pool, with the data in it.
 */
async function installPool(
  api: Sqlite3,
  where: { name: string; directory: string },
  lockWaitMs: number,
): Promise<SAHPoolUtil> {
  const deadline = Date.now() + lockWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const util = await api.installOpfsSAHPoolVfs({
        ...where,
        initialCapacity: POOL_CAPACITY,
        preserveOnInitFailure: true,
        forceReinitIfPreviouslyFailed: true,
      } as Parameters<Sqlite3['installOpfsSAHPoolVfs']>[0]);
      // Paused by an earlier close in this worker: take the files back.
      return util.isPaused() ? await util.unpauseVfs() : util;
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() >= deadline) {
        throw new StoreError(
          'store.locked',
          'The local store is open in another tab or window of this app: close it there, then reload this page.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500)));
    }
  }
}

const isBusy = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'NoModificationAllowedError' || error.name === 'InvalidStateError');

function run(conn: Database, sql: string, params: readonly SqlValue[]): { changes: number } {
  return withStatement(conn, sql, params, (statement) => {
    if (statement.columnCount > 0) {
      while (statement.step()) {}
      return { changes: 0 };
    }
    statement.step();
    return { changes: Number(conn.changes()) };
  });
}

function all(conn: Database, sql: string, params: readonly SqlValue[]): Record<string, SqlValue>[] {
  return withStatement(conn, sql, params, (statement, columns) => {
    const rows: Record<string, SqlValue>[] = [];
    if (columns.length === 0) {
      statement.step();
      return rows;
    }
    while (statement.step()) {
      const row: Record<string, SqlValue> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = statement.get(i) as SqlValue;
      rows.push(row);
    }
    return rows;
  });
}

/** Runs a cached prepared statement with fresh bindings and always leaves it reset for the next use. */
function withStatement<T>(
  conn: Database,
  sql: string,
  params: readonly SqlValue[],
  use: (statement: PreparedStatement, columns: string[]) => T,
): T {
  let entry = statements.get(sql);
  if (entry) {
    // Most recently used last, so the first entry is the one to evict.
    statements.delete(sql);
  } else {
    const statement = conn.prepare(sql);
    entry = { statement, columns: statement.columnCount > 0 ? statement.getColumnNames() : [] };
    if (statements.size >= STATEMENT_CACHE) {
      const [oldest, evicted] = statements.entries().next().value ?? [];
      if (oldest !== undefined) {
        statements.delete(oldest);
        evicted?.statement.finalize();
      }
    }
  }
  statements.set(sql, entry);
  try {
    if (params.length > 0) entry.statement.bind(params);
    return use(entry.statement, entry.columns);
  } finally {
    entry.statement.reset(true);
  }
}

/** False when SQLite ended the transaction by itself (a full disk, an interrupted statement). */
const inTransaction = (conn: Database) => sqlite3 !== null && sqlite3.capi.sqlite3_get_autocommit(conn) === 0;

/** Savepoint names come from the driver (sp1, sp2, …); never splice anything else into SQL. */
function savepointName(name: string): string {
  if (!/^sp[0-9]{1,6}$/.test(name))
    throw new StoreError('store.bad_savepoint', `Invalid savepoint name ${name}.`);
  return name;
}

function close(): void {
  for (const { statement } of statements.values()) statement.finalize();
  statements.clear();
  db?.close();
  db = null;
  // Give the pool's files back at once, so a new page of this origin can open the store.
  pool?.pauseVfs();
  pool = null;
}

function describe(error: unknown): WorkerError {
  if (error instanceof StoreError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error) {
    const resultCode = (error as { resultCode?: unknown }).resultCode;
    return {
      name: error.name,
      message: error.message,
      ...(typeof resultCode === 'number' && { resultCode }),
    };
  }
  return { name: 'Error', message: String(error) };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
