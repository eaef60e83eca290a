import { requireKeyBytes } from '@kakeibo/core';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqlDriver, SqlValue } from '../store/driver.js';
import { type Connection, SerialDriver } from '../store/serial-driver.js';
import { openStoreDatabase } from './store-file.js';

export interface NodeDriverOptions {
  /** Path of the database file; it and its directory are created (0600 / 0700) when missing. */
  file: string;
  /** 32 random bytes: the key of the whole file (pages, WAL and all). */
  key: Uint8Array;
  /** Prepared statements kept for reuse (least recently used beyond this are finalized). */
  statementCacheSize?: number;
}

/**
 * The Node driver: better-sqlite3-multiple-ciphers, every page of the database and its write-ahead
 * log encrypted with the device key (AEGIS-256, see store-file.ts). One synchronous connection,
 * serialised by SerialDriver exactly as the browser's is (see store/driver.ts).
 */
export async function openNodeDriver(options: NodeDriverOptions): Promise<SqlDriver> {
  requireKeyBytes(options.key, { name: 'local store key', code: 'store.bad_key' });
  const db = openStoreDatabase(options.file, options.key);
  return new NodeDriver(new NodeConnection(db, options.statementCacheSize ?? 128));
}

/** The page cache during a bulk load, in SQLite's negative-KiB form: 64 MiB. */
const BULK_CACHE_SIZE = -65536;

class NodeDriver extends SerialDriver {
  /**
   * A bulk load (a first bootstrap into an empty store), with settings for writing a lot at once:
   *
   * - A 64 MiB page cache, so the rows just written are still in memory, decrypted, when the store
   *   builds its date index from them at the end.
   * - A rollback journal instead of the WAL while it runs. Through the WAL every page is written
   *   twice, and the cipher encrypts it, decrypts it and encrypts it again on the way (WAL, then the
   *   checkpoint into the file): for 100,000 rows that checkpoint alone took about as long as all the
   *   inserts. With a rollback journal each new page is encrypted and written once, straight into
   *   the file; only pages that already existed are journaled. Each commit is still synced
   *   (synchronous NORMAL), so a crash or power cut loses at most the last pages, which the next
   *   round fetches again (the cursor is stored only once the snapshot is complete), and the store
   *   holds nothing else that could be lost: a bulk load only runs while it has no rows.
   * - Leaving WAL mode needs the file to itself; when another connection has it open, the load runs
   *   in WAL mode with a single checkpoint at the end instead of one every few pages.
   *
   * At the end the WAL comes back (with a full sync of everything written) and the cache shrinks.
   */
  async bulkLoad<T>(load: () => Promise<T>): Promise<T> {
    const [setting] = await this.all<{ cache_size: number }>('PRAGMA cache_size');
    await this.exec(`PRAGMA cache_size = ${BULK_CACHE_SIZE}`);
    const journaled = await this.leaveWal();
    if (!journaled) await this.exec('PRAGMA wal_autocheckpoint = 0');
    try {
      return await load();
    } finally {
      if (journaled) {
        await this.exec('PRAGMA synchronous = FULL');
        await this.all('PRAGMA journal_mode = WAL');
        await this.exec('PRAGMA synchronous = NORMAL');
      } else {
        await this.exec('PRAGMA wal_autocheckpoint = 1000');
        await this.all('PRAGMA wal_checkpoint(TRUNCATE)');
      }
      await this.exec(`PRAGMA cache_size = ${Number(setting?.cache_size ?? -2000)}`);
    }
  }

  /** Switches to a rollback journal (TRUNCATE: no file created and deleted per commit); false when it cannot. */
  private async leaveWal(): Promise<boolean> {
    try {
      const [mode] = await this.all<{ journal_mode: string }>('PRAGMA journal_mode = TRUNCATE');
      return mode?.journal_mode === 'truncate';
    } catch {
      // Another connection holds a lock: stay in WAL mode.
      return false;
    }
  }
}

type Statement = Database.Statement<unknown[], Record<string, SqlValue>>;

/** better-sqlite3's connection as SerialDriver's primitives: every statement runs at the call. */
class NodeConnection implements Connection {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly cacheSize: number,
  ) {}

  exec(sql: string): void {
    this.db.exec(sql);
  }

  run(sql: string, params: readonly SqlValue[]): { changes: number } {
    const statement = this.statement(sql);
    if (statement.reader) {
      statement.all(bind(params));
      return { changes: 0 };
    }
    return { changes: statement.run(bind(params)).changes };
  }

  all(sql: string, params: readonly SqlValue[]): unknown[] {
    const statement = this.statement(sql);
    if (!statement.reader) {
      statement.run(bind(params));
      return [];
    }
    return statement.all(bind(params));
  }

  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  rollback(): void {
    // SQLite rolls back by itself after some errors (a full disk, an interrupted statement).
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  savepoint(name: string): void {
    this.db.exec(`SAVEPOINT ${name}`);
  }

  release(name: string): void {
    this.db.exec(`RELEASE ${name}`);
  }

  rollbackTo(name: string): void {
    if (this.db.inTransaction) this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to evict.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql) as Statement;
      if (this.statements.size >= this.cacheSize) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }
}

/**
 * The parameters as one array argument (better-sqlite3 binds an array's items as the anonymous
 * parameters; spreading a thousand values as call arguments costs more). better-sqlite3 binds
 * Buffers as BLOBs: a plain Uint8Array is wrapped without copying.
 */
function bind(params: readonly SqlValue[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      out ??= [...params];
      out[i] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return out ?? (params as unknown[]);
}
