import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage, type Storage } from '../src/storage/index.js';
import { newAccount, newExpenses, Writer } from './storage.fixtures.js';

/**
 * The SQLite storage's checkpointer thread (storage/sqlite-checkpointer.ts). Its worker is a file of
 * the build, which a test running the TypeScript sources cannot start (the storage then simply keeps
 * SQLite's own autocheckpoint): this test opens the storage as the server does, from the build that
 * `npm test` makes first.
 */
const built = (await import(new URL('../dist/storage/index.js', import.meta.url).href)) as {
  openSqliteStorage(options: { file: string; key: Buffer }): Promise<Storage>;
};

const dir = mkdtempSync(join(tmpdir(), 'kakeibo-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new storage file with 1,500 ops appended: far below wal_autocheckpoint (10,000 pages). */
async function written(open: (options: { file: string; key: Buffer }) => Promise<Storage>, name: string) {
  const file = join(dir, name);
  const key = randomBytes(32);
  const storage = await open({ file, key });
  const { ledgerId } = await newAccount(storage);
  const sizeAtStart = statSync(file).size;
  const writer = new Writer();
  for (let batch = 0; batch < 3; batch++) await storage.appendOps(ledgerId, newExpenses(writer, 500));
  return { file, key, storage, ledgerId, sizeAtStart };
}

describe('the SQLite checkpointer thread', () => {
  it('copies the write-ahead log into the file while the storage runs, and stops before it closes', async () => {
    const { file, key, storage, ledgerId, sizeAtStart } = await written(built.openSqliteStorage, 'built.db');
    // Pages reach the database file only through a checkpoint.
    await expect
      .poll(() => statSync(file).size, { timeout: 10_000 })
      .toBeGreaterThan(sizeAtStart + 512 * 1024);

    await storage.close();
    // The storage's connection was the last one left (the thread had closed its own): closing it
    // checkpointed the rest and removed the log.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = await built.openSqliteStorage({ file, key });
    try {
      expect(await reopened.head(ledgerId)).toBe(1500);
    } finally {
      await reopened.close();
    }
  });

  it('is only a help: without it (no worker file) the same writes wait in the log, and nothing is lost', async () => {
    const { file, key, storage, ledgerId, sizeAtStart } = await written(openSqliteStorage, 'source.db');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(statSync(file).size).toBe(sizeAtStart);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1024 * 1024);
    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = await openSqliteStorage({ file, key });
    try {
      expect(await reopened.head(ledgerId)).toBe(1500);
    } finally {
      await reopened.close();
    }
  });
});
