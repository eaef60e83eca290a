import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoggedOp, type Op, uuidv7 } from '@kakeibo/core';
import { Kakeibo } from '../../src/kakeibo.js';
import { openNodeDriver } from '../../src/node/driver.js';
import { sqliteLocalStore } from '../../src/store/local-store.js';
import { aesGcmSealer, generateSealerKey } from '../../src/store/sealer.js';
import type {
  FieldSealer,
  LocalStore,
  SqlDriver,
  SqlRunner,
  SqlTransaction,
  SqlValue,
} from '../../src/store/types.js';

export interface TestStore {
  store: LocalStore;
  driver: SqlDriver;
  dir: string;
  file: string;
  key: Uint8Array;
  /** The store's sealer (undefined when its values are stored as they are). */
  sealer: FieldSealer | undefined;
}

/**
 * The two ways the SQLite store keeps values, which the shared store suites run in: as they are
 * (Node: the SQLCipher file is encrypted whole) and sealed field by field (browsers), here with the
 * browsers' AES-GCM sealer and a key made with Node's WebCrypto.
 */
export const STORE_MODES = [
  { mode: 'unsealed (as in Node)', sealed: false },
  { mode: 'sealed (as in browsers)', sealed: true },
] as const;

export const newSealer = async (): Promise<FieldSealer> => aesGcmSealer(await generateSealerKey());

/**
 * Real encrypted SQLite files in a fresh temporary directory per store, sealed or not as the suite's
 * mode says. `cleanup()` closes every store opened since the last cleanup and removes the directories.
 */
export class TestStores {
  private readonly open: TestStore[] = [];
  private readonly devices: Kakeibo[] = [];
  private readonly dirs: string[] = [];

  constructor(private readonly mode: { sealed: boolean } = { sealed: false }) {}

  /**
   * `sealer`: the one to open with (pass a store's own to reopen it), `null` for none; by default a
   * new one in sealed mode and none otherwise.
   */
  async create(
    options: { file?: string; key?: Uint8Array; sealer?: FieldSealer | null } = {},
  ): Promise<TestStore> {
    let file = options.file;
    let dir: string;
    if (file === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'kakeibo-store-'));
      this.dirs.push(dir);
      file = join(dir, 'data', 'store.db');
    } else dir = join(file, '..');
    const key = options.key ?? new Uint8Array(randomBytes(32));
    const sealer =
      options.sealer === undefined
        ? this.mode.sealed
          ? await newSealer()
          : undefined
        : (options.sealer ?? undefined);
    const driver = await openNodeDriver({ file, key });
    const store = sqliteLocalStore(driver, { ...(sealer && { sealer }) });
    await store.migrate();
    const opened = { store, driver, dir, file, key, sealer };
    this.open.push(opened);
    return opened;
  }

  /** A directory removed at cleanup, for tests that open files themselves. */
  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kakeibo-store-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A device on a new store of this mode that never reaches a server (everything reads the local store). */
  async offline(options: { now?: () => number } = {}): Promise<Kakeibo> {
    const { store } = await this.create();
    const kb = await Kakeibo.create({
      serverUrl: 'http://127.0.0.1:9',
      deviceName: 'offline',
      store,
      ...options,
    });
    this.devices.push(kb);
    return kb;
  }

  async cleanup(): Promise<void> {
    for (const kb of this.devices.splice(0)) await kb.close().catch(() => undefined);
    for (const { store } of this.open.splice(0)) await store.close().catch(() => undefined);
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export const newRowId = (): string => uuidv7();

/** A row id that falls in checksum bucket `bucket` (the last hex digit of the id). */
export function rowIdInBucket(bucket: number): string {
  const id = uuidv7();
  return id.slice(0, -1) + bucket.toString(16);
}

/** Server log entries for ops, numbered from `from`. */
export const logged = (ops: readonly Op[], from = 1): LoggedOp[] =>
  ops.map((op, i) => ({ seq: from + i, op }));

/**
 * A driver whose every statement (top-level or inside a transaction, savepoints included) goes
 * through `hooks` first: each hook gets the statement and the runner to pass it on to.
 */
export function interceptDriver(
  driver: SqlDriver,
  hooks: {
    run?: (sql: string, params: readonly SqlValue[], next: SqlRunner) => Promise<{ changes: number }>;
    all?: (sql: string, params: readonly SqlValue[], next: SqlRunner) => Promise<unknown[]>;
  },
): SqlDriver {
  const wrap = <R extends SqlRunner>(next: R) => ({
    exec: (sql: string) => next.exec(sql),
    run: (sql: string, params: readonly SqlValue[] = []) =>
      hooks.run ? hooks.run(sql, params, next) : next.run(sql, params),
    all: <T>(sql: string, params: readonly SqlValue[] = []) =>
      (hooks.all ? hooks.all(sql, params, next) : next.all(sql, params)) as Promise<T[]>,
  });
  const wrapTx = (tx: SqlTransaction): SqlTransaction => ({
    ...wrap(tx),
    transaction: (fn) => tx.transaction((inner) => fn(wrapTx(inner))),
  });
  return {
    ...wrap(driver),
    transaction: (fn) => driver.transaction((tx) => fn(wrapTx(tx))),
    ...(driver.bulkLoad && { bulkLoad: driver.bulkLoad.bind(driver) }),
    close: () => driver.close(),
  };
}

/** A driver that passes everything through and keeps every SELECT it ran, with its parameters. */
export function recordSelects(driver: SqlDriver): {
  recording: SqlDriver;
  seen: Array<{ sql: string; params: readonly SqlValue[] }>;
} {
  const seen: Array<{ sql: string; params: readonly SqlValue[] }> = [];
  const recording = interceptDriver(driver, {
    all: (sql, params, next) => {
      if (sql.trimStart().startsWith('SELECT')) seen.push({ sql, params });
      return next.all(sql, params);
    },
  });
  return { recording, seen };
}
