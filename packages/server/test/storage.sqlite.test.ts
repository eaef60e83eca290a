import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '@kakeibo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/index.js';
import { storageSuite } from './storage.suite.js';
import { exampleExpense, newAccount, OpWriter } from './support/index.js';

// Made when the suite opens (not at import), so a filtered run that skips the suite leaves nothing.
let dir: string | undefined;

storageSuite(
  'sqlite',
  (now) => {
    dir = mkdtempSync(join(tmpdir(), 'kakeibo-storage-sqlite-'));
    return openSqliteStorage({ file: join(dir, 'suite.db'), key: randomBytes(32), now });
  },
  async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
);

describe('sqlite storage at rest', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kakeibo-storage-canary-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** Every file in the directory, as raw bytes: the database, its -wal and its -shm. */
  const filesContaining = (folder: string, needle: string) =>
    readdirSync(folder)
      .map((name) => join(folder, name))
      .filter((path) => statSync(path).isFile())
      .filter((path) => {
        const bytes = readFileSync(path);
        return bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'));
      });

  it('creates its database file, write-ahead log and shared memory 0600, in a directory anyone may read', async () => {
    const folder = mkdtempSync(join(scratch, 'modes-'));
    chmodSync(folder, 0o755);
    const file = join(folder, 'kakeibo.db');
    const storage = await openSqliteStorage({ file, key: randomBytes(32) });
    try {
      await newAccount(storage);
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      await storage.close();
    }
  });

  it('keeps a canary payee out of every file it writes', async () => {
    const folder = mkdtempSync(join(scratch, 'canary-'));
    const file = join(folder, 'kakeibo.db');
    const storage = await openSqliteStorage({ file, key: randomBytes(32) });
    const canary = `CANARY-${randomBytes(8).toString('hex')}`;
    const { ledgerId } = await newAccount(storage);
    const alice = new OpWriter();
    const bob = new OpWriter();
    const rowId = uuidv7();
    const created = alice.edit('expenses', rowId, exampleExpense({ payee: canary, note: canary }));
    bob.see([created]);
    await storage.appendOps(ledgerId, [created, alice.edit('expenses', rowId, { payee: `${canary}-a` })]);
    await storage.appendOps(ledgerId, [bob.edit('expenses', rowId, { payee: `${canary}-b` })]);
    expect(await storage.listConflicts(ledgerId, 0, 10)).toHaveLength(1);
    expect((await storage.getRow(ledgerId, 'expenses', rowId))?.note?.value).toBe(canary);

    // While open, the recent writes live in the write-ahead log: it must be encrypted too.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(filesContaining(folder, canary)).toEqual([]);
    expect(filesContaining(folder, ledgerId)).toEqual([]);
    await storage.close();
    expect(existsSync(file)).toBe(true);
    expect(filesContaining(folder, canary)).toEqual([]);
  });

  it('refuses a wrong key with storage.bad_key and opens again with the right one', async () => {
    const file = join(scratch, 'keyed.db');
    const right = randomBytes(32);
    const first = await openSqliteStorage({ file, key: right });
    const { userId } = await newAccount(first);
    await first.close();

    await expect(openSqliteStorage({ file, key: randomBytes(32) })).rejects.toMatchObject({
      code: 'storage.bad_key',
    });
    await expect(openSqliteStorage({ file, key: randomBytes(16) })).rejects.toMatchObject({
      code: 'storage.bad_key',
    });

    const again = await openSqliteStorage({ file, key: right });
    expect((await again.findUserById(userId))?.id).toBe(userId);
    await again.close();
  });
});
