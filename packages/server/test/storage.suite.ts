import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import { accountCases, auditCases, deviceCases, refreshTokenCases } from './storage.account-cases.js';
import { appendCases } from './storage.append-cases.js';
import { backupCases } from './storage.backup-cases.js';
import { ledgerCases } from './storage.ledger-cases.js';
import { readCases } from './storage.read-cases.js';
import { newAccount, TestClock } from './support/index.js';

/**
 * The contract every storage adapter must meet, run unchanged against SQLite and PostgreSQL.
 * One storage per run; every test makes its own account, so tests never see each other's data.
 */
export function storageSuite(
  name: string,
  open: (now: () => string) => Promise<Storage>,
  cleanup?: () => Promise<void>,
): void {
  describe(`storage: ${name}`, () => {
    let storage: Storage;
    const get = () => storage;
    const clock = new TestClock();

    beforeAll(async () => {
      storage = await open(() => clock.now());
    });
    afterAll(async () => {
      await storage?.close();
      await cleanup?.();
    });

    it('reports its kind and migrates idempotently', async () => {
      expect(storage.kind).toBe(name);
      await storage.migrate();
      await storage.migrate();
      // Re-running the migrations changed nothing: the schema still takes and returns data.
      const { userId } = await newAccount(storage);
      expect((await storage.findUserById(userId))?.id).toBe(userId);
    });

    accountCases(get);
    deviceCases(get);
    refreshTokenCases(get);
    auditCases(get, clock);
    appendCases(get);
    readCases(get);
    ledgerCases(get);
    backupCases(get);
  });
}
