import { chmodSync, closeSync, openSync } from 'node:fs';
import { KakeiboError, requireKeyBytes } from '@kakeibo/core';
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyStorage } from '../kysely-storage.js';
import type { Database as Schema } from '../schema.js';
import type { Storage } from '../types.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { useSqlCipher } from './cipher.js';
import { sqliteTraits } from './traits.js';

export interface SqliteStorageOptions {
  /** Path of the database file; created when missing. */
  file: string;
  /** 32 random bytes: the SQLCipher key of the whole file (pages, WAL and all). */
  key: Buffer;
  /** The checkpointer thread's code (default: the built worker beside it; see checkpointer.ts). */
  checkpointerWorker?: URL;
  /** The clock of the times the storage stamps itself (createdAt, audit time); tests set it. */
  now?: () => string;
}

/** Pages of write-ahead log after which a commit checkpoints by itself (the backstop; see below). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * The embedded default: one SQLCipher-encrypted file. Everything in it, the write-ahead log
 * included, is unreadable without the key, so values are stored as plain JSON inside.
 */
export async function openSqliteStorage(options: SqliteStorageOptions): Promise<Storage> {
  requireKeyBytes(options.key, { name: 'database key', code: 'storage.bad_key' });
  privateFile(options.file);
  const db = new Database(options.file);
  try {
    useSqlCipher(db, options.key);
    verifyKey(db, options.file);
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL loses at most the last commits on power loss, never consistency.
    db.pragma('synchronous = NORMAL');
    // Checkpoint the WAL in bigger steps: ingest batches then rewrite each hot page far less often.
    // Normally the checkpointer thread copies it long before (see startCheckpointer): this is the
    // backstop for when that thread is not running.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    // A 64 MiB page cache keeps the hot index pages decrypted in memory across batches.
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  let checkpointer: Checkpointer | null = null;
  const storage = createKyselyStorage({
    db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) }),
    traits: sqliteTraits,
    storageKey: options.key,
    ...(options.now && { now: options.now }),
    beforeClose: async () => {
      await checkpointer?.stop();
    },
  });
  try {
    await storage.migrate();
    // Started once the file is set up (WAL mode, migrated): its connection only ever checkpoints.
    checkpointer = startCheckpointer(options.file, options.key, options.checkpointerWorker);
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

/** The key only takes effect on first read: a wrong one shows as "file is not a database". */
function verifyKey(db: Database.Database, file: string): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    throw new KakeiboError(
      'storage.bad_key',
      `Cannot open ${file}: the key is wrong or the file is not a Kakeibo database.`,
      { cause: error instanceof Error ? error.message : String(error) },
    );
  }
}

/**
 * The database file is the server's alone before SQLite writes a byte: 0600 whatever the umask or
 * the data directory's own mode (SQLite gives its -wal and -shm files the database file's mode).
 */
function privateFile(file: string): void {
  // 'a' creates without truncating an existing file.
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
