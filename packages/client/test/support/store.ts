import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildOp,
  type FieldValue,
  HybridClock,
  type LoggedOp,
  newDeviceId,
  type Op,
  parseOp,
  type RowState,
  type TableName,
  uuidv7,
} from '@kakeibo/core';
import { SqliteLocalStore } from '../../src/store/local-store.js';
import { openNodeDriver } from '../../src/store/node-driver.js';
import type { SqlDriver } from '../../src/store/types.js';

export interface TestStore {
  store: SqliteLocalStore;
  driver: SqlDriver;
  dir: string;
  file: string;
  key: Uint8Array;
}

/**
 * Real encrypted SQLite files in a fresh temporary directory per store. `cleanup()` closes every
 * store opened since the last cleanup and removes the directories.
 */
export class TestStores {
  private readonly open: TestStore[] = [];
  private readonly dirs: string[] = [];

  async create(options: { file?: string; key?: Uint8Array } = {}): Promise<TestStore> {
    let file = options.file;
    let dir: string;
    if (file === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'kakeibo-store-'));
      this.dirs.push(dir);
      file = join(dir, 'data', 'store.db');
    } else dir = join(file, '..');
    const key = options.key ?? new Uint8Array(randomBytes(32));
    const driver = await openNodeDriver({ file, key });
    const store = new SqliteLocalStore(driver);
    await store.migrate();
    const opened = { store, driver, dir, file, key };
    this.open.push(opened);
    return opened;
  }

  /** A directory removed at cleanup, for tests that open files themselves. */
  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kakeibo-store-'));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const { store } of this.open.splice(0)) await store.close().catch(() => undefined);
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

const BASE_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);

/**
 * A simulated device: its own clock (time moved by hand) and its own view of the rows, so the ops it
 * builds carry the `prev` stamps a real device would send.
 */
export class TestDevice {
  readonly id = newDeviceId();
  readonly clock: HybridClock;
  private readonly rows = new Map<string, RowState>();
  time: number;

  constructor(skewMs = 0) {
    this.time = BASE_TIME + skewMs;
    this.clock = new HybridClock(this.id, { now: () => this.time });
  }

  advance(ms: number): this {
    this.time += ms;
    return this;
  }

  /** A validated op (parseOp, exactly as the client does before it stores one). */
  edit(table: TableName, rowId: string, fields: Record<string, FieldValue>): Op {
    const op = parseOp(buildOp(this.clock, table, rowId, fields, this.rows.get(`${table}/${rowId}`)));
    this.see(op);
    return op;
  }

  /** Takes in another device's op: our view of the row and our clock move on. */
  see(op: Op): void {
    if (op.deviceId !== this.id) this.clock.receive(op.stamp);
    const key = `${op.table}/${op.rowId}`;
    const row: RowState = { ...this.rows.get(key) };
    for (const [field, value] of Object.entries(op.fields)) {
      const current = row[field];
      if (!current || op.stamp > current.stamp) row[field] = { value, stamp: op.stamp };
    }
    this.rows.set(key, row);
  }
}

export const newRowId = (): string => uuidv7();

/** A row id that falls in checksum bucket `bucket` (the last hex digit of the id). */
export function rowIdInBucket(bucket: number): string {
  const id = uuidv7();
  return id.slice(0, -1) + bucket.toString(16);
}

export function expenseFields(overrides: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    createdAt: '2026-01-15T09:00:00.000Z',
    deleted: false,
    amount: 1200,
    currency: 'JPY',
    date: '2026-01-15',
    categoryId: null,
    payee: 'Bakery',
    note: '',
    paymentMethod: 'card',
    tags: [],
    receiptId: null,
    inventoryItemId: null,
    ...overrides,
  };
}

/** Server log entries for ops, numbered from `from`. */
export const logged = (ops: readonly Op[], from = 1): LoggedOp[] =>
  ops.map((op, i) => ({ seq: from + i, op }));
