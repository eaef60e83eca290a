import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { KakeiboError } from '@kakeibo/core';
import Database from 'better-sqlite3-multiple-ciphers';

/**
 * The Node store's database file: how it is encrypted and opened. The Node driver
 * (node-driver.ts) opens it so; tools and benchmarks that want a second, raw connection to a
 * device's store (`@kakeibo/client/node-store-file`) open it the same way.
 */

/**
 * The device store's encryption: SQLite3 Multiple Ciphers' AEGIS-256 (an authenticated cipher, each
 * page sealed with a fresh random nonce and a tag checked on every read), keyed with the raw 32-byte
 * key, no key derivation. On this hardware it costs a few percent over plain SQLite, where SQLCipher's
 * AES-CBC + HMAC-SHA512 nearly doubled the time of writing a bootstrap.
 */
const CIPHER = "cipher='aegis'";
const keyPragma = (key: Uint8Array) => `key='raw:${Buffer.from(key).toString('hex')}'`;

/** Opens (creating when missing) the encrypted store file; a wrong key is `store.bad_key`. */
export function openStoreDatabase(file: string, key: Uint8Array): Database.Database {
  prepareFile(file);
  return connect(file, (db) => {
    db.pragma(CIPHER);
    db.pragma(keyPragma(key));
    if (!keyOpens(db)) {
      db.close();
      return openLegacyStore(file, key);
    }
    configure(db);
    return db;
  });
}

/** A connection to `file` set up by `setUp`, closed again when that throws. */
function connect(file: string, setUp: (db: Database.Database) => Database.Database): Database.Database {
  const db = new Database(file);
  try {
    return setUp(db);
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

/**
 * The page size of a new store (an existing one keeps the size it was made with). 16 KiB rather than
 * SQLite's 4 KiB: every page is encrypted and authenticated on its own, and a bootstrap writes tens
 * of thousands of them; with a quarter as many pages, writing 100,000 rows in pages of 2,500 took
 * about a fifth less time, and building the date index too. A local edit rewrites a few pages of
 * 16 KiB, still microseconds of cipher work.
 */
const PAGE_SIZE = 16 * 1024;

function configure(db: Database.Database): void {
  // Only takes effect while the file is still empty: before anything else writes to it.
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  // With WAL, NORMAL may lose the last commits on power loss, never consistency.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/**
 * A store written before the AEGIS cipher (SQLCipher 4 format, same key) is converted in place: its
 * pages are re-encrypted by a rekey under the new cipher (SQLite3 Multiple Ciphers rewrites the whole
 * file in one transaction, so a crash leaves the old file whole), outside WAL mode, which rekeying
 * requires. Anything else that does not open is `store.bad_key`.
 */
function openLegacyStore(file: string, key: Uint8Array): Database.Database {
  return connect(file, (db) => {
    db.pragma("cipher='sqlcipher'");
    db.pragma('legacy=4');
    db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
    if (!keyOpens(db)) {
      throw new KakeiboError(
        'store.bad_key',
        `Cannot open the local store ${file}: the key is wrong or the file is not a Kakeibo database.`,
      );
    }
    db.pragma('journal_mode = DELETE');
    db.pragma(CIPHER);
    db.pragma(`re${keyPragma(key)}`);
    configure(db);
    return db;
  });
}

/** The key only takes effect on first read: a wrong one shows as "file is not a database". */
function keyOpens(db: Database.Database): boolean {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch {
    return false;
  }
}

/** The file and its directory are private to the user before SQLite ever writes a byte. */
function prepareFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // 'a' creates without truncating; SQLite gives the -wal and -shm files the database file's mode.
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
