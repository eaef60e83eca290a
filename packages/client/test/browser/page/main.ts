import {
  indexedDbKeyVault,
  indexedDbStoreKey,
  type Kakeibo,
  openKakeiboBrowser,
  openWorkerDriver,
  type SyncStatus,
  type WorkerLike,
} from '../../../src/browser/index.js';
import { sqliteLocalStore } from '../../../src/store/local-store.js';
import type { LocalStore } from '../../../src/store/types.js';

/**
 * The test page: `window.kakeibo` exposes the SDK to browser.test.ts, which calls these helpers with
 * `page.evaluate`. Everything returned is plain data (Playwright serializes it back to Node).
 */
let kb: Kakeibo | null = null;
let nudges = 0;

function current(): Kakeibo {
  if (!kb) throw new Error('Call kakeibo.open() first.');
  return kb;
}

/** A failure as data: the KakeiboError code and message. */
async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { ok: false, code: code ?? 'unknown', message };
  }
}

type ExpenseInput = {
  amount: number;
  currency: string;
  date: string;
  categoryId?: string;
  payee: string;
  note: string;
};

/** Opens the SDK in this page (the one `current()` returns from then on). */
async function open(options: { deviceName: string; dbName?: string; resetUnreadable?: boolean }) {
  kb = await openKakeiboBrowser({ serverUrl: location.origin, ...options });
  // Count what the online hook does (it calls kb.nudge() when the browser is back online).
  const nudge = kb.nudge.bind(kb);
  kb.nudge = () => {
    nudges++;
    nudge();
  };
  return { deviceId: kb.deviceId, status: kb.status() };
}

const api = {
  /** Where the device key is: a non-extractable CryptoKey in IndexedDB, nothing in the store. */
  async keyStorage(dbName = 'kakeibo') {
    const keys = await indexedDbKeyVault(dbName).load();
    const store = (current() as unknown as { parts: { store: LocalStore } }).parts.store;
    return {
      inVault: keys !== null,
      extractable: keys?.privateKey.extractable ?? null,
      inStore: (await store.getMeta('device.key')) !== null,
    };
  },
  /** Where the store's sealing key is: a non-extractable AES-GCM CryptoKey in IndexedDB. */
  async storeKey(dbName = 'kakeibo') {
    const key = await indexedDbStoreKey(dbName).load();
    return key && { algorithm: (key.algorithm as { name: string }).name, extractable: key.extractable };
  },
  /** Deletes the IndexedDB database of device and store keys (what clearing part of the site data does). */
  forgetKeys: () =>
    new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('kakeibo-device-keys');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('the key database is still open'));
    }),
  /**
   * A plain SQLite database (no store, no sealer) holding `text`: what an unsealed value looks like in
   * the OPFS files, so a scan that finds nothing else is known to be able to find it.
   */
  async writePlain(dbName: string, text: string) {
    const worker = new Worker(new URL('../../../src/browser/worker.ts', import.meta.url), {
      type: 'module',
    }) as unknown as WorkerLike;
    const driver = await openWorkerDriver(worker, { name: dbName });
    await driver.exec('CREATE TABLE IF NOT EXISTS plain (text TEXT)');
    await driver.run('INSERT INTO plain (text) VALUES (?)', [text]);
    await driver.close();
  },
  /** open(), as data: the failure's code instead of a throw. */
  tryOpen: (options: { deviceName: string; dbName?: string; resetUnreadable?: boolean }) =>
    attempt(() => open(options)),
  open,
  /** A second SDK on the same store while this one has it open (what a second tab would do). */
  openAgain: (options: { deviceName: string; dbName?: string; lockWaitMs: number }) =>
    attempt(async () => {
      const other = await openKakeiboBrowser({ serverUrl: location.origin, ...options });
      await other.close();
      return other.deviceId;
    }),
  signUp: (email: string, password: string) => current().auth.signUp({ email, password }),
  signIn: (email: string, password: string) => current().auth.signIn({ email, password }),
  createCategory: (name: string) => current().categories.create({ name, kind: 'expense' }),
  createExpenses: (inputs: ExpenseInput[]) => current().expenses.createMany(inputs),
  updateExpense: (id: string, patch: Partial<ExpenseInput>) => current().expenses.update(id, patch),
  getExpense: (id: string) => current().expenses.get(id),
  expenses: async () => (await current().expenses.list({ limit: 1000 })).items,
  searchExpenses: async (search: string) => (await current().expenses.list({ search, limit: 1000 })).items,
  sync: () => attempt(() => current().sync()),
  status: (): SyncStatus => current().status(),
  nudges: () => nudges,
  online: () => navigator.onLine,
  /**
   * Many writes and reads at once, each its own store operation: with the operations serialized by
   * the driver, none joins another's transaction (SQLite would refuse a nested BEGIN).
   */
  async burst(count: number, date: string) {
    const k = current();
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => [
        k.expenses.create({ amount: 100 + i, currency: 'JPY', date, payee: `Burst ${i}`, note: '' }),
        k.expenses.list({ limit: 5 }),
        k.reports.spendingByCategory({ from: date, to: date }),
      ]).flat(),
    );
    const failures = results.flatMap((r) =>
      r.status === 'rejected' ? [String((r.reason as Error).message)] : [],
    );
    return { settled: results.length, failures };
  },
  /** The worker driver on its own, on a scratch database: isolation, savepoints, errors, values. */
  async driverChecks() {
    const worker = new Worker(new URL('../../../src/browser/worker.ts', import.meta.url), {
      type: 'module',
    }) as unknown as WorkerLike;
    const driver = await openWorkerDriver(worker, { name: 'driver-checks' });
    const store = sqliteLocalStore(driver);
    await store.migrate();
    await driver.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, n INTEGER, b BLOB); DELETE FROM t');

    // A transaction that fails once the store operations below were made while it was open.
    let began: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      began = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const doomed = driver.transaction(async (tx) => {
      await tx.run("INSERT INTO meta (key, value) VALUES ('uncommitted', 'x')");
      began();
      await gate;
      throw new Error('boom');
    });
    await inside;
    const during = Promise.all([
      store.getMeta('uncommitted'),
      store.setMeta('independent', 'kept').then(() => 'written'),
    ]);
    release();
    const [[seenDuring, written], failure] = await Promise.all([
      during,
      doomed.then(
        () => 'committed',
        (error: Error) => error.message,
      ),
    ]);

    // Savepoints: an inner failure undoes only the inner work.
    await driver.transaction(async (tx) => {
      await tx.run('INSERT INTO t (k, n) VALUES (?, ?)', ['outer', 1]);
      await tx
        .transaction(async (inner) => {
          await inner.run('INSERT INTO t (k, n) VALUES (?, ?)', ['inner', 2]);
          throw new Error('inner');
        })
        .catch(() => {});
    });

    const values = { big: 2n ** 60n, blob: new Uint8Array([0, 1, 254, 255]) };
    await driver.run('INSERT INTO t (k, n, b) VALUES (?, ?, ?)', ['values', values.big, values.blob]);
    const [row] = await driver.all<{ n: number | bigint; b: Uint8Array }>('SELECT n, b FROM t WHERE k = ?', [
      'values',
    ]);
    const sqlError = await driver.all('SELECT * FROM missing_table').then(
      () => null,
      (error: Error & { resultCode?: number }) => ({
        name: error.name,
        message: error.message,
        resultCode: error.resultCode,
      }),
    );
    const changes = await driver.run('UPDATE t SET n = n + 1 WHERE k IN (?, ?)', ['outer', 'values']);
    const keys = (await driver.all<{ k: string }>('SELECT k FROM t ORDER BY k')).map((r) => r.k);
    const result = {
      info: driver.info,
      failure,
      seenDuring,
      written,
      uncommittedAfter: await store.getMeta('uncommitted'),
      independentAfter: await store.getMeta('independent'),
      keys,
      bigintRoundTrip: typeof row?.n === 'bigint' && row.n === values.big,
      blob: Array.from(row?.b ?? []),
      sqlError,
      changes,
    };
    await store.close();
    const afterClose = await driver.all('SELECT 1').then(
      () => 'open',
      (error: { code?: string }) => error.code,
    );
    return { ...result, afterClose };
  },
  /** The top of this origin's private file system: where the store's SQLite files live. */
  async opfs() {
    const root = await navigator.storage.getDirectory();
    const entries: { name: string; kind: string; files?: number }[] = [];
    for await (const [name, handle] of root as unknown as AsyncIterable<[string, { kind: string }]>) {
      const entry: { name: string; kind: string; files?: number } = { name, kind: handle.kind };
      if (handle.kind === 'directory') {
        let files = 0;
        for await (const _ of handle as unknown as AsyncIterable<unknown>) files++;
        entry.files = files;
      }
      entries.push(entry);
    }
    return entries;
  },
  close: async () => {
    await kb?.close();
    kb = null;
  },
};

export type PageApi = typeof api;

Object.assign(globalThis, { kakeibo: api });
document.getElementById('state')?.replaceChildren('ready');
