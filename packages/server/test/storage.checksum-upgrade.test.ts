import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackedRow, type Op, type PackedRowMessage, rowStateOf, unpackRow, uuidv7 } from '@kakeibo/core';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStorage, openSqliteStorage, type Storage, useSqlCipher } from '../src/storage/index.js';
import {
  createTestDatabase,
  exampleExpense,
  firstPackedForm,
  newAccount,
  newExpenses,
  OpWriter,
  Reference,
  type TestDatabase,
} from './support/index.js';

/**
 * A ledger whose checksum buckets were summed with an older field hash (stored before the definition
 * changed) has them recomputed from its rows the first time they are used, by a checksum read or by
 * an append, on both databases. The old state is made the only way it can arise: by the database
 * itself saying version 1, over a raw connection, with sums that are not those of the current hash.
 */

/** Raw SQL on the storage's own database, behind the storage's back. */
interface RawDatabase {
  run(sql: string, params?: unknown[]): Promise<void>;
  value(sql: string, params?: unknown[]): Promise<unknown>;
  all(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

interface Adapter {
  name: string;
  open(): Promise<Storage>;
  raw(): Promise<RawDatabase & { close(): Promise<void> }>;
  cleanup(): Promise<void>;
}

function sqliteAdapter(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), 'kakeibo-checksum-upgrade-'));
  const file = join(dir, 'upgrade.db');
  const key = randomBytes(32);
  return {
    name: 'sqlite',
    open: () => openSqliteStorage({ file, key }),
    async raw() {
      const db = new Database(file);
      useSqlCipher(db, key);
      return {
        run: async (sql, params = []) => {
          db.prepare(sql).run(...params);
        },
        value: async (sql, params = []) =>
          db
            .prepare(sql)
            .pluck()
            .get(...params),
        all: async (sql, params = []) => db.prepare(sql).all(...params) as Array<Record<string, unknown>>,
        close: async () => {
          db.close();
        },
      };
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresAdapter(): Adapter {
  let database: TestDatabase | undefined;
  const masterKey = randomBytes(32);
  const url = () => (database as TestDatabase).url;
  return {
    name: 'postgres',
    async open() {
      database ??= await createTestDatabase();
      return openPostgresStorage({ connectionString: url(), masterKey, poolSize: 2 });
    },
    async raw() {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      // pg numbers its parameters; the statements below are written with `?`.
      const numbered = (sql: string) => {
        let n = 0;
        return sql.replace(/\?/g, () => `$${++n}`);
      };
      return {
        run: async (sql, params = []) => {
          await client.query(numbered(sql), params);
        },
        value: async (sql, params = []) =>
          Object.values((await client.query(numbered(sql), params)).rows[0] ?? {})[0],
        all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
        close: () => client.end(),
      };
    },
    cleanup: async () => database?.drop(),
  };
}

const adapters = [sqliteAdapter(), postgresAdapter()];
afterAll(async () => {
  for (const adapter of adapters) await adapter.cleanup();
});

/** Puts the ledger back as a server before the change left it: version 1, sums of another hash. */
async function asVersionOne(adapter: Adapter, ledgerId: string): Promise<void> {
  const raw = await adapter.raw();
  try {
    await raw.run('UPDATE ledgers SET checksum_version = 1 WHERE id = ?', [ledgerId]);
    await raw.run('UPDATE checksum_buckets SET hi = (hi + 12345) % 4294967296 WHERE ledger_id = ?', [
      ledgerId,
    ]);
    // A bucket the rows do not have: a recompute must drop it, not only overwrite the others.
    await raw.run(
      "INSERT INTO checksum_buckets (ledger_id, tbl, bucket, hi, lo, fields) VALUES (?, 'income', 3, 7, 7, 1)",
      [ledgerId],
    );
  } finally {
    await raw.close();
  }
}

async function versionOf(adapter: Adapter, ledgerId: string): Promise<number> {
  const raw = await adapter.raw();
  try {
    return Number(await raw.value('SELECT checksum_version FROM ledgers WHERE id = ?', [ledgerId]));
  } finally {
    await raw.close();
  }
}

/** Over a thousand rows (the recompute pages by 1,000), some edited later by another writer. */
function ledgerOps(): { ops: Op[]; writer: OpWriter } {
  const writer = new OpWriter();
  const ops = newExpenses(writer, 1_100);
  const other = new OpWriter();
  other.see(ops);
  for (const op of ops.slice(0, 40))
    ops.push(other.edit('expenses', op.rowId, { amount: 77, note: 'later' }));
  ops.push(other.edit('expenses', ops[1]?.rowId as string, { deleted: true }));
  return { ops, writer };
}

/**
 * A ledger of ledgerOps(), closed and put back to version 1 (asVersionOne), with whatever else an
 * older server left (`older`, over a raw connection), then opened again.
 */
async function upgradedLedger(
  adapter: Adapter,
  older: (raw: RawDatabase, ledgerId: string) => Promise<void> = async () => {},
) {
  const before = await adapter.open();
  const { ledgerId } = await newAccount(before);
  expect(await versionOf(adapter, ledgerId)).toBe(2);
  const { ops, writer } = ledgerOps();
  await before.appendOps(ledgerId, ops);
  const reference = new Reference();
  reference.push(ops);
  await before.close();
  const raw = await adapter.raw();
  try {
    await older(raw, ledgerId);
  } finally {
    await raw.close();
  }
  await asVersionOne(adapter, ledgerId);
  return { storage: await adapter.open(), ledgerId, ops, writer, reference };
}

describe.each(adapters)('checksums of an older field hash, $name', (adapter) => {
  it('are recomputed from the rows at the first checksum read, then kept current by appends', async () => {
    const { storage, ledgerId, ops, writer, reference } = await upgradedLedger(adapter);
    try {
      expect(await storage.checksum(ledgerId)).toEqual({
        seq: ops.length,
        buckets: reference.replica.checksum.toBuckets(),
      });
      expect(await versionOf(adapter, ledgerId)).toBe(2);

      const more = [writer.edit('expenses', uuidv7(), exampleExpense({ payee: 'After the upgrade' }))];
      await storage.appendOps(ledgerId, more);
      reference.push(more);
      expect((await storage.checksum(ledgerId)).buckets).toEqual(reference.replica.checksum.toBuckets());
    } finally {
      await storage.close();
    }
  });

  it('are recomputed before an append adds its changes, when the append comes first', async () => {
    const { storage, ledgerId, ops, writer, reference } = await upgradedLedger(adapter);
    try {
      const edit = [writer.edit('expenses', ops[0]?.rowId as string, { amount: 4_200 })];
      await storage.appendOps(ledgerId, edit);
      reference.push(edit);
      expect(await versionOf(adapter, ledgerId)).toBe(2);
      expect((await storage.checksum(ledgerId)).buckets).toEqual(reference.replica.checksum.toBuckets());
    } finally {
      await storage.close();
    }
  });

  it('are recomputed once and kept exact when appends and checksum reads race for them', async () => {
    const { storage, ledgerId, ops, reference } = await upgradedLedger(adapter);
    try {
      // Writers that have seen the ledger, each editing rows of its own: no two touch one row.
      const writers = [0, 1, 2, 3].map(() => {
        const w = new OpWriter();
        w.see(ops);
        return w;
      });
      const batches = writers.map((w, i) =>
        ops.slice(i * 10, i * 10 + 10).map((op) => w.edit('expenses', op.rowId, { amount: 1_000 + i })),
      );
      await Promise.all([
        ...batches.map((batch) => storage.appendOps(ledgerId, batch)),
        storage.checksum(ledgerId),
        storage.checksum(ledgerId),
      ]);
      for (const batch of batches) reference.push(batch);
      expect(await versionOf(adapter, ledgerId)).toBe(2);
      expect(await storage.checksum(ledgerId)).toEqual({
        seq: ops.length + 40,
        buckets: reference.replica.checksum.toBuckets(),
      });
    } finally {
      await storage.close();
    }
  });

  it('are left alone when the ledger says they follow the current hash', async () => {
    const storage = await adapter.open();
    const { ledgerId } = await newAccount(storage);
    const { ops } = ledgerOps();
    await storage.appendOps(ledgerId, ops);
    const before = await storage.checksum(ledgerId);
    await storage.close();

    // The same tampering without the version: nothing is recomputed (no rows are read for it).
    const raw = await adapter.raw();
    try {
      await raw.run('UPDATE checksum_buckets SET fields = fields + 1 WHERE ledger_id = ?', [ledgerId]);
    } finally {
      await raw.close();
    }
    const reopened = await adapter.open();
    try {
      const after = await reopened.checksum(ledgerId);
      expect(after.buckets.map((b) => b.fields)).toEqual(before.buckets.map((b) => b.fields + 1));
    } finally {
      await reopened.close();
    }
  });
});

describe('rows an older SQLite server stored in the first packed form ({ s, f })', () => {
  const adapter = adapters[0] as Adapter;

  it('are read, summed, sent as stored, and written in the flat form once an append changes them', async () => {
    // Values are stored as they are on SQLite (the file is encrypted whole), so the old text can be
    // written back exactly as an older server wrote it.
    const firstForm = async (raw: RawDatabase, ledgerId: string) => {
      const stored = await raw.all(
        "SELECT row_id, fields FROM entity_rows WHERE ledger_id = ? AND tbl = 'expenses'",
        [ledgerId],
      );
      for (const { row_id, fields } of stored) {
        await raw.run(
          "UPDATE entity_rows SET fields = ? WHERE ledger_id = ? AND tbl = 'expenses' AND row_id = ?",
          [firstPackedForm(unpackRow(String(fields))), ledgerId, row_id],
        );
      }
    };
    const { storage, ledgerId, ops, writer, reference } = await upgradedLedger(adapter, firstForm);
    try {
      expect((await storage.checksum(ledgerId)).buckets).toEqual(reference.replica.checksum.toBuckets());
      const first = ops[0] as Op;
      expect(await storage.getRow(ledgerId, 'expenses', first.rowId)).toEqual(
        reference.replica.row('expenses', first.rowId),
      );
      const page = await storage.readSnapshot(ledgerId, null, 50);
      const expense = page.find((r) => r.table === 'expenses') as PackedRowMessage;
      expect(expense.packed.startsWith('{"s":')).toBe(true);
      expect(rowStateOf(checkPackedRow('expenses', expense.rowId, expense.packed))).toEqual(
        reference.replica.row('expenses', expense.rowId),
      );

      const edit = [
        writer.advance(60_000).edit('expenses', first.rowId, { note: 'edited after the upgrade' }),
      ];
      await storage.appendOps(ledgerId, edit);
      reference.push(edit);
      expect(await storage.getRow(ledgerId, 'expenses', first.rowId)).toEqual(
        reference.replica.row('expenses', first.rowId),
      );
      expect((await storage.checksum(ledgerId)).buckets).toEqual(reference.replica.checksum.toBuckets());
      const again = await storage.readSnapshot(ledgerId, null, 1_000);
      expect(again.find((r) => r.rowId === first.rowId)?.packed.startsWith('[[')).toBe(true);
    } finally {
      await storage.close();
    }
  });
});
