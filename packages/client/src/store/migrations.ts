import { KakeiboError } from '@kakeibo/core';
import type { SqlDriver, SqlRunner } from './driver.js';

export interface Migration {
  /** 1, 2, 3, …: after it has run, `PRAGMA user_version` equals this. */
  version: number;
  name: string;
  /** Plain SQLite SQL, no extensions: it runs unchanged on better-sqlite3 and the official WASM build. */
  sql: string;
}

/**
 * The local schema, append-only: a released migration is never edited, a change is a new entry.
 *
 * `rows` holds every synced row of every table (its fields, each with value and stamp, in `fields`)
 * plus columns derived from it for the queries the app runs all the time:
 * - `sort_date`: the row's calendar date (date, purchaseDate, startDate or openingDate; '' when none),
 * - `category_id`, and for expenses and income `amount` (integer minor units) and `currency`,
 * - `search`: the lower-cased free text (payee, source, name, note, notes) for substring search;
 *   always '' in a store with a sealer, which keeps no user text in clear.
 *
 * `fields` is the packed row text of core's row-codec.ts (`[[stamps], field, value, stampIndex, …]`,
 * each distinct stamp once; a row stored in the first form, `{ s, f }`, keeps it until rewritten),
 * well under half the size of the RowState JSON
 * (`{ field: { value, stamp } }`): a bootstrap is bounded by the bytes the cipher encrypts and writes.
 * With a sealer, `fields` and the other user-data values (outbox and rejected ops, conflict bodies,
 * meta values) are sealed BLOBs: SQLite keeps a BLOB as it is in a TEXT column, so one schema serves.
 *
 * It is an ordinary rowid table: the rows are a few hundred bytes of JSON (too wide to be stored
 * well inside a WITHOUT ROWID b-tree), and secondary index entries then point at an 8-byte rowid
 * instead of repeating the (tbl, row_id) key.
 *
 * One secondary index, `rows_by_date (tbl, sort_date, row_id, deleted, category_id, currency, amount)`,
 * serves both hot reads at 100,000 rows:
 * - "newest 50 of a table" walks it backwards from the keyset position (sort_date, row_id), already
 *   in page order, filtering deleted and category inside the index, so only the rows returned are
 *   read from the table (with or without deleted rows: no second index for the trash view);
 * - "a month of expenses by category" is one contiguous range of it (tbl, sort_date between two
 *   dates) and never touches the table: the index covers deleted, category, currency and amount.
 * A second index for the report (deleted first) would save skipping the rare deleted entries, and
 * cost every write another b-tree to update, encrypt and write.
 */
/**
 * Migration 5's triggers (see there): a row's account sides added to their month's sums (sign 1,
 * its `new` values) or taken out (sign -1, its `old` values). Part of a released migration's text:
 * never edit it; a change is a new migration.
 */
const accountMonthLines = (row: 'old' | 'new', sign: 1 | -1) => `
INSERT INTO account_months (account_id, tbl, currency, month, amount, n)
  SELECT ${row}.account_id, ${row}.tbl, ${row}.currency, substr(${row}.sort_date, 1, 7), ${sign} * ${row}.amount, ${sign}
  WHERE ${row}.account_id IS NOT NULL AND ${row}.deleted = 0
    AND ${row}.currency IS NOT NULL AND ${row}.amount IS NOT NULL
  ON CONFLICT (account_id, tbl, currency, month) DO UPDATE SET amount = amount + excluded.amount, n = n + excluded.n;
INSERT INTO account_months (account_id, tbl, currency, month, amount, n)
  SELECT ${row}.to_account_id, 'transfers_in', ${row}.to_currency, substr(${row}.sort_date, 1, 7),
         ${sign} * ${row}.to_amount, ${sign}
  WHERE ${row}.to_account_id IS NOT NULL AND ${row}.deleted = 0
    AND ${row}.to_currency IS NOT NULL AND ${row}.to_amount IS NOT NULL
  ON CONFLICT (account_id, tbl, currency, month) DO UPDATE SET amount = amount + excluded.amount, n = n + excluded.n;`;

const names = (row: 'old' | 'new') => `${row}.account_id IS NOT NULL OR ${row}.to_account_id IS NOT NULL`;

const ACCOUNT_MONTH_TRIGGERS = `
CREATE TRIGGER account_months_added AFTER INSERT ON rows WHEN ${names('new')} BEGIN
${accountMonthLines('new', 1)}
END;
CREATE TRIGGER account_months_removed AFTER DELETE ON rows WHEN ${names('old')} BEGIN
${accountMonthLines('old', -1)}
END;
CREATE TRIGGER account_months_rewritten AFTER UPDATE ON rows WHEN ${names('old')} OR ${names('new')} BEGIN
${accountMonthLines('old', -1)}
${accountMonthLines('new', 1)}
END;`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE rows (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  fields TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  sort_date TEXT NOT NULL DEFAULT '',
  category_id TEXT,
  amount INTEGER,
  currency TEXT,
  search TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tbl, row_id)
);
CREATE INDEX rows_by_date ON rows (tbl, sort_date, row_id, deleted, category_id, currency, amount);

CREATE TABLE outbox (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  op_id TEXT NOT NULL UNIQUE,
  op TEXT NOT NULL
);

CREATE TABLE rejected_ops (
  op_id TEXT PRIMARY KEY,
  op TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  at TEXT NOT NULL
);

CREATE TABLE conflicts (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  body TEXT NOT NULL,
  dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conflicts_by_seq ON conflicts (dismissed, seq);

CREATE TABLE checksum_buckets (
  tbl TEXT NOT NULL,
  bucket INTEGER NOT NULL CHECK (bucket BETWEEN 0 AND 15),
  hi INTEGER NOT NULL,
  lo INTEGER NOT NULL,
  fields INTEGER NOT NULL,
  PRIMARY KEY (tbl, bucket)
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'outbox size',
    // How many ops wait, kept by SQLite itself on every insert and delete: a status read at start-up
    // is then one row, where counting 100,000 queued ops read the whole op_id index (hundreds of ms
    // in a browser, cold). Triggers, not code in each writer, so no write path can miss it.
    sql: `
CREATE TABLE outbox_size (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ops INTEGER NOT NULL
);
INSERT INTO outbox_size (id, ops) SELECT 1, count(*) FROM outbox;
CREATE TRIGGER outbox_added AFTER INSERT ON outbox BEGIN
  UPDATE outbox_size SET ops = ops + 1 WHERE id = 1;
END;
CREATE TRIGGER outbox_removed AFTER DELETE ON outbox BEGIN
  UPDATE outbox_size SET ops = ops - 1 WHERE id = 1;
END;
`,
  },
  {
    version: 3,
    name: 'accounts',
    // What balances sum, as columns of `rows` like amount and currency: the account an expense or
    // income belongs to or a transfer leaves, and a transfer's receiving side. Rows stored before
    // accounts existed name none, so they need no backfill. Each index is partial (rows without an
    // account add nothing to it) and covers its balance query, so balances never read the table.
    sql: `
ALTER TABLE rows ADD COLUMN account_id TEXT;
ALTER TABLE rows ADD COLUMN to_account_id TEXT;
ALTER TABLE rows ADD COLUMN to_amount INTEGER;
ALTER TABLE rows ADD COLUMN to_currency TEXT;
CREATE INDEX rows_by_account ON rows (account_id, tbl, sort_date, deleted, currency, amount)
  WHERE account_id IS NOT NULL;
CREATE INDEX rows_by_receiving_account ON rows (to_account_id, sort_date, deleted, to_currency, to_amount)
  WHERE to_account_id IS NOT NULL;
`,
  },
  {
    version: 4,
    name: 'split entries',
    // How split expenses move the category totals (row-splits.ts): per split entry one line per part
    // (+ its amount under its category) and one line taking the parts back out of the entry's own
    // category. Reports add these lines to their sums over rows_by_date, so the hot index and its
    // queries stay as they are, and a ledger without splits reads an empty table. The lines are
    // derived, rewritten with their row; the triggers drop them whenever the row is rewritten or
    // removed (repair, erase), so no write path can leave stale ones behind.
    sql: `
CREATE TABLE row_splits (
  row_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  sort_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  category_id TEXT,
  amount INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (row_id, part)
) WITHOUT ROWID;
CREATE INDEX row_splits_by_date ON row_splits (sort_date, currency, category_id, amount, n);
CREATE TRIGGER row_splits_rewritten AFTER UPDATE OF fields ON rows WHEN old.tbl = 'expenses' BEGIN
  DELETE FROM row_splits WHERE row_id = old.row_id;
END;
CREATE TRIGGER row_splits_removed AFTER DELETE ON rows WHEN old.tbl = 'expenses' BEGIN
  DELETE FROM row_splits WHERE row_id = old.row_id;
END;
`,
  },
  {
    version: 5,
    name: 'account months',
    // Balances read per account and month sums instead of every entry: each full month between an
    // account's opening month and the day asked is one line here, and only those two months are
    // read from rows_by_account (accountTotals in reports.ts). SQLite keeps the sums itself, from
    // the derived columns' old and new values, on every insert, rewrite and removal of a row that
    // names an account, so no write path can miss one; rows without an account fire nothing.
    // 'transfers_in' holds the receiving side of transfers (to_account_id, to_currency, to_amount).
    sql: `
CREATE TABLE account_months (
  account_id TEXT NOT NULL,
  tbl TEXT NOT NULL,
  currency TEXT NOT NULL,
  month TEXT NOT NULL,
  amount INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (account_id, tbl, currency, month)
) WITHOUT ROWID;
INSERT INTO account_months (account_id, tbl, currency, month, amount, n)
  SELECT account_id, tbl, currency, substr(sort_date, 1, 7), SUM(amount), count(*) FROM rows
  WHERE account_id IS NOT NULL AND tbl IN ('expenses', 'income', 'transfers') AND deleted = 0
    AND currency IS NOT NULL AND amount IS NOT NULL
  GROUP BY account_id, tbl, currency, substr(sort_date, 1, 7);
INSERT INTO account_months (account_id, tbl, currency, month, amount, n)
  SELECT to_account_id, 'transfers_in', to_currency, substr(sort_date, 1, 7), SUM(to_amount), count(*)
  FROM rows WHERE to_account_id IS NOT NULL AND deleted = 0 AND to_currency IS NOT NULL AND to_amount IS NOT NULL
  GROUP BY to_account_id, to_currency, substr(sort_date, 1, 7);
${ACCOUNT_MONTH_TRIGGERS}
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The tables holding data, which the store's erase() empties (outbox_size is kept right by its
 * triggers as the outbox empties).
 */
export const STORE_TABLES = [
  'rows',
  'row_splits',
  'account_months',
  'outbox',
  'rejected_ops',
  'conflicts',
  'checksum_buckets',
  'meta',
] as const;

/**
 * Brings the database to SCHEMA_VERSION: every pending migration and the new user_version in one
 * transaction, so a crash leaves the old schema or the new one, never half of it. Returns the
 * version found before migrating. A database from a newer app version is refused, not touched.
 */
export async function runMigrations(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const latest = migrations.length;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const found = await userVersion(driver);
  if (found === latest) return found;
  return driver.transaction(async (tx) => {
    // Read again under the write lock: another connection may have migrated meanwhile.
    const current = await userVersion(tx);
    if (current > latest) {
      throw new KakeiboError(
        'store.too_new',
        `The local store was written by a newer version of Kakeibo (schema ${current}, this app knows ${latest}). Update the app.`,
      );
    }
    for (const migration of migrations.slice(current)) await tx.exec(migration.sql);
    // PRAGMA takes no parameters; the value is an integer from code.
    if (current < latest) await tx.exec(`PRAGMA user_version = ${latest}`);
    return current;
  });
}

async function userVersion(db: SqlRunner): Promise<number> {
  const [row] = await db.all<{ user_version: number }>('PRAGMA user_version');
  return Number(row?.user_version ?? 0);
}
