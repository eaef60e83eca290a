import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '@kakeibo/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import { WAL_AUTOCHECKPOINT_PAGES } from '../src/storage/sqlite/open.js';
import { newAccount, newExpenses, OpWriter } from './support/index.js';

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

/** Frames in a file's write-ahead log: its header, then one 24-byte header and one page each. */
const PAGE_BYTES = 4096;
const walFrames = (file: string) => Math.floor((statSync(`${file}-wal`).size - 32) / (PAGE_BYTES + 24));

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
  const writer = new OpWriter();
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

  it('is only a help: without its worker the writes wait in the log until SQLite checkpoints them itself, and nothing is lost', async () => {
    const missing = new URL('./no-such-checkpointer-worker.js', CHECKPOINTER_WORKER);
    expect(startCheckpointer(join(dir, 'unused.db'), randomBytes(32), missing)).toBeNull();
    const { file, key, storage, ledgerId, sizeAtStart } = await written('no-worker.db', missing);
    // No thread exists to checkpoint, and 1,500 ops are far below the autocheckpoint: all in the log.
    expect(statSync(file).size).toBe(sizeAtStart);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1024 * 1024);

    // The backstop: the commit that takes the log past wal_autocheckpoint copies it into the file.
    // Large rows (inventory notes of 4,000 characters) get there in a few dozen batches.
    const writer = new OpWriter();
    const notes = 'n'.repeat(4000);
    let ops = 1500;
    while (walFrames(file) < WAL_AUTOCHECKPOINT_PAGES) {
      expect(statSync(file).size).toBe(sizeAtStart);
      expect(ops).toBeLessThan(50_000); // a backstop that never fires would loop for ever
      const batch = Array.from({ length: 500 }, () =>
        writer.edit('inventory', uuidv7(), {
          createdAt: '2025-01-01T00:00:00.000Z',
          deleted: false,
          name: 'Box',
          notes,
        }),
      );
      await storage.appendOps(ledgerId, batch);
      ops += batch.length;
    }
    expect(statSync(file).size).toBeGreaterThan(sizeAtStart);

    await storage.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(await reopenedHead(file, key, ledgerId)).toBe(ops);
  });
});
