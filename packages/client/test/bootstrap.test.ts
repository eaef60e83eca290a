import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeRows,
  type FieldState,
  isKakeiboError,
  LIMITS,
  MemoryReplica,
  type Op,
  type PackedRowMessage,
  PROTOCOL_VERSION,
  packRow,
  type RowState,
  type TableName,
  unpackRow,
} from '@kakeibo/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterName, startTestServer, type TestServer } from '../../server/test/support/server.js';
import { type Kakeibo, openKakeibo } from '../src/index.js';
import { openNodeDriver } from '../src/node/driver.js';
import { isLoopback } from '../src/node/open.js';
import type { LocalStore } from '../src/store/index.js';
import { sqliteLocalStore } from '../src/store/local-store.js';
import {
  exampleExpense,
  firstPackedForm,
  interceptDriver,
  newRowId,
  OpWriter,
  recordSelects,
  STORE_MODES,
  TestStores,
} from './support/index.js';

/**
 * Bootstrap of a new device from packed snapshot rows: the store keeps each checked text as it came
 * (sealed or not), and the SDK bootstraps over real HTTP from both storage adapters, refusing a page
 * with a malformed row before anything of it is stored.
 */

/** Text that JSON escapes, and text it does not: both must survive the packed text untouched. */
const TRICKY = ['Bäckerei "Zum Korn"', 'back\\slash', 'tab\there\nnew line', 'croissant 🥐', 'plain'];

/** Packed rows as the server sends them, for the rows a replica holds after `ops`. */
function packedRows(ops: readonly Op[]): { replica: MemoryReplica; rows: PackedRowMessage[] } {
  const replica = new MemoryReplica();
  for (const op of ops) replica.apply(op);
  const rows = replica.snapshot().map(([key, row]) => {
    const [table, rowId] = key.split('/') as [TableName, string];
    return { table, rowId, packed: packRow(row) };
  });
  return { replica, rows };
}

describe.each(STORE_MODES)('bulk load of packed snapshot rows, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  it('stores each row as it came, with its columns and checksum, and merges a row sent twice', async () => {
    const { store, driver } = await stores.create();
    const device = new OpWriter();
    const ops: Op[] = [];
    const ids = TRICKY.map(() => newRowId());
    TRICKY.forEach((payee, i) => {
      const fields = exampleExpense({ payee, date: `2026-01-${10 + i}`, tags: i % 2 ? ['a', 'b'] : [] });
      ops.push(device.edit('expenses', ids[i] as string, fields));
    });
    device.advance(1000);
    ops.push(device.edit('expenses', ids[1] as string, { amount: 999, note: 'edited "later"' }));
    ops.push(device.edit('expenses', ids[2] as string, { deleted: true }));
    const { replica, rows } = packedRows(ops);
    const first = decodeRows(rows);

    // The same row again on a later page, with a newer field: it is merged, not stored as sent.
    device.advance(1000);
    const newer = device.edit('expenses', ids[0] as string, { payee: 'Newer' });
    replica.apply(newer);
    const resent = packRow(replica.row('expenses', ids[0] as string) as RowState);
    const second = decodeRows([{ table: 'expenses', rowId: ids[0] as string, packed: resent }]);

    await store.bulkLoad(async (loader) => {
      await loader.applyRows(first.rows);
      await loader.applyRows(second.rows);
    });

    for (const [key, row] of replica.snapshot()) {
      const [table, rowId] = key.split('/') as [TableName, string];
      expect(await store.rowState(table, rowId)).toEqual(row);
    }
    const expected = replica.checksum.toBuckets();
    expect(await store.checksum()).toEqual(expected);
    await store.recomputeChecksum();
    expect(await store.checksum()).toEqual(expected);

    // Unsealed, the stored text is byte for byte the text that came (nothing re-encoded it), except
    // for the row sent twice: that one was merged, and its text is packed anew from the merge.
    if (!sealed) {
      const stored = await driver.all<{ row_id: string; fields: string }>('SELECT row_id, fields FROM rows');
      const byId = new Map(stored.map((r) => [r.row_id, r.fields]));
      for (const { rowId, packed } of rows) {
        if (rowId === ids[0]) expect(byId.get(rowId)).not.toBe(packed);
        else expect(byId.get(rowId)).toBe(packed);
      }
      expect(unpackRow(byId.get(ids[0] as string) as string)).toEqual(
        replica.row('expenses', ids[0] as string),
      );
    }
    // The date index was rebuilt and the derived columns are right: newest first, tombstone hidden.
    const page = await store.list('expenses', { limit: 10 });
    expect(page.items.map((r) => r.id)).toEqual([ids[4], ids[3], ids[1], ids[0]].map((id) => id as string));
    expect(page.items.find((r) => r.id === ids[1])).toMatchObject({ amount: 999, note: 'edited "later"' });
    // Search reads the stored text (unsealed) or opens the rows (sealed): both find the row.
    const found = await store.list('expenses', { search: 'CROISSANT' });
    expect(found.items.map((r) => r.id)).toEqual([ids[3]]);
  });
});

describe.each(STORE_MODES)('a first bootstrap into an empty store, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const pageOf = (ops: readonly Op[]) => decodeRows(packedRows(ops).rows).rows;

  it('inserts its pages without looking their rows up', async () => {
    const opened = await stores.create();
    const watched = recordSelects(opened.driver);
    const store = sqliteLocalStore(watched.recording, {
      ...(opened.sealer && { sealer: opened.sealer }),
    });
    const device = new OpWriter();
    const first = [newRowId(), newRowId()].map((id) =>
      device.edit('expenses', id, exampleExpense({ payee: id })),
    );
    const second = [newRowId()].map((id) => device.edit('expenses', id, exampleExpense({ payee: id })));
    await store.bulkLoad(async (loader) => {
      await loader.applyRows(pageOf(first));
      await loader.applyRows(pageOf(second));
    });
    const lookups = watched.seen.filter((q) => /FROM rows WHERE tbl = \? AND row_id IN/.test(q.sql));
    expect(lookups).toEqual([]);
    const replica = new MemoryReplica();
    for (const op of [...first, ...second]) replica.apply(op);
    for (const [key, row] of replica.snapshot()) {
      expect(await store.rowState('expenses', key.split('/')[1] as string)).toEqual(row);
    }
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
  });

  it('reports a page that fails for another reason as it is, instead of merging it row by row', async () => {
    const opened = await stores.create();
    const watched = recordSelects(opened.driver);
    const full = new Error('database or disk is full');
    const failing = interceptDriver(watched.recording, {
      run: (sql, params, next) =>
        sql.startsWith('INSERT INTO rows ') && !sql.includes('ON CONFLICT')
          ? Promise.reject(full)
          : next.run(sql, params),
    });
    const store = sqliteLocalStore(failing, { ...(opened.sealer && { sealer: opened.sealer }) });
    const device = new OpWriter();
    const page = pageOf([device.edit('expenses', newRowId(), exampleExpense({ payee: 'Kept out' }))]);
    await expect(store.bulkLoad((loader) => loader.applyRows(page))).rejects.toBe(full);
    // Not retried as a merge (which would look the row up and upsert it past the failure).
    expect(watched.seen.filter((q) => /FROM rows WHERE tbl = \? AND row_id IN/.test(q.sql))).toEqual([]);
    expect((await store.list('expenses', {})).items).toEqual([]);
    expect(await store.checksum()).toEqual([]);
  });

  it('merges a page whose row the device wrote meanwhile, instead of overwriting it', async () => {
    const { store } = await stores.create();
    const server = new OpWriter({ skewMs: -60_000 });
    const device = new OpWriter();
    const [shared, other] = [newRowId(), newRowId()];
    const fromServer = [
      server.edit('expenses', shared, exampleExpense({ payee: 'Server', amount: 100 })),
      server.edit('expenses', other, exampleExpense({ payee: 'Other' })),
    ];
    const local = device.edit('expenses', shared, { payee: 'Local' });
    const replica = new MemoryReplica();
    for (const op of [...fromServer, local]) replica.apply(op);
    await store.bulkLoad(async (loader) => {
      await store.applyLocal([local]);
      await loader.applyRows(pageOf(fromServer));
    });
    expect(await store.get('expenses', shared)).toMatchObject({ payee: 'Local', amount: 100 });
    expect(await store.rowState('expenses', shared)).toEqual(replica.row('expenses', shared));
    expect((await store.get('expenses', other))?.payee).toBe('Other');
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
    expect(await store.outboxCount()).toBe(1);
  });
});

describe.each(STORE_MODES)('one row twice on one page, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  it('merges the second into the first as it came, columns and checksum included', async () => {
    const { store } = await stores.create();
    const device = new OpWriter();
    const id = newRowId();
    const other = newRowId();
    const replica = new MemoryReplica();
    const created = device.edit('expenses', id, exampleExpense({ payee: 'First', amount: 100 }));
    replica.apply(created);
    replica.apply(device.edit('expenses', other, exampleExpense({ payee: 'Other' })));
    const before = packRow(replica.row('expenses', id) as RowState);
    device.advance(1_000);
    replica.apply(device.edit('expenses', id, { payee: 'Second', amount: 250 }));
    const after = packRow(replica.row('expenses', id) as RowState);
    const page = decodeRows([
      { table: 'expenses', rowId: id, packed: before },
      { table: 'expenses', rowId: other, packed: packRow(replica.row('expenses', other) as RowState) },
      { table: 'expenses', rowId: id, packed: after },
    ]);
    const changed = await store.bulkLoad((loader) => loader.applyRows(page.rows));
    expect(changed.get('expenses')?.sort()).toEqual([id, other].sort());
    expect(await store.rowState('expenses', id)).toEqual(replica.row('expenses', id));
    expect(await store.get('expenses', id)).toMatchObject({ payee: 'Second', amount: 250 });
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
    expect((await store.list('expenses', { search: 'second' })).items.map((r) => r.id)).toEqual([id]);
  });
});

describe.each(STORE_MODES)('rows in the first packed form ({ s, f }), $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  it('are stored as they came, read like any other, and written in the flat form once they change', async () => {
    const { store, driver } = await stores.create();
    const device = new OpWriter();
    const ids = [newRowId(), newRowId()];
    const ops = ids.map((id, i) => device.edit('expenses', id, exampleExpense({ payee: `payee ${i}` })));
    const { replica, rows } = packedRows(ops);
    const old = rows.map((r) => ({ ...r, packed: firstPackedForm(unpackRow(r.packed)) }));
    await store.bulkLoad((loader) => loader.applyRows(decodeRows(old).rows));

    for (const id of ids) expect(await store.rowState('expenses', id)).toEqual(replica.row('expenses', id));
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
    const storedText = async (id: string) =>
      (await driver.all<{ fields: string }>('SELECT fields FROM rows WHERE row_id = ?', [id]))[0]?.fields;
    // Snapshot rows come in row-id order, not in the order of `ids`.
    const cameAs = (id: string) => old.find((r) => r.rowId === id)?.packed;
    if (!sealed) expect(await storedText(ids[0] as string)).toBe(cameAs(ids[0] as string));

    device.advance(1_000);
    const edit = device.edit('expenses', ids[0] as string, { amount: 4_321 });
    replica.apply(edit);
    await store.applyLocal([edit]);
    expect(await store.rowState('expenses', ids[0] as string)).toEqual(
      replica.row('expenses', ids[0] as string),
    );
    expect((await store.get('expenses', ids[1] as string))?.payee).toBe('payee 1');
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
    if (!sealed) {
      expect((await storedText(ids[0] as string))?.startsWith('[[')).toBe(true);
      expect(await storedText(ids[1] as string)).toBe(cameAs(ids[1] as string));
    }
  });
});

describe.each(STORE_MODES)('reads during a bulk load, $mode', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  it('lists and reports while the date index is dropped (the app reads while a device bootstraps)', async () => {
    const { store } = await stores.create();
    const device = new OpWriter();
    const ids = [newRowId(), newRowId()];
    const ops = ids.map((id, i) =>
      device.edit('expenses', id, exampleExpense({ date: `2026-03-0${i + 1}`, amount: 100 * (i + 1) })),
    );
    const seen = await store.bulkLoad(async (loader) => {
      await loader.applyRows(decodeRows(packedRows(ops).rows).rows);
      return {
        page: (await store.list('expenses', { limit: 10 })).items.map((r) => r.id),
        across: (await store.listAcross(['expenses', 'income'], {})).items.length,
        spending: await store.spendingByCategory('2026-03-01', '2026-03-31'),
        totals: await store.monthlyTotals('2026-03', '2026-03'),
      };
    });
    expect(seen.page).toEqual([ids[1], ids[0]]);
    expect(seen.across).toBe(2);
    expect(seen.spending).toEqual([expect.objectContaining({ amount: 300, count: 2 })]);
    expect(seen.totals).toEqual([expect.objectContaining({ month: '2026-03', expenses: 300, income: 0 })]);
    // And after it, from the rebuilt index.
    expect((await store.list('expenses', {})).items.map((r) => r.id)).toEqual([ids[1], ids[0]]);
  });
});

describe('bulk load in Node (SQLCipher): journal modes', () => {
  const stores = new TestStores();
  afterEach(() => stores.cleanup());

  /** A page of new rows, as decodeRows gives them. */
  const page = (count: number) => {
    const device = new OpWriter();
    const ops = Array.from({ length: count }, () => device.edit('expenses', newRowId(), exampleExpense()));
    const { replica, rows } = packedRows(ops);
    return { replica, rows: decodeRows(rows).rows };
  };

  it('writes through a rollback journal when it has the file to itself, and is back in WAL mode after', async () => {
    const { store, driver } = await stores.create();
    const { replica, rows } = page(300);
    const modes: string[] = [];
    await store.bulkLoad(async (loader) => {
      modes.push(((await driver.all('PRAGMA journal_mode'))[0] as { journal_mode: string }).journal_mode);
      await loader.applyRows(rows);
    });
    modes.push(((await driver.all('PRAGMA journal_mode'))[0] as { journal_mode: string }).journal_mode);
    expect(modes).toEqual(['truncate', 'wal']);
    expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
  });

  it('stays in WAL mode while another connection has the file open, and loads all the same', async () => {
    const { store, driver, file, key } = await stores.create();
    const other = await openNodeDriver({ file, key });
    try {
      await other.all('SELECT count(*) AS n FROM rows');
      const { replica, rows } = page(300);
      const modes: string[] = [];
      await store.bulkLoad(async (loader) => {
        modes.push(((await driver.all('PRAGMA journal_mode'))[0] as { journal_mode: string }).journal_mode);
        await loader.applyRows(rows);
      });
      expect(modes).toEqual(['wal']);
      expect(await store.checksum()).toEqual(replica.checksum.toBuckets());
      expect(await other.all('SELECT count(*) AS n FROM rows')).toEqual([{ n: 300 }]);
    } finally {
      await other.close();
    }
  });
});

describe('a server on this machine', () => {
  it('is localhost, 127.0.0.0/8 or ::1, and nothing that only looks like them', () => {
    const loopback = [
      'http://localhost:8080',
      'http://LOCALHOST',
      'http://127.0.0.1:3000',
      'https://127.4.5.6',
      'http://[::1]:80',
    ];
    const remote = [
      'https://kakeibo.example',
      'http://10.0.0.1',
      'http://127.0.0.1.example.com',
      'http://[::2]',
      'http://localhost.example',
    ];
    expect(loopback.filter(isLoopback)).toEqual(loopback);
    expect(remote.filter(isLoopback)).toEqual([]);
  });
});

describe.each(['sqlite', 'postgres'] as AdapterName[])(
  'SDK bootstrap over HTTP from %s storage',
  (adapter) => {
    let server: TestServer;
    let root: string;
    const opened: Kakeibo[] = [];
    let counter = 0;

    beforeAll(async () => {
      server = await startTestServer(adapter);
      root = mkdtempSync(join(tmpdir(), 'kakeibo-bootstrap-'));
      process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
    });
    afterAll(async () => {
      for (const kb of opened) await kb.close().catch(() => {});
      await server?.close();
      rmSync(root, { recursive: true, force: true });
    });

    const device = async (name: string, fetch?: typeof globalThis.fetch, compression?: boolean) => {
      const kb = await openKakeibo({
        serverUrl: server.url,
        dataDir: join(root, `${name}-${++counter}`),
        deviceName: name,
        ...(fetch && { fetch }),
        ...(compression !== undefined && { compression }),
      });
      opened.push(kb);
      return kb;
    };

    /** Every expense a device holds (tombstones too), by id. */
    const expenses = async (kb: Kakeibo) => {
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await kb.expenses.list({ includeDeleted: true, limit: 100, ...(cursor && { cursor }) });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all.sort((a, b) => (a.id < b.id ? -1 : 1));
    };

    /** A ledger of 150 expenses (two snapshot pages of 100 rows would not do: the SDK asks for 1,000). */
    async function ledger(count = 150) {
      const email = `bootstrap.${adapter}.${process.pid}.${++counter}@example.com`;
      const password = 'correct horse battery staple';
      const a = await device('phone');
      await a.auth.signUp({ email, password });
      const food = await a.categories.create({ name: 'Food "& drink"', kind: 'expense' });
      const created = await a.expenses.createMany(
        Array.from({ length: count }, (_, i) => ({
          amount: 100 + i,
          currency: i % 3 ? 'EUR' : 'JPY',
          date: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
          categoryId: i % 2 ? food.id : null,
          payee: TRICKY[i % TRICKY.length] as string,
          tags: i % 4 ? [] : ['kids', 'weekend'],
        })),
      );
      await a.expenses.update(created[3]?.id as string, { amount: 4242, note: 'a "second" stamp' });
      await a.expenses.remove(created[7]?.id as string);
      expect(await a.sync()).toMatchObject({ verified: true });
      return { a, email, password };
    }

    it('bootstraps a fresh device to the same rows, verified by the checksum', async () => {
      const { a, email, password } = await ledger();
      const b = await device('laptop');
      await b.auth.signIn({ email, password });
      expect(await b.sync()).toMatchObject({ verified: true, repaired: 0 });
      expect(await expenses(b)).toEqual(await expenses(a));
      expect((await b.categories.list({})).items.map((c) => c.name)).toEqual(['Food "& drink"']);
    });

    it('has the next snapshot page asked for before it writes this one (the server works meanwhile)', async () => {
      // Two pages: more rows than the SDK asks for per page.
      const { a, email, password } = await ledger(LIMITS.maxSnapshotRows + 100);
      const events: string[] = [];
      const recording: typeof globalThis.fetch = (input, init) => {
        if (String(input).includes('/v1/sync/snapshot')) events.push('ask');
        return globalThis.fetch(input, init);
      };
      const b = await device('laptop', recording);
      await b.auth.signIn({ email, password });
      const store = (b as unknown as { parts: { store: LocalStore } }).parts.store;
      const bulkLoad = store.bulkLoad;
      store.bulkLoad = (load) =>
        bulkLoad((loader) =>
          load({
            applyRows: (rows) => {
              events.push('write');
              return loader.applyRows(rows);
            },
          }),
        );
      expect(await b.sync()).toMatchObject({ verified: true });
      // Page 2 was on its way before page 1 was written (without awaiting that, signing the request
      // waits for an event-loop turn that writing the page holds up).
      expect(events).toEqual(['ask', 'ask', 'write', 'write']);
      expect((await expenses(b)).length).toBe((await expenses(a)).length);
    });

    it('asks a server on this machine for plain answers, and any other for brotli', async () => {
      const { email, password } = await ledger();
      const seen = new Map<boolean, Set<string>>();
      const recording =
        (compressed: boolean): typeof globalThis.fetch =>
        async (input, init) => {
          const response = await globalThis.fetch(input, init);
          if (String(input).includes('/v1/sync/snapshot')) {
            const codings = seen.get(compressed) ?? new Set();
            codings.add(response.headers.get('content-encoding') ?? 'identity');
            seen.set(compressed, codings);
          }
          return response;
        };
      for (const compressed of [false, true]) {
        // Loopback is why the default asks for plain answers; `compression: true` stands for a remote server.
        const kb = await device('desktop', recording(compressed), compressed ? true : undefined);
        await kb.auth.signIn({ email, password });
        expect(await kb.sync()).toMatchObject({ verified: true });
      }
      expect(seen).toEqual(
        new Map([
          [false, new Set(['identity'])],
          [true, new Set(['br'])],
        ]),
      );
    });

    it('sends its protocol version with every request, and says so when the server speaks another', async () => {
      const { email, password } = await ledger();
      let version = String(PROTOCOL_VERSION);
      const seen = new Set<string | null>();
      const versioned: typeof globalThis.fetch = (input, init) => {
        const headers = new Headers(init?.headers);
        seen.add(headers.get('kakeibo-protocol'));
        headers.set('kakeibo-protocol', version); // the header is not signed: an older app is simulated
        return globalThis.fetch(input, { ...init, headers });
      };
      const d = await device('old-app', versioned);
      await d.auth.signIn({ email, password });
      expect(await d.sync()).toMatchObject({ verified: true });
      expect(seen).toEqual(new Set([String(PROTOCOL_VERSION)]));
      // The version before accounts and transfers.
      version = '2';
      await expect(d.sync()).rejects.toMatchObject({ code: 'protocol.unsupported' });
      expect(d.status().lastError).toMatchObject({
        code: 'protocol.unsupported',
        message: expect.stringContaining('update the app'),
      });
    });

    it('refuses a pull page, a push answer or a device list that fails its schema, and uses nothing of it', async () => {
      const { a, email, password } = await ledger();
      const broken = new Set<string>();
      const tampering: typeof globalThis.fetch = async (input, init) => {
        const response = await globalThis.fetch(input, init);
        const route = [...broken].find((r) => String(input).includes(r));
        if (!route) return response;
        const body = (await response.json()) as Record<string, unknown>;
        if (route === '/v1/sync/pull') body.ops = [{ seq: 'one', op: {} }];
        if (route === '/v1/sync/push') body.acks = 'all of them';
        if (route === '/v1/devices') body.devices = [{ id: 42 }];
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: { 'content-type': 'application/json', date: response.headers.get('date') ?? '' },
        });
      };
      const c = await device('watch', tampering);
      await c.auth.signIn({ email, password });
      expect(await c.sync()).toMatchObject({ verified: true });
      const later = await a.expenses.create({
        amount: 777,
        currency: 'EUR',
        date: '2026-11-02',
        payee: 'Later',
      });
      await a.sync();
      const refusal = (promise: Promise<unknown>) =>
        promise.then(
          () => null,
          (error: unknown) => (isKakeiboError(error) ? [error.code, error.message] : error),
        );

      broken.add('/v1/sync/pull');
      expect(await refusal(c.sync())).toEqual([
        'sync.invalid_response',
        expect.stringMatching(/GET \/v1\/sync\/pull \(ops\.0\.seq/),
      ]);
      expect(await c.expenses.get(later.id)).toBeNull();
      broken.clear();
      await c.sync();
      expect((await c.expenses.get(later.id))?.payee).toBe('Later');

      broken.add('/v1/sync/push');
      const mine = await c.expenses.create({ amount: 5, currency: 'EUR', date: '2026-11-03', payee: 'Mine' });
      expect(await refusal(c.sync())).toEqual([
        'sync.invalid_response',
        expect.stringMatching(/POST \/v1\/sync\/push \(acks/),
      ]);
      expect(c.status().pendingOps).toBe(1); // not acknowledged by a broken answer: still queued
      broken.clear();
      await c.sync();
      expect(c.status().pendingOps).toBe(0);
      await a.sync();
      expect((await a.expenses.get(mine.id))?.payee).toBe('Mine');

      broken.add('/v1/devices');
      expect(await refusal(c.auth.devices())).toEqual([
        'network.bad_response',
        expect.stringMatching(/GET \/v1\/devices \(devices\.0/),
      ]);
    });

    it('refuses a snapshot page with a malformed row, stores nothing of it, and bootstraps once it is right', async () => {
      const { a, email, password } = await ledger();
      let tamper = true;
      const tampering: typeof globalThis.fetch = async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (!tamper || !String(input).includes('/v1/sync/snapshot')) return response;
        const body = (await response.json()) as { rows: PackedRowMessage[] };
        const victim = body.rows[5] as PackedRowMessage;
        const row = unpackRow(victim.packed);
        victim.packed = packRow({ ...row, amount: { ...(row.amount as FieldState), value: -1 } });
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: { 'content-type': 'application/json', date: response.headers.get('date') ?? '' },
        });
      };
      const c = await device('tablet', tampering);
      await c.auth.signIn({ email, password });
      const failure = await c.sync().then(
        () => null,
        (error: unknown) => error,
      );
      expect(isKakeiboError(failure) && failure.code).toBe('sync.invalid_row');
      expect((failure as Error).message).toMatch(/field "amount"/);
      expect(await expenses(c)).toEqual([]);

      tamper = false;
      expect(await c.sync()).toMatchObject({ verified: true });
      expect(await expenses(c)).toEqual(await expenses(a));
    });
  },
);
