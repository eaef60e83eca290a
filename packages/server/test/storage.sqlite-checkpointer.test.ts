import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import { newAccount, newExpenses, Writer } from './storage.fixtures.js';

/**
 * The SQLite storage's checkpointer thread (storage/sqlite/checkpointer.ts). Its code is a file of
 * the build, so these cases open the storage as the server does, from the build `npm test` makes
 * first, and name the worker explicitly where it matters: nothing here depends on whether the test
 * runner happens to run the sources or the build.
 */
const built = (await import(new URL('../dist/storage/index.js', import.meta.url).href)) as {
  openSqliteStorage(options: { file: string; key: Buffer; checkpointerWorker?: URL }): Promise<Storage>;
};
const { CHECKPOINTER_WORKER, startCheckpointer } = (await import(
  new URL('../dist/storage/sqlite/checkpointer.js', import.meta.url).href
)) as typeof import('../src/storage/sqlite/checkpointer.js');

const dir = mkdtempSync(join(tmpdir(), 'kakeibo-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new storage file with 1,500 ops appended: far below wal_autocheckpoint (10,000 pages). */
async function written(name: string, checkpointerWorker?: URL) {
  const file = join(dir, name);
  const key = randomBytes(32);
  const storage = await built.openSqliteStorage({
    file,
    key,
    ...(checkpointerWorker && { checkpointerWorker }),
  });
  const { ledgerId } = await newAccount(storage);
  const sizeAtStart = statSync(file).size;
  const writer = new Writer();
  for (let batch = 0; batch < 3; batch++) await storage.appendOps(ledgerId, newExpenses(writer, 500));
  return { file, key, storage, ledgerId, sizeAtStart };
}

async function reopenedHead(file: string, key: Buffer, ledgerId: string): Promise<number> {
  const reopened = await built.openSqliteStorage({ file, key });
  try {
    return await reopened.head(ledgerId);
  } finally {
    await reopened.close();
  }
}

describe('the SQLite checkpointer thread', () => {
  it('runs from the build: it copies the write-ahead log into the file while the storage runs, and stops before it closes', async () => {
    expect(existsSync(CHECKPOINTER_WORKER)).toBe(true);
    const { file, key, storage, ledgerId, sizeAtStart } = await written('built.db');
    // Pages reach the database file only through a checkpoint, and only the thread makes one this
    // early (the storage's own autocheckpoint waits for 10,000 pages).
    await expect
      .poll(() => statSync(file).size, { timeout: 10_000 })
      .toBeGreaterThan(sizeAtStart + 512 * 1024);

    await storage.close();
    // The storage's connection was the last one left (the thread had closed its own): closing it
    // checkpointed the rest and removed the log.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(await reopenedHead(file, key, ledgerId)).toBe(1500);
  });

  it('is only a help: without its worker the storage runs all the same, the writes wait in the log, and nothing is lost', async () => {
    const missing = new URL('./no-such-checkpointer-worker.js', CHECKPOINTER_WORKER);
    expect(startCheckpointer(join(dir, 'unused.db'), randomBytes(32), missing)).toBeNull();
    const { file, key, storage, ledgerId, sizeAtStart } = await written('no-worker.db', missing);
    // No thread exists to checkpoint, and 1,500 ops are far below the autocheckpoint: all in the log.
    expect(statSync(file).size).toBe(sizeAtStart);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1024 * 1024);
    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(await reopenedHead(file, key, ledgerId)).toBe(1500);
  });
});
