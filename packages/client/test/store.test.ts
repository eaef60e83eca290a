import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Conflict,
  type FieldValue,
  formatStamp,
  isKakeiboError,
  MemoryReplica,
  materializeRow,
  newDeviceId,
  type Op,
  type RowState,
  type SnapshotRow,
  StateChecksum,
  type TableName,
} from '@kakeibo/core';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { openNodeDriver } from '../src/node/driver.js';
import { openStoreDatabase } from '../src/node/store-file.js';
import {
  type LocalStore,
  META_KEYS,
  MIGRATIONS,
  runMigrations,
  SCHEMA_VERSION,
  type SqlDriver,
  type SqlRunner,
  type SqlValue,
  STORE_TABLES,
  sqliteLocalStore,
} from '../src/store/index.js';
import {
  exampleExpense,
  exampleIncome,
  exampleInventoryItem,
  logged,
  newRowId,
  newSealer,
  OpWriter,
  recordSelects,
  rowIdInBucket,
  STORE_MODES,
  TestStores,
} from './support/index.js';

/** A meta row written and read with plain SQL (the store's own setMeta seals values in the sealed mode). */
const setMeta = 'INSERT INTO meta (key, value) VALUES (?, ?)';
const plainMeta = async (driver: SqlDriver, key: string) =>
  (await driver.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]))[0]?.value ?? null;

/** The code of a KakeiboError a promise rejects with. */
async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isKakeiboError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** What core's StateChecksum says about a set of rows: the reference for the stored buckets. */
function checksumOf(rows: ReadonlyArray<{ table: string; rowId: string; row: RowState }>) {
  const sums = new StateChecksum();
  for (const { table, rowId, row } of rows) {
    for (const [field, { value, stamp }] of Object.entries(row))
      sums.apply(table, rowId, field, stamp, value, 1);
  }
  return sums.toBuckets();
}

async function count(driver: SqlDriver, table: string): Promise<number> {
  const [row] = await driver.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

function conflictAbout(
  rowId: string,
  device: OpWriter,
  field = 'amount',
  seq = 2,
  [winnerValue, loserValue]: [FieldValue, FieldValue] = [1300, 1200],
): Conflict & { seq: number } {
  const other = newDeviceId();
  const winner = formatStamp({ wallMs: device.time + 10, counter: 0, deviceId: device.id });
  const loser = formatStamp({ wallMs: device.time + 5, counter: 0, deviceId: other });
  return {
    id: `expenses/${rowId}/${field}/${loser}`,
    table: 'expenses',
    rowId,
    field,
    winner: { value: winnerValue, stamp: winner, deviceId: device.id },
    loser: { value: loserValue, stamp: loser, deviceId: other },
    seq,
  };
}

describe.each(STORE_MODES)('SqliteLocalStore, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  describe('node driver', () => {
    it('creates the file 0600 in a 0700 directory and refuses a wrong key', async () => {
      const { file, key, store, sealer } = await stores.create();
      await store.setMeta('hello', 'world');
      expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
      await store.close();

      const wrong = new Uint8Array(key);
      wrong[0] = (wrong[0] ?? 0) ^ 1;
      expect(await errorCode(openNodeDriver({ file, key: wrong }))).toBe('store.bad_key');
      expect(await errorCode(openNodeDriver({ file, key: new Uint8Array(16) }))).toBe('store.bad_key');

      const again = await stores.create({ file, key, sealer: sealer ?? null });
      expect(await again.store.getMeta('hello')).toBe('world');
    });

    it('converts a store written in the earlier SQLCipher format to AEGIS, keeping its data', async () => {
      const { file, key, store, sealer } = await stores.create();
      const device = new OpWriter();
      const rowId = newRowId();
      await store.applyLocal([device.edit('expenses', rowId, exampleExpense({ payee: 'Old format' }))]);
      await store.close();
      // The same file as the SDK wrote it before: SQLCipher 4 with its 4 KiB pages, the same raw key.
      // (Decrypted first: SQLite3 Multiple Ciphers changes no page size of an encrypted file.)
      const hex = Buffer.from(key).toString('hex');
      const raw = openStoreDatabase(file, key);
      raw.pragma('journal_mode = DELETE');
      raw.pragma("rekey=''");
      raw.pragma('page_size = 4096');
      raw.exec('VACUUM');
      expect(raw.pragma('page_size', { simple: true })).toBe(4096);
      raw.pragma("cipher='sqlcipher'");
      raw.pragma('legacy=4');
      raw.pragma(`rekey="x'${hex}'"`);
      raw.close();
      expect(() => openStoreDatabase(file, new Uint8Array(32))).toThrow(/key is wrong/);

      const again = await stores.create({ file, key, sealer: sealer ?? null });
      expect((await again.store.get('expenses', rowId))?.payee).toBe('Old format');
      expect(await again.store.outbox(10)).toHaveLength(1);
      await again.store.close();
      // Converted for good: SQLCipher no longer reads it, the AEGIS connection does.
      const legacy = new Database(file);
      legacy.pragma("cipher='sqlcipher'");
      legacy.pragma('legacy=4');
      legacy.pragma(`key="x'${hex}'"`);
      expect(() => legacy.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
      legacy.close();
      const current = openStoreDatabase(file, key);
      expect(current.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 1 });
      // An existing file keeps its page size; a new one gets the store's 16 KiB pages.
      expect(current.pragma('page_size', { simple: true })).toBe(4096);
      current.close();
      const fresh = openStoreDatabase(join(dirname(file), 'fresh.db'), key);
      expect(fresh.pragma('page_size', { simple: true })).toBe(16_384);
      fresh.close();
    });

    it('migrates idempotently: opening twice keeps the schema version and the data', async () => {
      const first = await stores.create();
      const device = new OpWriter();
      const rowId = newRowId();
      await first.store.applyLocal([device.edit('expenses', rowId, exampleExpense())]);
      await first.store.migrate();
      expect(await runMigrations(first.driver)).toBe(SCHEMA_VERSION);
      await first.store.close();

      const second = await stores.create({ file: first.file, key: first.key, sealer: first.sealer ?? null });
      await second.store.migrate();
      const [version] = await second.driver.all<{ user_version: number }>('PRAGMA user_version');
      expect(version?.user_version).toBe(SCHEMA_VERSION);
      const tables = await second.driver.all<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      );
      expect(tables.map((t) => t.name)).toEqual([
        'account_months',
        'checksum_buckets',
        'conflicts',
        'meta',
        'outbox',
        'outbox_size',
        'rejected_ops',
        'row_splits',
        'rows',
      ]);
      expect((await second.store.get('expenses', rowId))?.amount).toBe(1200);
      expect(await second.store.outboxCount()).toBe(1);
    });

    it('refuses a database written by a newer schema without touching it', async () => {
      const { driver, store } = await stores.create();
      await driver.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
      expect(await errorCode(store.migrate())).toBe('store.too_new');
      const [version] = await driver.all<{ user_version: number }>('PRAGMA user_version');
      expect(version?.user_version).toBe(SCHEMA_VERSION + 1);
    });

    it('never writes a canary payee in clear to the database, its WAL or its shared memory file', async () => {
      const canary = 'CANARY-Zq7xPayee-3f9c0e1d';
      const { file, store } = await stores.create();
      const device = new OpWriter();
      const rowId = newRowId();
      await store.applyLocal([
        device.edit('expenses', rowId, exampleExpense({ payee: canary, note: `note ${canary}` })),
      ]);
      await store.setMeta('last-payee', canary);
      // It is really stored (and findable)…
      expect((await store.get('expenses', rowId))?.payee).toBe(canary);
      expect((await store.list('expenses', { search: canary.toLowerCase() })).items.map((r) => r.id)).toEqual(
        [rowId],
      );

      const needles = [canary, canary.toLowerCase()].flatMap((s) => [
        Buffer.from(s, 'utf8'),
        Buffer.from(s, 'utf16le'),
      ]);
      const assertNoCanary = (path: string) => {
        const bytes = readFileSync(path);
        for (const needle of needles)
          expect(bytes.includes(needle), `${path} contains the canary`).toBe(false);
      };
      // …while the store is open, the data is in the WAL…
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) assertNoCanary(path);
      // …and after closing, it has been checkpointed into the database file.
      await store.close();
      for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) assertNoCanary(path);
      expect(statSync(file).size).toBeGreaterThan(4096);
    });

    it('serializes: a call made while a transaction is open waits for it and is not rolled back with it', async () => {
      const { driver, store } = await stores.create();
      let started!: () => void;
      const inside = new Promise<void>((resolve) => {
        started = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tx = driver.transaction(async (open) => {
        await open.run(setMeta, ['inside', 'uncommitted']);
        started();
        await gate;
        throw new Error('abort');
      });
      await inside;
      // Issued on the driver (and through the store) while the transaction is open and awaiting:
      // they must wait for it, not join it.
      const direct = driver.run(setMeta, ['direct', 'kept']);
      const write = store.setMeta('outside', 'kept');
      const read = plainMeta(driver, 'inside');
      const other = driver.transaction((second) => second.run(setMeta, ['second', 'tx']));
      release();
      await expect(tx).rejects.toThrow('abort');
      await Promise.all([direct, write, other]);
      expect(await read).toBeNull();
      expect(await plainMeta(driver, 'inside')).toBeNull();
      expect(await plainMeta(driver, 'direct')).toBe('kept');
      expect(await store.getMeta('outside')).toBe('kept');
      expect(await plainMeta(driver, 'second')).toBe('tx');
    });

    it('runs a nested transaction as a savepoint, and refuses a runner used after its transaction', async () => {
      const { driver } = await stores.create();
      let leaked: SqlRunner | undefined;
      await driver.transaction(async (tx) => {
        await tx.run(setMeta, ['outer', '1']);
        await expect(
          tx.transaction(async (inner) => {
            await inner.run(setMeta, ['inner', '1']);
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
        await tx.transaction((inner) => inner.run(setMeta, ['inner2', '1']));
        leaked = tx;
      });
      expect(await plainMeta(driver, 'outer')).toBe('1');
      expect(await plainMeta(driver, 'inner')).toBeNull();
      expect(await plainMeta(driver, 'inner2')).toBe('1');
      expect(await errorCode((leaked as SqlRunner).run(setMeta, ['late', '1']))).toBe('store.scope_ended');
      expect(await plainMeta(driver, 'late')).toBeNull();
    });

    it('binds and returns every SqlValue type', async () => {
      const { driver } = await stores.create();
      await driver.exec('CREATE TABLE t (a, b, c, d, e)');
      const blob = new Uint8Array([0, 1, 254, 255]);
      const { changes } = await driver.run('INSERT INTO t VALUES (?, ?, ?, ?, ?)', [
        'text',
        42,
        2n ** 40n,
        null,
        blob,
      ]);
      expect(changes).toBe(1);
      const [row] = await driver.all<Record<string, SqlValue>>('SELECT * FROM t');
      expect(row?.a).toBe('text');
      expect(row?.b).toBe(42);
      expect(row?.c).toBe(2 ** 40);
      expect(row?.d).toBeNull();
      expect(row?.e).toBeInstanceOf(Uint8Array);
      expect(Array.from(row?.e as Uint8Array)).toEqual(Array.from(blob));
    });
  });

  describe('local writes and the outbox', () => {
    it('stores the merged rows and the ops in the outbox, in order', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const a = newRowId();
      const b = newRowId();
      const ops = [
        device.edit('expenses', a, exampleExpense({ amount: 500 })),
        device.advance(10).edit('expenses', b, exampleExpense({ payee: 'Market' })),
        device.advance(10).edit('expenses', a, { amount: 650, note: 'with tip' }),
      ];
      await store.applyLocal(ops);

      const row = await store.rowState('expenses', a);
      expect(row?.amount).toEqual({ value: 650, stamp: ops[2]?.stamp });
      expect(row?.payee).toEqual({ value: 'Bakery', stamp: ops[0]?.stamp });
      expect(await store.get('expenses', a)).toEqual(materializeRow(a, row as RowState));
      expect((await store.get('expenses', a))?.note).toBe('with tip');
      expect(await store.rowState('expenses', newRowId())).toBeUndefined();
      expect(await store.get('expenses', newRowId())).toBeNull();

      const outbox = await store.outbox(10);
      expect(outbox.map((e) => e.op)).toEqual(ops);
      expect(outbox.map((e) => e.position)).toEqual([...outbox.map((e) => e.position)].sort((x, y) => x - y));
      expect(await store.outboxCount()).toBe(3);
      expect((await store.outbox(2)).map((e) => e.op.id)).toEqual([ops[0]?.id, ops[1]?.id]);

      const replica = new MemoryReplica();
      for (const op of ops) replica.apply(op);
      expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
    });

    it('is atomic: a failing op leaves neither its batch’s rows nor outbox entries', async () => {
      const { driver, store } = await stores.create();
      const device = new OpWriter();
      const kept = device.edit('expenses', newRowId(), exampleExpense());
      await store.applyLocal([kept]);
      const before = await store.checksum();

      const fresh = newRowId();
      const good = device.edit('expenses', fresh, exampleExpense({ amount: 1 }));
      const unknownTable = {
        ...device.edit('expenses', newRowId(), exampleExpense()),
        table: 'nope' as TableName,
      };
      expect(await errorCode(store.applyLocal([good, unknownTable]))).toBe('op.invalid');

      // A failure inside the transaction, after the rows were written: the repeated op id breaks the
      // outbox's uniqueness, and everything of the batch is rolled back.
      const other = device.edit('expenses', fresh, exampleExpense({ amount: 2 }));
      await expect(store.applyLocal([good, other, good], { 'clock.state': 'after' })).rejects.toThrow(
        /UNIQUE/,
      );
      expect(await store.getMeta('clock.state')).toBeNull();

      expect(await store.rowState('expenses', fresh)).toBeUndefined();
      expect((await store.outbox(10)).map((e) => e.op.id)).toEqual([kept.id]);
      expect(await count(driver, 'rows')).toBe(1);
      expect(await store.checksum()).toEqual(before);

      // With a batch that lands, its meta lands too.
      await store.applyLocal([good], { 'clock.state': 'after' });
      expect(await store.getMeta('clock.state')).toBe('after');
    });

    it('lands two concurrent applyLocal calls whole and in call order', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const first = [
        device.edit('expenses', newRowId(), exampleExpense()),
        device.edit('expenses', newRowId(), exampleExpense()),
      ];
      const second = [device.edit('income', newRowId(), { amount: 5, currency: 'JPY', date: '2026-01-02' })];
      const third = [device.edit('expenses', newRowId(), exampleExpense())];
      await Promise.all([store.applyLocal(first), store.applyLocal(second), store.applyLocal(third)]);
      expect((await store.outbox(10)).map((e) => e.op.id)).toEqual(
        [...first, ...second, ...third].map((op) => op.id),
      );
      for (const op of [...first, ...second, ...third])
        expect(await store.rowState(op.table, op.rowId)).toBeDefined();
    });

    it('acknowledges applied ops and keeps rejected ones with their reason', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const ops = [1, 2, 3, 4].map((n) => device.edit('expenses', newRowId(), exampleExpense({ amount: n })));
      await store.applyLocal(ops);
      const [o1, o2, o3, o4] = ops as [Op, Op, Op, Op];
      const at = '2026-01-15T10:00:00.000Z';
      await store.acknowledge(
        [o1.id, o3.id],
        [{ op: o2, code: 'clock.drift', message: 'Check the date and time.', at }],
      );

      expect((await store.outbox(10)).map((e) => e.op.id)).toEqual([o4.id]);
      expect(await store.outboxCount()).toBe(1);
      expect(await store.rejectedOps()).toEqual([
        { op: o2, code: 'clock.drift', message: 'Check the date and time.', at },
      ]);
      // Acknowledging again (a retried push answer) changes nothing.
      await store.acknowledge([o1.id, o3.id], []);
      expect(await store.outboxCount()).toBe(1);

      await store.acknowledge([], [{ op: o4, code: 'op.invalid', message: 'bad amount', at }]);
      expect(await store.outboxCount()).toBe(0);
      expect((await store.rejectedOps()).map((r) => [r.op.id, r.code])).toEqual([
        [o2.id, 'clock.drift'],
        [o4.id, 'op.invalid'],
      ]);
      await store.dismissRejected(o2.id);
      expect((await store.rejectedOps()).map((r) => r.op.id)).toEqual([o4.id]);
    });

    it('keeps the outbox count with every write, without counting rows, from any older schema', async () => {
      const { store, driver, sealer } = await stores.create();
      const device = new OpWriter();
      const ops = [1, 2, 3, 4, 5].map((n) =>
        device.edit('expenses', newRowId(), exampleExpense({ amount: n })),
      );
      await store.applyLocal(ops.slice(0, 3));
      expect(await store.outboxCount()).toBe(3);
      await store.applyLocal(ops.slice(3));
      expect(await store.outboxCount()).toBe(5);
      const [o1, o2, o3] = ops as [Op, Op, Op];
      const at = '2026-01-15T10:00:00.000Z';
      await store.acknowledge([o1.id, o2.id], [{ op: o3, code: 'op.invalid', message: 'no', at }]);
      expect(await store.outboxCount()).toBe(2);
      await store.acknowledge([o1.id, o2.id], []);
      expect(await store.outboxCount()).toBe(2);
      // A batch that fails rolls its count back with its rows.
      const again = device.edit('expenses', newRowId(), exampleExpense());
      await expect(store.applyLocal([again, again])).rejects.toThrow(/UNIQUE/);
      expect(await store.outboxCount()).toBe(2);

      // The count is read, not counted: no statement over the outbox.
      const { recording, seen } = recordSelects(driver);
      expect(await sqliteLocalStore(recording, { ...(sealer && { sealer }) }).outboxCount()).toBe(2);
      expect(seen.map((q) => q.sql).filter((sql) => /FROM outbox\b/.test(sql))).toEqual([]);

      // A store of schema 1 (no kept count) with ops waiting counts them once as it migrates.
      const old = await openNodeDriver({ file: join(stores.tempDir(), 'v1.db'), key: new Uint8Array(32) });
      try {
        await runMigrations(old, MIGRATIONS.slice(0, 1));
        for (const op of ops) await old.run('INSERT INTO outbox (op_id, op) VALUES (?, ?)', [op.id, '{}']);
        await runMigrations(old);
        expect(await old.all('SELECT ops FROM outbox_size')).toEqual([{ ops: 5 }]);
        await old.run('DELETE FROM outbox WHERE op_id = ?', [o1.id]);
        expect(await old.all('SELECT ops FROM outbox_size')).toEqual([{ ops: 4 }]);
      } finally {
        await old.close();
      }
    });

    it('keeps small key/value state', async () => {
      const { store } = await stores.create();
      expect(await store.getMeta('device.id')).toBeNull();
      await store.setMeta('device.id', 'abc');
      await store.setMeta('device.id', 'def');
      expect(await store.getMeta('device.id')).toBe('def');
      await store.setMeta('device.id', null);
      expect(await store.getMeta('device.id')).toBeNull();
    });
  });

  describe('pulled pages', () => {
    it('applies a page with its cursor, idempotently', async () => {
      const { store } = await stores.create();
      const phone = new OpWriter();
      const laptop = new OpWriter({ skewMs: 1_000 });
      const a = newRowId();
      const b = newRowId();
      const page1 = logged([
        phone.edit('expenses', a, exampleExpense({ amount: 100 })),
        laptop.edit('expenses', b, exampleExpense({ amount: 200 })),
        phone.advance(5).edit('categories', a, {
          name: 'Food',
          kind: 'expense',
          parentId: null,
          color: null,
          icon: null,
          archived: false,
        }),
      ]);

      const changed = await store.applyPulled(page1, [], 3);
      expect(Object.fromEntries(changed)).toEqual({ expenses: [a, b], categories: [a] });
      expect(await store.getMeta(META_KEYS.cursor)).toBe('3');
      const rows = await Promise.all([
        store.rowState('expenses', a),
        store.rowState('expenses', b),
        store.rowState('categories', a),
      ]);
      const sums = await store.checksum();

      // The same page again (a lost acknowledgement, a retried request): nothing changes.
      expect((await store.applyPulled(page1, [], 3)).size).toBe(0);
      expect(
        await Promise.all([
          store.rowState('expenses', a),
          store.rowState('expenses', b),
          store.rowState('categories', a),
        ]),
      ).toEqual(rows);
      expect(await store.checksum()).toEqual(sums);
      expect(await store.getMeta(META_KEYS.cursor)).toBe('3');

      const replica = new MemoryReplica();
      for (const { op } of page1) replica.apply(op as Op);
      expect(sums).toEqual(replica.checksum.toBuckets());
      expect(rows[0]).toEqual(replica.row('expenses', a));

      // Pulled ops do not enter the outbox.
      expect(await store.outboxCount()).toBe(0);
    });

    it('moves the cursor only together with its page', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const first = newRowId();
      await store.applyPulled(logged([device.edit('expenses', first, exampleExpense())]), [], 1);

      const second = newRowId();
      const page = logged([device.edit('expenses', second, exampleExpense())], 2);
      const broken = { ...conflictAbout(second, device), seq: null as unknown as number };
      // The rows are written before the conflicts fail: everything of the page is rolled back.
      await expect(store.applyPulled(page, [broken], 2)).rejects.toThrow();
      expect(await store.getMeta(META_KEYS.cursor)).toBe('1');
      expect(await store.rowState('expenses', second)).toBeUndefined();
      expect(await store.conflicts(true)).toEqual([]);

      const invalid = logged(
        [{ ...device.edit('expenses', newRowId(), exampleExpense()), table: 'nope' as TableName }],
        2,
      );
      expect(await errorCode(store.applyPulled(invalid, [], 2))).toBe('op.invalid');
      expect(await errorCode(store.applyPulled([], [], -1))).toBe('store.bad_cursor');
      expect(await store.getMeta(META_KEYS.cursor)).toBe('1');

      await store.applyPulled(page, [], 2);
      expect(await store.getMeta(META_KEYS.cursor)).toBe('2');
    });
  });

  describe('conflicts', () => {
    it('stores the server’s conflicts once, lists and dismisses them', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const rowA = newRowId();
      const rowB = newRowId();
      const c1 = conflictAbout(rowA, device, 'amount', 7);
      const c2 = conflictAbout(rowB, device, 'payee', 4);
      await store.applyPulled([], [c1, c2, c1], 7);
      expect(await store.conflicts()).toEqual([
        { ...c2, dismissed: false },
        { ...c1, dismissed: false },
      ]);

      expect(await store.dismissConflict(c2.id)).toBe(true);
      expect(await store.dismissConflict('expenses/none/amount/x')).toBe(false);
      expect((await store.conflicts()).map((c) => c.id)).toEqual([c1.id]);
      expect(await store.conflicts(true)).toEqual([
        { ...c2, dismissed: true },
        { ...c1, dismissed: false },
      ]);

      // Delivered again (a page pulled twice): still one record, still dismissed.
      await store.applyPulled([], [{ ...c2, seq: 9 }], 9);
      expect(await store.conflicts(true)).toEqual([
        { ...c2, dismissed: true },
        { ...c1, dismissed: false },
      ]);
    });
  });

  describe('snapshot rows', () => {
    const device = newDeviceId();
    const stamp = (ms: number, counter = 0) =>
      formatStamp({ wallMs: Date.UTC(2026, 0, 1) + ms, counter, deviceId: device });
    const snapshot = (rowId: string, fields: Record<string, [unknown, string]>): SnapshotRow => ({
      table: 'expenses',
      rowId,
      fields: Object.fromEntries(
        Object.entries(fields).map(([f, [value, s]]) => [f, { value, stamp: s }]),
      ) as SnapshotRow['fields'],
    });

    it('merges field by field, last writer wins, and keeps tombstones', async () => {
      const { store } = await stores.create();
      const r = newRowId();
      const base = snapshot(r, {
        createdAt: ['2026-01-01T00:00:00.000Z', stamp(10)],
        deleted: [false, stamp(10)],
        amount: [100, stamp(10)],
        currency: ['JPY', stamp(10)],
        date: ['2026-01-01', stamp(10)],
        payee: ['Bakery', stamp(10)],
      });
      expect(Object.fromEntries(await store.applyRows([base]))).toEqual({ expenses: [r] });
      expect(await store.rowState('expenses', r)).toEqual(base.fields);

      // Older: ignored, nothing reported.
      expect((await store.applyRows([snapshot(r, { amount: [50, stamp(5)] })])).size).toBe(0);
      expect((await store.rowState('expenses', r))?.amount).toEqual({ value: 100, stamp: stamp(10) });
      // Equal stamp, same value: the same write again.
      expect((await store.applyRows([snapshot(r, { amount: [100, stamp(10)] })])).size).toBe(0);
      // Newer: wins, for that field only.
      await store.applyRows([snapshot(r, { amount: [200, stamp(20)], payee: ['Old', stamp(9)] })]);
      const row = await store.rowState('expenses', r);
      expect(row?.amount).toEqual({ value: 200, stamp: stamp(20) });
      expect(row?.payee).toEqual({ value: 'Bakery', stamp: stamp(10) });
      // Equal stamps, different values (only a broken writer does that): the greater JSON wins, as in mergeOp.
      await store.applyRows([snapshot(r, { note: ['m', stamp(30)] })]);
      await store.applyRows([snapshot(r, { note: ['z', stamp(30)] })]);
      await store.applyRows([snapshot(r, { note: ['a', stamp(30)] })]);
      expect((await store.rowState('expenses', r))?.note).toEqual({ value: 'z', stamp: stamp(30) });

      // A tombstone: the row disappears from reads but stays, and an older restore does not revive it,
      // nor does a newer edit of another field.
      await store.applyRows([snapshot(r, { deleted: [true, stamp(40)] })]);
      await store.applyRows([snapshot(r, { deleted: [false, stamp(35)], payee: ['Later', stamp(50)] })]);
      expect(await store.get('expenses', r)).toBeNull();
      const tomb = await store.rowState('expenses', r);
      expect(tomb?.deleted).toEqual({ value: true, stamp: stamp(40) });
      expect(tomb?.payee).toEqual({ value: 'Later', stamp: stamp(50) });
      expect((await store.list('expenses', {})).items).toEqual([]);
      expect(
        (await store.list('expenses', { includeDeleted: true })).items.map((i) => [i.id, i.deleted]),
      ).toEqual([[r, true]]);

      const expected = checksumOf([{ table: 'expenses', rowId: r, row: tomb as RowState }]);
      expect(await store.checksum()).toEqual(expected);
      await store.recomputeChecksum();
      expect(await store.checksum()).toEqual(expected);
    });

    it('gives the same state as core mergeOp applied to the ops behind the rows', async () => {
      const { store } = await stores.create();
      const a = new OpWriter();
      const b = new OpWriter({ skewMs: -2_000 });
      const ids = [newRowId(), newRowId()];
      const ops: Op[] = [];
      for (let i = 0; i < 12; i++) {
        const dev = i % 2 ? a : b;
        dev.advance(100 * i);
        const id = ids[i % ids.length] as string;
        ops.push(
          dev.edit(
            'expenses',
            id,
            i < 2 ? exampleExpense({ amount: i + 1 }) : { amount: 10 * i, payee: `p${i % 3}` },
          ),
        );
      }
      // Two partial replicas, as two snapshot pages taken at different times would be.
      const early = new MemoryReplica();
      const late = new MemoryReplica();
      for (const op of ops.slice(0, 7)) early.apply(op);
      for (const op of ops) late.apply(op);
      const rowsOf = (replica: MemoryReplica): SnapshotRow[] =>
        replica.snapshot().map(([key, row]) => {
          const [table, rowId] = key.split('/') as [TableName, string];
          return { table, rowId, fields: row as SnapshotRow['fields'] };
        });
      await store.applyRows(rowsOf(late));
      await store.applyRows(rowsOf(early));
      for (const id of ids) expect(await store.rowState('expenses', id)).toEqual(late.row('expenses', id));
      expect(await store.checksum()).toEqual(late.checksum.toBuckets());
    });
  });

  describe('checksum buckets and repair', () => {
    it('recomputes buckets summed with an older field hash when it opens, and only then', async () => {
      const first = await stores.create();
      const device = new OpWriter();
      const ids = [newRowId(), newRowId(), newRowId()];
      await first.store.applyLocal(
        ids.map((id) => device.edit('expenses', id, exampleExpense({ payee: id }))),
      );
      device.advance(1_000);
      await first.store.applyLocal([device.edit('expenses', ids[0] as string, { amount: 5 })]);
      const rows = async (store: LocalStore) =>
        Promise.all(
          ids.map(async (rowId) => ({
            table: 'expenses',
            rowId,
            row: (await store.rowState('expenses', rowId)) as RowState,
          })),
        );
      const expected = checksumOf(await rows(first.store));
      expect(await first.store.checksum()).toEqual(expected);
      // A store from before CHECKSUM_VERSION 2 has no version in its meta, and other sums.
      const tamper = async (driver: SqlDriver, dropVersion: boolean) => {
        await driver.run('UPDATE checksum_buckets SET lo = (lo + 99) % 4294967296');
        if (dropVersion) await driver.run("DELETE FROM meta WHERE key = 'checksum.version'");
      };
      await tamper(first.driver, true);
      await first.store.close();

      const reopen = () => stores.create({ file: first.file, key: first.key, sealer: first.sealer ?? null });
      const second = await reopen();
      expect(await second.store.checksum()).toEqual(expected);
      // Sums the meta says are current are trusted as they are: nothing is recomputed at every open.
      await tamper(second.driver, false);
      await second.store.close();
      const third = await reopen();
      expect(await third.store.checksum()).not.toEqual(expected);
      expect((await third.store.checksum()).map((b) => b.fields)).toEqual(expected.map((b) => b.fields));
    });

    it('lists the rows of one bucket and replaces a bucket with the server’s rows', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const [a, b, d] = [rowIdInBucket(3), rowIdInBucket(3), rowIdInBucket(3)] as [string, string, string];
      const c = rowIdInBucket(5);
      const local = [a, b, c].map((id) =>
        device.edit('expenses', id, exampleExpense({ payee: `local ${id}` })),
      );
      await store.applyLocal(local);
      // Pushed and acknowledged: repair only ever replaces rows with no local change waiting.
      await store.acknowledge(
        local.map((op) => op.id),
        [],
      );

      const inBucket = await store.bucketRows('expenses', 3);
      expect(inBucket.map((r) => r.rowId)).toEqual([a, b].sort());
      expect(inBucket.find((r) => r.rowId === a)?.fields).toEqual(await store.rowState('expenses', a));
      expect(await store.bucketRows('expenses', 5)).toHaveLength(1);
      expect(await store.bucketRows('income', 3)).toEqual([]);
      expect(await errorCode(store.bucketRows('expenses', 16))).toBe('store.bad_bucket');

      // The server's view of bucket 3: a differs, b is unknown to it, d is new, c is in another bucket.
      const server = new OpWriter({ skewMs: 5_000 });
      const serverRows: SnapshotRow[] = [a, d].map((id) => {
        const op = server.edit('expenses', id, exampleExpense({ payee: `server ${id}` }));
        return {
          table: 'expenses',
          rowId: id,
          fields: Object.fromEntries(
            Object.entries(op.fields).map(([f, value]) => [f, { value, stamp: op.stamp }]),
          ),
        } as SnapshotRow;
      });
      const changed = await store.replaceBucket('expenses', 3, serverRows);
      expect([...(changed?.get('expenses') ?? [])].sort()).toEqual([a, b, d].sort());
      expect(await store.rowState('expenses', b)).toBeUndefined();
      expect(await store.rowState('expenses', a)).toEqual(serverRows[0]?.fields);
      expect((await store.get('expenses', d))?.payee).toBe(`server ${d}`);
      expect((await store.get('expenses', c))?.payee).toBe(`local ${c}`);

      const expected = checksumOf([
        { table: 'expenses', rowId: a, row: serverRows[0]?.fields as RowState },
        { table: 'expenses', rowId: d, row: serverRows[1]?.fields as RowState },
        { table: 'expenses', rowId: c, row: (await store.rowState('expenses', c)) as RowState },
      ]);
      expect(await store.checksum()).toEqual(expected);
      // Replacing with the same rows again changes nothing.
      expect((await store.replaceBucket('expenses', 3, serverRows))?.size).toBe(0);
      await store.recomputeChecksum();
      expect(await store.checksum()).toEqual(expected);
      // An empty server bucket empties ours, checksum bucket included.
      await store.replaceBucket('expenses', 3, []);
      expect(await store.checksum()).toEqual(
        checksumOf([{ table: 'expenses', rowId: c, row: (await store.rowState('expenses', c)) as RowState }]),
      );

      // While a local change waits to be pushed, nothing is replaced: the server's rows may predate it.
      await store.applyLocal([
        new OpWriter().edit('expenses', d, exampleExpense({ payee: 'typed meanwhile' })),
      ]);
      expect(await store.replaceBucket('expenses', 3, [])).toBeNull();
      expect((await store.get('expenses', d))?.payee).toBe('typed meanwhile');

      expect(await errorCode(store.replaceBucket('expenses', 4, serverRows))).toBe('store.bad_bucket');
    });
  });

  describe('reads', () => {
    /** A small ledger: ties on dates, rows without a date, deleted rows, mixed case and wildcard text. */
    async function ledger() {
      const opened = await stores.create();
      const device = new OpWriter();
      const food = newRowId();
      const rent = newRowId();
      const specs: Array<{
        date: string;
        categoryId: string | null;
        payee: string;
        amount: number;
        currency?: string;
        deleted?: boolean;
      }> = [
        { date: '2026-01-03', categoryId: food, payee: 'Bakery Sunrise', amount: 450 },
        { date: '2026-01-03', categoryId: food, payee: 'Green Market', amount: 1280 },
        { date: '2026-01-03', categoryId: rent, payee: 'Landlord', amount: 90_000 },
        { date: '2026-01-10', categoryId: null, payee: '100% Juice', amount: 300 },
        { date: '2026-01-31', categoryId: food, payee: 'bakery moon', amount: 520 },
        { date: '2026-02-01', categoryId: food, payee: 'Market', amount: 700 },
        { date: '2025-12-31', categoryId: rent, payee: 'Landlord', amount: 90_000 },
        { date: '2026-01-15', categoryId: food, payee: 'Deleted Bakery', amount: 9_999, deleted: true },
        { date: '2026-01-20', categoryId: food, payee: 'Euro Café', amount: 1_050, currency: 'EUR' },
        { date: '2026-01-21', categoryId: food, payee: 'Euro Café', amount: 2_000, currency: 'EUR' },
      ];
      for (let i = 0; i < 14; i++)
        specs.push({
          date: `2026-03-${String(1 + (i % 5)).padStart(2, '0')}`,
          categoryId: rent,
          payee: `Shop ${i}`,
          amount: 10 + i,
        });
      const rows: Array<{
        id: string;
        date: string;
        categoryId: string | null;
        payee: string;
        deleted: boolean;
      }> = [];
      const ops: Op[] = [];
      for (const spec of specs) {
        const id = newRowId();
        ops.push(
          device.advance(1).edit(
            'expenses',
            id,
            exampleExpense({
              date: spec.date,
              categoryId: spec.categoryId,
              payee: spec.payee,
              amount: spec.amount,
              currency: spec.currency ?? 'JPY',
            }),
          ),
        );
        if (spec.deleted) ops.push(device.advance(1).edit('expenses', id, { deleted: true }));
        rows.push({
          id,
          date: spec.date,
          categoryId: spec.categoryId,
          payee: spec.payee,
          deleted: spec.deleted ?? false,
        });
      }
      // Income in the same month and category must never count as spending.
      ops.push(
        device.edit('income', newRowId(), {
          amount: 500_000,
          currency: 'JPY',
          date: '2026-01-25',
          categoryId: food,
          source: 'Salary',
          note: '',
          recurring: false,
          createdAt: '2026-01-15T09:00:00.000Z',
          deleted: false,
        }),
      );
      await opened.store.applyLocal(ops);
      const newestFirst = (list: typeof rows) =>
        [...list]
          .sort((x, y) => (x.date === y.date ? (x.id < y.id ? 1 : -1) : x.date < y.date ? 1 : -1))
          .map((r) => r.id);
      return { ...opened, rows, food, rent, newestFirst, device };
    }

    it('lists newest first and walks every row exactly once by cursor', async () => {
      const { store, rows, newestFirst } = await ledger();
      const live = rows.filter((r) => !r.deleted);
      const first = await store.list('expenses', { limit: 5 });
      expect(first.items.map((r) => r.id)).toEqual(newestFirst(live).slice(0, 5));
      expect(first.items[0]).toEqual(await store.get('expenses', first.items[0]?.id as string));

      for (const limit of [1, 3, 7, live.length, 50]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list('expenses', { limit, ...(cursor && { cursor }) });
          seen.push(...page.items.map((r) => r.id));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(seen).toEqual(newestFirst(live));
        expect(pages).toBe(Math.max(1, Math.ceil(live.length / limit)));
      }
      expect(await errorCode(store.list('expenses', { cursor: 'not-a-cursor' }))).toBe('store.bad_cursor');
    });

    it('filters by date range, category, text and deleted state', async () => {
      const { store, rows, food, newestFirst } = await ledger();
      const ids = async (query: Parameters<LocalStore['list']>[1]) =>
        (await store.list('expenses', { limit: 100, ...query })).items.map((r) => r.id);
      const live = rows.filter((r) => !r.deleted);

      expect(await ids({ from: '2026-01-03', to: '2026-01-31' })).toEqual(
        newestFirst(live.filter((r) => r.date >= '2026-01-03' && r.date <= '2026-01-31')),
      );
      expect(await ids({ from: '2026-02-01' })).toEqual(
        newestFirst(live.filter((r) => r.date >= '2026-02-01')),
      );
      expect(await ids({ to: '2026-01-03' })).toEqual(
        newestFirst(live.filter((r) => r.date <= '2026-01-03')),
      );
      expect(await ids({ categoryId: food })).toEqual(newestFirst(live.filter((r) => r.categoryId === food)));
      expect(await ids({ categoryId: food, from: '2026-01-01', to: '2026-01-31' })).toEqual(
        newestFirst(live.filter((r) => r.categoryId === food && r.date.startsWith('2026-01'))),
      );
      // Case-insensitive substring, and '%' is a character like any other.
      expect(await ids({ search: 'BAKERY' })).toEqual(
        newestFirst(live.filter((r) => r.payee.toLowerCase().includes('bakery'))),
      );
      expect(await ids({ search: '0% j' })).toEqual(
        newestFirst(live.filter((r) => r.payee === '100% Juice')),
      );
      expect(await ids({ search: '%' })).toHaveLength(1);
      expect(await ids({ search: 'nothing like it' })).toEqual([]);

      expect(await ids({ includeDeleted: true })).toEqual(newestFirst(rows));
      expect(await ids({ includeDeleted: true, search: 'deleted' })).toEqual(
        newestFirst(rows.filter((r) => r.deleted)),
      );
      expect(await ids({ search: 'deleted' })).toEqual([]);
    });

    it('lists rows without a date last and leaves them out of date ranges', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const item = (name: string, purchaseDate: string | null) =>
        device.edit(
          'inventory',
          newRowId(),
          exampleInventoryItem({ name, purchaseDate, notes: 'Kept in the HALL cupboard' }),
        );
      const ops = [item('Kettle', '2025-05-01'), item('Old lamp', null), item('Drill', '2025-09-09')];
      await store.applyLocal(ops);
      const all = await store.list('inventory', {});
      expect(all.items.map((r) => r.name)).toEqual(['Drill', 'Kettle', 'Old lamp']);
      expect((await store.list('inventory', { to: '2030-01-01' })).items.map((r) => r.name)).toEqual([
        'Drill',
        'Kettle',
      ]);
      expect((await store.list('inventory', { search: 'hall' })).items).toHaveLength(3);
      expect((await store.list('expenses', {})).items).toEqual([]);
    });

    it('sums a month of spending per category and currency exactly, in integers', async () => {
      const { store, food, rent, device, rows } = await ledger();
      const january = await store.spendingByCategory('2026-01-01', '2026-01-31');
      expect(january).toEqual([
        { categoryId: food, currency: 'EUR', amount: 3_050, count: 2 },
        { categoryId: null, currency: 'JPY', amount: 300, count: 1 },
        ...[
          { categoryId: food, currency: 'JPY', amount: 450 + 1280 + 520, count: 3 },
          { categoryId: rent, currency: 'JPY', amount: 90_000, count: 1 },
        ].sort((x, y) => (x.categoryId < y.categoryId ? -1 : 1)),
      ]);
      // Edits move money: a new amount, and a recategorised expense.
      const landlord = rows.find((r) => r.payee === 'Landlord' && r.date === '2026-01-03')?.id as string;
      const bakery = rows.find((r) => r.payee === 'Bakery Sunrise')?.id as string;
      await store.applyLocal([
        device.advance(10).edit('expenses', landlord, { amount: 999_999_999_999_999 }),
        device.advance(10).edit('expenses', bakery, { categoryId: rent }),
      ]);
      const after = await store.spendingByCategory('2026-01-01', '2026-01-31');
      expect(after.find((s) => s.categoryId === rent && s.currency === 'JPY')).toEqual({
        categoryId: rent,
        currency: 'JPY',
        amount: 999_999_999_999_999 + 450,
        count: 2,
      });
      expect(after.find((s) => s.categoryId === food && s.currency === 'JPY')).toEqual({
        categoryId: food,
        currency: 'JPY',
        amount: 1280 + 520,
        count: 2,
      });
      expect(await store.spendingByCategory('2027-01-01', '2027-12-31')).toEqual([]);
      // Inclusive bounds.
      expect(await store.spendingByCategory('2026-02-01', '2026-02-01')).toEqual([
        { categoryId: food, currency: 'JPY', amount: 700, count: 1 },
      ]);
    });

    it('answers the hot reads from the date index: in order, and the report without reading the table', async () => {
      const opened = await stores.create();
      const { recording, seen } = recordSelects(opened.driver);
      const store = sqliteLocalStore(recording);
      await store.list('expenses', { limit: 50 });
      await store.list('expenses', {
        limit: 50,
        from: '2026-01-01',
        to: '2026-01-31',
        categoryId: newRowId(),
      });
      await store.spendingByCategory('2026-01-01', '2026-01-31');
      const plans = await Promise.all(
        seen.map(async ({ sql, params }) =>
          (await opened.driver.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params))
            .map((p) => p.detail)
            .join(' | '),
        ),
      );
      expect(plans[0]).toMatch(/SEARCH rows USING INDEX rows_by_date/);
      expect(plans[0]).not.toMatch(/TEMP B-TREE/);
      expect(plans[1]).toMatch(
        /SEARCH rows USING INDEX rows_by_date \(tbl=\? AND sort_date>\? AND sort_date<\?\)/,
      );
      expect(plans[1]).not.toMatch(/TEMP B-TREE/);
      expect(plans[2]).toMatch(
        /SEARCH rows USING COVERING INDEX rows_by_date \(tbl=\? AND sort_date>\? AND sort_date<\?\)/,
      );
    });
  });

  describe('search over many rows', () => {
    it('finds sparse matches page by page, in list order, with the same cursors', async () => {
      const { store } = await stores.create();
      const device = new OpWriter();
      const ops: Op[] = [];
      const needles: Array<{ id: string; date: string }> = [];
      const pad = (n: number) => String(n).padStart(2, '0');
      for (let i = 0; i < 2_600; i++) {
        const id = newRowId();
        const date = `2025-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`;
        const match = i % 97 === 0;
        ops.push(
          device.edit(
            'expenses',
            id,
            exampleExpense({ date, payee: match ? `Needle & co ${i}` : `Shop ${i}` }),
          ),
        );
        if (match) needles.push({ id, date });
      }
      await store.applyLocal(ops);
      const expected = needles
        .sort((x, y) => (x.date === y.date ? (x.id < y.id ? 1 : -1) : x.date < y.date ? 1 : -1))
        .map((r) => r.id);
      for (const limit of [1, 7, 50]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list('expenses', { search: 'nEEDLE &', limit, ...(cursor && { cursor }) });
          seen.push(...page.items.map((r) => r.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(expected);
      }
      // Filters still apply around the search; a search with no match walks to the end and stops.
      const june = await store.list('expenses', { search: 'needle', from: '2025-06-01', to: '2025-06-30' });
      expect(june.items.map((r) => r.id)).toEqual(
        expected.filter((id) => needles.find((n) => n.id === id)?.date.startsWith('2025-06')),
      );
      expect(await store.list('expenses', { search: 'no such shop' })).toEqual({
        items: [],
        nextCursor: null,
      });
    });
  });

  describe('across tables (expenses and income together)', () => {
    type Kind = 'expenses' | 'income';
    interface Spec {
      table: Kind;
      date: string;
      categoryId: string | null;
      text: string;
      amount: number;
      currency?: string;
      deleted?: boolean;
      id?: string;
    }

    /** Both tables on the same days, one row id in both, deleted rows, two currencies, other tables. */
    async function mixed() {
      const opened = await stores.create();
      const device = new OpWriter();
      const food = newRowId();
      const salary = newRowId();
      const shared = newRowId();
      const specs: Spec[] = [
        { table: 'expenses', date: '2026-03-01', categoryId: food, text: 'Bakery', amount: 450 },
        { table: 'income', date: '2026-03-01', categoryId: salary, text: 'Salary March', amount: 300_000 },
        {
          table: 'expenses',
          date: '2026-03-01',
          categoryId: food,
          text: 'Market',
          amount: 1_200,
          id: shared,
        },
        {
          table: 'income',
          date: '2026-03-01',
          categoryId: food,
          text: 'Market refund',
          amount: 800,
          id: shared,
        },
        { table: 'expenses', date: '2026-02-14', categoryId: null, text: 'Flowers', amount: 3_000 },
        { table: 'income', date: '2026-02-25', categoryId: salary, text: 'Salary February', amount: 300_000 },
        {
          table: 'expenses',
          date: '2026-02-10',
          categoryId: food,
          text: 'Gone bakery',
          amount: 9,
          deleted: true,
        },
        {
          table: 'income',
          date: '2026-02-01',
          categoryId: salary,
          text: 'Gone bonus',
          amount: 9,
          deleted: true,
        },
        {
          table: 'expenses',
          date: '2026-01-31',
          categoryId: food,
          text: 'Euro bakery',
          amount: 1_000,
          currency: 'EUR',
        },
        {
          table: 'income',
          date: '2026-01-05',
          categoryId: null,
          text: 'Euro gift',
          amount: 2_500,
          currency: 'EUR',
        },
        // Many on one day in both tables: ordered by row id across the tables.
        ...Array.from(
          { length: 12 },
          (_, i): Spec => ({
            table: i % 3 ? 'expenses' : 'income',
            date: '2026-01-20',
            categoryId: food,
            text: `Shop ${i}`,
            amount: 10 + i,
          }),
        ),
      ];
      const ops: Op[] = [];
      const rows = specs.map((spec) => ({
        ...spec,
        id: spec.id ?? newRowId(),
        deleted: spec.deleted ?? false,
      }));
      for (const r of rows) {
        const money = {
          date: r.date,
          categoryId: r.categoryId,
          amount: r.amount,
          currency: r.currency ?? 'JPY',
        };
        ops.push(
          device
            .advance(1)
            .edit(
              r.table,
              r.id,
              r.table === 'expenses'
                ? exampleExpense({ ...money, payee: r.text })
                : exampleIncome({ ...money, source: r.text }),
            ),
        );
        if (r.deleted) ops.push(device.advance(1).edit(r.table, r.id, { deleted: true }));
      }
      // Other tables with dates in the same range never appear.
      ops.push(
        device.edit('budgets', newRowId(), {
          categoryId: food,
          period: 'monthly',
          limitAmount: 1,
          currency: 'JPY',
          startDate: '2026-02-01',
          rollover: false,
          alertThresholdPercent: 80,
          createdAt: '2026-01-15T09:00:00.000Z',
          deleted: false,
        }),
      );
      await opened.store.applyLocal(ops);
      /** Newest first, then row id, then table (descending), as the store promises. */
      const ordered = (list: typeof rows) =>
        [...list]
          .sort((x, y) => {
            if (x.date !== y.date) return x.date < y.date ? 1 : -1;
            if (x.id !== y.id) return x.id < y.id ? 1 : -1;
            return x.table < y.table ? 1 : -1;
          })
          .map((r) => `${r.table}/${r.id}`);
      return { ...opened, rows, live: rows.filter((r) => !r.deleted), ordered, food, salary, device };
    }

    const keys = (items: ReadonlyArray<{ table: string; row: { id: string } }>) =>
      items.map((i) => `${i.table}/${i.row.id}`);

    it('merges both tables newest first and pages through every row exactly once', async () => {
      const { store, live, ordered } = await mixed();
      const all = await store.listAcross(['expenses', 'income'], { limit: 100 });
      expect(keys(all.items)).toEqual(ordered(live));
      expect(all.nextCursor).toBeNull();
      const first = all.items[0] as { table: TableName; row: { id: string } };
      expect(first.row).toEqual(await store.get(first.table, first.row.id));
      // The shared row id: income sorts before expenses (table name descending), both listed.
      expect(keys(all.items).filter((k) => k.endsWith(live[2]?.id as string))).toEqual([
        `income/${live[2]?.id}`,
        `expenses/${live[2]?.id}`,
      ]);

      for (const limit of [1, 2, 3, 5, live.length - 1, live.length]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listAcross(['income', 'expenses'], { limit, ...(cursor && { cursor }) });
          seen.push(...keys(page.items));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        expect(seen).toEqual(ordered(live));
        expect(pages).toBe(Math.ceil(live.length / limit));
      }
      expect(await errorCode(store.listAcross([], {}))).toBe('store.bad_table');
      expect(await errorCode(store.listAcross(['expenses', 'nope' as TableName], {}))).toBe(
        'store.bad_table',
      );
    });

    it('filters by month range, category and text in both tables, deleted rows excluded', async () => {
      const { store, rows, live, ordered, food, salary } = await mixed();
      const listed = async (query: Parameters<LocalStore['listAcross']>[1]) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listAcross(['expenses', 'income'], {
            ...query,
            limit: 2,
            ...(cursor && { cursor }),
          });
          seen.push(...keys(page.items));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      expect(await listed({ from: '2026-02-01', to: '2026-02-28' })).toEqual(
        ordered(live.filter((r) => r.date.startsWith('2026-02'))),
      );
      expect(await listed({ categoryId: salary })).toEqual(
        ordered(live.filter((r) => r.categoryId === salary)),
      );
      expect(await listed({ categoryId: food, from: '2026-03-01' })).toEqual(
        ordered(live.filter((r) => r.categoryId === food && r.date >= '2026-03-01')),
      );
      expect(await listed({ search: 'BAKERY' })).toEqual(
        ordered(live.filter((r) => r.text.toLowerCase().includes('bakery'))),
      );
      expect(await listed({ search: 'market' })).toEqual(
        ordered(live.filter((r) => r.text.includes('Market'))),
      );
      expect(await listed({ search: 'gone' })).toEqual([]);
      expect(await listed({ search: 'gone', includeDeleted: true })).toEqual(
        ordered(rows.filter((r) => r.deleted)),
      );
    });

    it('sums expenses and income per month and currency, in integers, without deleted rows', async () => {
      const { store, live, device } = await mixed();
      const sum = (table: Kind, month: string, currency: string) =>
        live
          .filter((r) => r.table === table && r.date.startsWith(month) && (r.currency ?? 'JPY') === currency)
          .reduce((total, r) => total + r.amount, 0);
      const totals = (month: string, currency: string) => ({
        month,
        currency,
        expenses: sum('expenses', month, currency),
        income: sum('income', month, currency),
      });
      expect(await store.monthlyTotals('2026-01', '2026-03')).toEqual([
        totals('2026-01', 'EUR'),
        totals('2026-01', 'JPY'),
        totals('2026-02', 'JPY'),
        totals('2026-03', 'JPY'),
      ]);
      expect(totals('2026-02', 'JPY')).toEqual({
        month: '2026-02',
        currency: 'JPY',
        expenses: 3_000,
        income: 300_000,
      });
      // Months without rows are left out; the bounds are inclusive months.
      expect(await store.monthlyTotals('2025-06', '2026-01')).toEqual([
        totals('2026-01', 'EUR'),
        totals('2026-01', 'JPY'),
      ]);
      expect(await store.monthlyTotals('2026-04', '2026-12')).toEqual([]);
      expect(await store.monthlyTotals('2026-03', '2026-01')).toEqual([]);
      for (const bad of ['2026-13', '2026-1', '2026-01-01', '']) {
        expect(await errorCode(store.monthlyTotals(bad, '2026-03'))).toBe('validation.failed');
      }
      // A sum past 2^53 is refused rather than rounded.
      await store.applyLocal(
        Array.from({ length: 10 }, () =>
          device.edit(
            'income',
            newRowId(),
            exampleIncome({ amount: 999_999_999_999_999, date: '2027-01-01' }),
          ),
        ),
      );
      expect(await errorCode(store.monthlyTotals('2027-01', '2027-01'))).toBe('store.overflow');
    });

    it('walks rows_by_date once per table for a page, and sums the months from the index alone', async () => {
      const opened = await stores.create();
      const { recording, seen } = recordSelects(opened.driver);
      const store = sqliteLocalStore(recording);
      const first = await store.listAcross(['expenses', 'income'], { limit: 50, categoryId: newRowId() });
      expect(first.items).toEqual([]);
      await store.listAcross(['expenses', 'income'], {
        limit: 50,
        cursor: 'WyIyMDI2LTAxLTAxIiwiMDE5YTAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAwIiwiaW5jb21lIl0',
      });
      await store.monthlyTotals('2026-01', '2026-12');
      const plans = await Promise.all(
        seen.map(async ({ sql, params }) =>
          (await opened.driver.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map(
            (p) => p.detail,
          ),
        ),
      );
      for (const plan of plans.slice(0, 2)) {
        expect(plan.filter((d) => /^SEARCH rows USING INDEX rows_by_date \(tbl=\?/.test(d))).toHaveLength(2);
        expect(plan.join(' | ')).not.toMatch(/SCAN rows/);
      }
      expect(plans[2]?.join(' | ')).toMatch(
        /SEARCH rows USING COVERING INDEX rows_by_date \(tbl=\? AND sort_date>\? AND sort_date<\?\)/,
      );
    });
  });

  describe('store files', () => {
    it('keeps each store in its own file', async () => {
      const dir = stores.tempDir();
      const a = await stores.create({ file: join(dir, 'a', 'a.db') });
      const b = await stores.create({ file: join(dir, 'b', 'b.db') });
      await a.store.setMeta('k', 'a');
      expect(await b.store.getMeta('k')).toBeNull();
    });
  });
});

describe('SqliteLocalStore with a sealer: what is sealed, and with which key', () => {
  const stores = new TestStores({ sealed: true });
  afterEach(() => stores.cleanup());
  const at = '2026-01-15T10:00:00.000Z';

  /** Every text value of every table, as SQLite holds it (what reading the database file would show). */
  async function clearTexts(driver: SqlDriver): Promise<string[]> {
    const texts: string[] = [];
    for (const table of STORE_TABLES) {
      for (const row of await driver.all<Record<string, SqlValue>>(`SELECT * FROM ${table}`))
        for (const value of Object.values(row)) if (typeof value === 'string') texts.push(value);
    }
    return texts;
  }

  /** A canary in every place user data goes: a row, the outbox, a rejected op, a conflict, meta. */
  async function writeCanary(store: LocalStore, canary: string) {
    const device = new OpWriter();
    const [a, b] = [newRowId(), newRowId()];
    const ops = [
      device.edit('expenses', a, exampleExpense({ payee: canary, note: `note ${canary}` })),
      device.edit('income', b, exampleIncome({ source: 'Salary', note: canary })),
      device.edit('expenses', newRowId(), exampleExpense({ payee: 'Refused' })),
    ];
    await store.applyLocal(ops);
    await store.acknowledge([], [{ op: ops[2] as Op, code: 'op.invalid', message: `no ${canary}`, at }]);
    await store.applyPulled([], [conflictAbout(a, device, 'payee', 2, [canary, 'Bakery'])], 2);
    await store.setMeta('auth.session', JSON.stringify({ refreshToken: `krt1_${canary}` }));
    return { a, b, ops };
  }

  async function readAll(store: LocalStore, ids: { a: string; b: string }) {
    return {
      a: await store.rowState('expenses', ids.a),
      b: await store.get('income', ids.b),
      outbox: await store.outbox(10),
      rejected: await store.rejectedOps(),
      conflicts: await store.conflicts(true),
      session: await store.getMeta('auth.session'),
      cursor: await store.getMeta(META_KEYS.cursor),
      search: (await store.listAcross(['expenses', 'income'], { search: 'CANARY' })).items.map(
        (i) => i.row.id,
      ),
      checksum: await store.checksum(),
    };
  }

  it('keeps no user text in clear, and every sealed value opens only in its own place', async () => {
    const canary = 'Canary-Sealed-Payee-7c1e';
    const { store, driver } = await stores.create();
    const ids = await writeCanary(store, canary);
    const read = await readAll(store, ids);
    expect(read.a?.payee?.value).toBe(canary);
    expect(read.b?.note).toBe(canary);
    expect(read.outbox).toHaveLength(2);
    expect(read.rejected).toEqual([{ op: ids.ops[2], code: 'op.invalid', message: `no ${canary}`, at }]);
    expect(read.conflicts[0]?.winner.value).toBe(canary);
    expect(read.session).toContain(canary);
    expect(read.search.sort()).toEqual([ids.a, ids.b].sort());

    const texts = await clearTexts(driver);
    expect(texts.filter((t) => t.toLowerCase().includes(canary.toLowerCase()))).toEqual([]);
    // What stays clear is what indexes and reports need: ids, dates, categories, amounts, currencies.
    const [row] = await driver.all<Record<string, SqlValue>>(
      'SELECT fields, search, sort_date, amount, currency FROM rows WHERE row_id = ?',
      [ids.a],
    );
    expect(row).toMatchObject({ search: '', sort_date: '2026-01-15', amount: 1200, currency: 'JPY' });
    expect(row?.fields).toBeInstanceOf(Uint8Array);

    // A sealed value moved to another row, or another key, does not open there.
    await driver.run('UPDATE rows SET fields = ? WHERE row_id = ?', [row?.fields as Uint8Array, ids.b]);
    expect(await errorCode(store.get('income', ids.b))).toBe('store.unreadable');
    const [session] = await driver.all<{ value: Uint8Array }>(
      "SELECT value FROM meta WHERE key = 'auth.session'",
    );
    await driver.run("INSERT INTO meta (key, value) VALUES ('moved', ?)", [session?.value as Uint8Array]);
    expect(await errorCode(store.getMeta('moved'))).toBe('store.unreadable');
    // So is a value stored in clear behind the store's back.
    await driver.run("INSERT INTO meta (key, value) VALUES ('plain', 'text')");
    expect(await errorCode(store.getMeta('plain'))).toBe('store.unreadable');
  });

  it('opens only with the key that sealed it, and can be erased to start over', async () => {
    const first = await stores.create();
    await first.store.setMeta('device.id', 'abc');
    await first.store.close();

    for (const sealer of [await newSealer(), undefined]) {
      const driver = await openNodeDriver({ file: first.file, key: first.key });
      const store = sqliteLocalStore(driver, { ...(sealer && { sealer }) });
      try {
        expect(await errorCode(store.migrate())).toBe('store.key_missing');
      } finally {
        await store.close();
      }
    }

    // The key is gone for good: erasing the store lets a new key take over (sync fills it again).
    const driver = await openNodeDriver({ file: first.file, key: first.key });
    const store = sqliteLocalStore(driver, { sealer: await newSealer() });
    try {
      await store.erase();
      await store.migrate();
      expect(await store.getMeta('device.id')).toBeNull();
      expect(await count(driver, 'rows')).toBe(0);
      await store.setMeta('device.id', 'def');
      expect(await store.getMeta('device.id')).toBe('def');
    } finally {
      await store.close();
    }
  });

  it('seals in place, in one go, a store an earlier version wrote without sealing', async () => {
    const canary = 'Canary-Legacy-Payee-52ab';
    const plain = await stores.create({ sealer: null });
    const ids = await writeCanary(plain.store, canary);
    const before = await readAll(plain.store, ids);
    expect((await clearTexts(plain.driver)).some((t) => t.includes(canary))).toBe(true);
    await plain.store.close();

    const sealer = await newSealer();
    const opened = await stores.create({ file: plain.file, key: plain.key, sealer });
    expect(await readAll(opened.store, ids)).toEqual(before);
    expect((await clearTexts(opened.driver)).filter((t) => t.includes(canary))).toEqual([]);
    // VACUUM rebuilt the file: no free page keeps an old plain value.
    const [free] = await opened.driver.all<{ freelist_count: number }>('PRAGMA freelist_count');
    expect(free?.freelist_count).toBe(0);
    await opened.store.close();

    // Sealed once: opening again changes nothing.
    const again = await stores.create({ file: plain.file, key: plain.key, sealer });
    expect(await readAll(again.store, ids)).toEqual(before);
  });
});
