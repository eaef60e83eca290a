import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKSUM_VERSION, uuidv7 } from '@kakeibo/core';
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStorage, openSqliteStorage, type Storage, useSqlCipher } from '../src/storage/index.js';
import { LedgerKeys } from '../src/storage/ledger-keys.js';
import { initial } from '../src/storage/migrations/0001-initial.js';
import { checksumVersion } from '../src/storage/migrations/0002-checksum-version.js';
import { usedNonces } from '../src/storage/migrations/0003-used-nonces.js';
import { deviceSessionsEnded } from '../src/storage/migrations/0004-device-sessions-ended.js';
import type { Database as Schema, UsersTable } from '../src/storage/schema.js';
import { createTestDatabase } from './support/index.js';

/**
 * A database written by a server before migration 0005 (addresses and device names in clear, whole
 * client addresses in the security log) is converted when a current server opens it: accounts are
 * found by their lookup key, nothing personal is left in clear where columns are sealed, and the
 * log keeps networks only. The old state is made the way it arose: the first four migrations, then
 * rows written as the server of that time wrote them.
 */

const OLD_MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-checksum-version': checksumVersion,
  '0003-used-nonces': usedNonces,
  '0004-device-sessions-ended': deviceSessionsEnded,
};

/** The tables as they are now, except that rows written before 0005 had no lookup key. */
type Tables = Omit<Schema, 'users'> & { users: Omit<UsersTable, 'email_index'> & { email_index?: string } };

interface Adapter {
  name: string;
  /** Kysely on the database as the old server left it (closed by the caller). */
  old(): Promise<Kysely<Tables>>;
  /** The current storage on the same database. */
  open(): Promise<Storage>;
  /** Whether values are sealed column by column (PostgreSQL), or the file as a whole (SQLite). */
  sealsColumns: boolean;
  /** The ledger's data key as the old server stored it (wrapped by the master key), where there is one. */
  wrappedKey(ledgerId: string): string | null;
  cleanup(): Promise<void>;
}

function sqlite(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'kakeibo-personal-upgrade-'));
  const file = join(dir, 'old.db');
  const key = randomBytes(32);
  return {
    name: 'sqlite',
    async old() {
      const db = new Database(file);
      useSqlCipher(db, key);
      return new Kysely<Tables>({ dialect: new SqliteDialect({ database: db }) });
    },
    open: () => openSqliteStorage({ file, key }),
    sealsColumns: false,
    wrappedKey: () => null,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgres(): Adapter {
  let url = '';
  let drop = async () => {};
  const masterKey = randomBytes(32);
  return {
    name: 'postgres',
    async old() {
      if (!url) {
        const database = await createTestDatabase();
        url = database.url;
        drop = database.drop;
      }
      return new Kysely<Tables>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
      });
    },
    open: () => openPostgresStorage({ connectionString: url, masterKey, poolSize: 2 }),
    sealsColumns: true,
    wrappedKey: (ledgerId) => new LedgerKeys(masterKey).newWrappedKey(ledgerId).wrapped,
    cleanup: () => drop(),
  };
}

describe.each([sqlite, postgres])('personal data written before migration 0005 (%o)', (make) => {
  it('is converted on open: looked up by its key, sealed where columns are, networks only in the log', async () => {
    const adapter = make();
    try {
      const userId = uuidv7();
      const ledgerId = uuidv7();
      const email = `old-${randomBytes(4).toString('hex')}@example.test`;
      const at = new Date().toISOString();
      const old = await adapter.old();
      const { error } = await new Migrator({
        db: old,
        provider: { getMigrations: async () => OLD_MIGRATIONS },
      }).migrateToLatest();
      expect(error).toBeUndefined();
      await old
        .insertInto('users')
        .values({ id: userId, email, password_hash: 'argon2id$old', ledger_id: ledgerId, created_at: at })
        .execute();
      await old
        .insertInto('ledgers')
        .values({
          id: ledgerId,
          user_id: userId,
          head: 0,
          wrapped_key: adapter.wrappedKey(ledgerId),
          created_at: at,
          checksum_version: CHECKSUM_VERSION,
        })
        .execute();
      await old
        .insertInto('devices')
        .values({
          ledger_id: ledgerId,
          id: 'aaaaaaaaaaaaaaaa',
          user_id: userId,
          name: 'Hanako’s phone',
          platform: 'ios',
          public_key_jwk: '{}',
          alg: 'ed25519',
          created_at: at,
          last_seen_at: at,
        })
        .execute();
      for (const ip of ['198.51.100.23', '2001:db8:85a3:8d3:1319:8a2e:370:7348']) {
        await old
          .insertInto('audit_events')
          .values({
            ledger_id: ledgerId,
            id: uuidv7(),
            at,
            kind: 'auth.signin',
            ip,
            user_id: userId,
            detail: '{}',
          })
          .execute();
      }
      await old.destroy();

      const storage = await adapter.open();
      try {
        expect(await storage.findUserByEmail(` ${email.toUpperCase()} `)).toMatchObject({
          id: userId,
          email,
        });
        expect((await storage.listUsers()).map((u) => u.email)).toEqual([email]);
        expect(await storage.listDevices(ledgerId)).toMatchObject([
          { name: 'Hanako’s phone', platform: 'ios' },
        ]);
        const ips = (await storage.listAudit(ledgerId, 10)).map((e) => e.ip).sort();
        expect(ips).toEqual(['198.51.100.0', '2001:db8:85a3::']);
        // The address is still one account: signing up again with it is refused.
        await expect(
          storage.createUser({ id: uuidv7(), email, passwordHash: 'argon2id$new', ledgerId: uuidv7() }),
        ).rejects.toMatchObject({ code: 'auth.email_taken' });
      } finally {
        await storage.close();
      }

      const raw = await adapter.old();
      try {
        const user = await raw.selectFrom('users').selectAll().executeTakeFirstOrThrow();
        const device = await raw.selectFrom('devices').selectAll().executeTakeFirstOrThrow();
        expect(user.email_index).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(user.email_index).not.toContain(email);
        if (adapter.sealsColumns) {
          expect(user.email).toMatch(/^v1\./);
          expect([device.name, device.platform]).toEqual([
            expect.stringMatching(/^v1\./),
            expect.stringMatching(/^v1\./),
          ]);
        } else {
          expect([user.email, device.name]).toEqual([email, 'Hanako’s phone']);
        }
      } finally {
        await raw.destroy();
      }
    } finally {
      await adapter.cleanup();
    }
  });
});
