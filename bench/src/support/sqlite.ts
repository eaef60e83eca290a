import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldValue, SnapshotRow } from '@kakeibo/core';
import { useSqlCipher } from '@kakeibo/server';
import Database from 'better-sqlite3-multiple-ciphers';
import { registerCleanup } from '../case.js';

/** A temporary directory, removed by `remove` (or by the runner, if its case is abandoned). */
export function tempDir(tag: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `kakeibo-bench-${tag}-`));
  const cleanup = registerCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, remove: () => void cleanup() };
}

/**
 * A SQLCipher file opened exactly as packages/server/src/storage/sqlite.ts opens the server's:
 * sqlcipher cipher, legacy=4, a raw 32-byte key, WAL, synchronous NORMAL. (The Node SDK's own store
 * uses AEGIS-256: `@kakeibo/client/node-store-file` opens one of those.)
 */
export function openCipherDatabase(file: string, key: Buffer = randomBytes(32)): Database.Database {
  const db = new Database(file);
  useSqlCipher(db, key);
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** The same file without any encryption: what the brief's "raw SQLite" floor is. */
export function openPlainDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * A minimal local store: expenses as columns (what queries read) plus each field's HLC stamp (what
 * later merges need), indexed by date for the list screen. Stamps are kept compactly, as the server
 * keeps them: the stamp most fields share, and only the fields whose stamp differs. Rows of other
 * tables are kept as JSON.
 */
export function createLocalSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE expenses (
      id TEXT PRIMARY KEY,
      amount INTEGER,
      currency TEXT,
      date TEXT,
      category_id TEXT,
      payee TEXT,
      note TEXT,
      payment_method TEXT,
      tags TEXT,
      receipt_id TEXT,
      inventory_item_id TEXT,
      created_at TEXT,
      deleted INTEGER NOT NULL DEFAULT 0,
      stamp TEXT NOT NULL,
      field_stamps TEXT
    );
    CREATE INDEX expenses_by_date ON expenses (date, id);
    CREATE TABLE other_rows (tbl TEXT NOT NULL, row_id TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (tbl, row_id));
  `);
}

export const INSERT_EXPENSE = `INSERT OR REPLACE INTO expenses
  (id, amount, currency, date, category_id, payee, note, payment_method, tags, receipt_id, inventory_item_id, created_at, deleted, stamp, field_stamps)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export type ExpenseTuple = [
  id: string,
  amount: number | null,
  currency: string | null,
  date: string | null,
  categoryId: string | null,
  payee: string | null,
  note: string | null,
  paymentMethod: string | null,
  tags: string | null,
  receiptId: string | null,
  inventoryItemId: string | null,
  createdAt: string | null,
  deleted: number,
  stamp: string,
  fieldStamps: string | null,
];

const text = (v: FieldValue | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: FieldValue | undefined): number | null => (typeof v === 'number' ? v : null);

/** An expense (its field values and the stamp of each) as the row the local table stores. */
export function expenseTuple(
  id: string,
  fields: Record<string, { value: FieldValue; stamp: string }>,
): ExpenseTuple {
  // The row's main stamp is that of most fields (usually all: the op that created the row).
  const counts = new Map<string, number>();
  let stamp = '';
  let best = 0;
  for (const { stamp: s } of Object.values(fields)) {
    const n = (counts.get(s) ?? 0) + 1;
    counts.set(s, n);
    if (n > best) {
      best = n;
      stamp = s;
    }
  }
  const others: Record<string, string> = {};
  let differing = 0;
  for (const [field, state] of Object.entries(fields)) {
    if (state.stamp === stamp) continue;
    others[field] = state.stamp;
    differing += 1;
  }
  const tags = fields.tags?.value;
  return [
    id,
    num(fields.amount?.value),
    text(fields.currency?.value),
    text(fields.date?.value),
    text(fields.categoryId?.value),
    text(fields.payee?.value),
    text(fields.note?.value),
    text(fields.paymentMethod?.value),
    Array.isArray(tags) ? JSON.stringify(tags) : null,
    text(fields.receiptId?.value),
    text(fields.inventoryItemId?.value),
    text(fields.createdAt?.value),
    fields.deleted?.value === true ? 1 : 0,
    stamp,
    differing > 0 ? JSON.stringify(others) : null,
  ];
}

/**
 * Applies snapshot pages to the local store, one transaction per page. WAL auto-checkpoints are
 * paused while it runs and one checkpoint is made at the end (`finish`): checkpointing after every
 * page-sized commit costs more than the inserts themselves (measured: 100 commits of 1,000 rows take
 * ~3.5 s with auto-checkpoints, ~1.7 s + 0.4 s final checkpoint without).
 */
export class SnapshotApplier {
  private readonly insertExpense: Database.Statement;
  private readonly insertOther: Database.Statement;
  readonly applyPage: (rows: readonly SnapshotRow[]) => void;

  constructor(private readonly db: Database.Database) {
    db.pragma('wal_autocheckpoint = 0');
    this.insertExpense = db.prepare(INSERT_EXPENSE);
    this.insertOther = db.prepare('INSERT OR REPLACE INTO other_rows (tbl, row_id, fields) VALUES (?, ?, ?)');
    this.applyPage = db.transaction((rows: readonly SnapshotRow[]) => {
      for (const row of rows) {
        if (row.table === 'expenses') this.insertExpense.run(expenseTuple(row.rowId, row.fields));
        else this.insertOther.run(row.table, row.rowId, JSON.stringify(row.fields));
      }
    });
  }

  /** Folds the write-ahead log into the database file and restores the default auto-checkpoint. */
  finish(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}
