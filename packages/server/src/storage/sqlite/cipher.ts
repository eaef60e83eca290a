import type Database from 'better-sqlite3-multiple-ciphers';

/**
 * The server file's encryption (the brief: SQLCipher format): SQLCipher 4 with the 32-byte key taken
 * raw. Every connection to the file sets it first, the storage's own and the checkpointer's alike.
 */
export function useSqlCipher(db: Database.Database, key: Buffer): void {
  db.pragma("cipher='sqlcipher'");
  db.pragma('legacy=4');
  db.pragma(`key="x'${key.toString('hex')}'"`);
}
