import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../src/storage/index.js';
import { storageSuite } from './storage.suite.js';
import { createTestDatabase, exampleExpense, OpWriter, type TestDatabase } from './support/index.js';

let database: TestDatabase | undefined;

storageSuite(
  'postgres',
  async (now) => {
    database = await createTestDatabase();
    return openPostgresStorage({
      connectionString: database.url,
      masterKey: randomBytes(32),
      poolSize: 4,
      now,
    });
  },
  async () => database?.drop(),
);

/** The client matching the server's major version when installed, else whatever is on the PATH. */
const PG_DUMP =
  process.env.PG_DUMP ??
  (existsSync('/usr/lib/postgresql/15/bin/pg_dump') ? '/usr/lib/postgresql/15/bin/pg_dump' : 'pg_dump');

describe('postgres storage at rest', () => {
  it('keeps a canary payee, e-mail, device name and client address out of a pg_dump, and out of reach of another master key', async () => {
    const db = await createTestDatabase();
    try {
      const masterKey = randomBytes(32);
      const storage = await openPostgresStorage({ connectionString: db.url, masterKey });
      const canary = `CANARY-${randomBytes(8).toString('hex')}`;
      const userId = uuidv7();
      const ledgerId = uuidv7();
      const email = `${canary.toLowerCase()}@example.test`;
      await storage.createUser({ id: userId, email, passwordHash: 'argon2id$test', ledgerId });
      await storage.upsertDevice({
        ledgerId,
        id: 'c0ffeec0ffeec0ff',
        userId,
        name: `${canary}-phone`,
        platform: `${canary}-os`,
        publicKeyJwk: '{}',
        alg: 'ed25519',
      });
      await storage.recordAudit({
        ledgerId,
        userId,
        deviceId: null,
        kind: 'auth.signin',
        ip: '203.0.113.177',
        detail: {},
      });
      const alice = new OpWriter();
      const bob = new OpWriter();
      const rowId = uuidv7();
      const created = alice.edit(
        'expenses',
        rowId,
        exampleExpense({ payee: canary, note: canary, date: '2025-03-14' }),
      );
      bob.see([created]);
      await storage.appendOps(ledgerId, [created, alice.edit('expenses', rowId, { payee: `${canary}-a` })]);
      await storage.appendOps(ledgerId, [bob.edit('expenses', rowId, { payee: `${canary}-b` })]);
      expect(await storage.listConflicts(ledgerId, 0, 10)).toHaveLength(1);
      expect((await storage.getRow(ledgerId, 'expenses', rowId))?.note?.value).toBe(canary);

      const url = new URL(db.url);
      const { stdout } = await promisify(execFile)(
        PG_DUMP,
        ['-h', '127.0.0.1', '-p', url.port || '5432', '-U', 'postgres', '--no-password', db.name],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      // The dump is real (it holds the ledger's rows), yet no sealed value shows through.
      expect(stdout).toContain(ledgerId);
      expect(stdout).toContain('2025-03-14');
      expect(stdout).not.toContain(canary);
      expect(stdout.toLowerCase()).not.toContain(canary.toLowerCase());
      expect(stdout).not.toContain('203.0.113.177');
      expect(stdout).toContain('203.0.113.0');
      // What was sealed still reads back through the storage.
      expect((await storage.findUserByEmail(email))?.id).toBe(userId);
      expect((await storage.findDevice(ledgerId, 'c0ffeec0ffeec0ff'))?.name).toBe(`${canary}-phone`);
      await storage.close();

      const thief = await openPostgresStorage({ connectionString: db.url, masterKey: randomBytes(32) });
      await expect(thief.getRow(ledgerId, 'expenses', rowId)).rejects.toMatchObject({
        code: 'crypto.decrypt_failed',
      });
      await thief.close();
    } finally {
      await db.drop();
    }
  });

  it('refuses a master key of the wrong length', async () => {
    await expect(
      openPostgresStorage({ connectionString: 'postgres://127.0.0.1:1/none', masterKey: randomBytes(16) }),
    ).rejects.toMatchObject({ code: 'storage.bad_key' });
  });
});
