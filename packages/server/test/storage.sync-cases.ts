import { bucketOf, combineBuckets, type Op, type TableName, uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import {
  categoryFields,
  expenseFields,
  newAccount,
  newExpenses,
  Reference,
  snapshotAll,
  syncState,
  Writer,
} from './storage.fixtures.js';

/** The sync half of the storage contract: append, log, snapshot, checksum, conflicts, queries. */
export function syncCases(get: () => Storage): void {
  describe('appendOps', () => {
    it('applies ops, numbers them from 1 and materialises rows', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const rowId = uuidv7();
      const ops = [
        w.edit('expenses', rowId, expenseFields({ payee: 'Bakery' })),
        w.edit('expenses', rowId, { amount: 450 }),
        w.edit('categories', uuidv7(), categoryFields('Food')),
      ];
      const outcome = await storage.appendOps(ledgerId, ops);
      expect(outcome).toEqual({
        results: ops.map((op, i) => ({ opId: op.id, status: 'applied', seq: i + 1 })),
        conflicts: [],
        head: 3,
      });
      expect(await storage.head(ledgerId)).toBe(3);
      expect(await storage.getRow(ledgerId, 'expenses', rowId)).toEqual(w.view.row('expenses', rowId));
      expect((await storage.getRow(ledgerId, 'expenses', rowId))?.amount?.value).toBe(450);
      expect(await storage.getRow(ledgerId, 'expenses', uuidv7())).toBeNull();
      expect(await storage.getRow(ledgerId, 'categories', rowId)).toBeNull();

      const { ops: logged } = await storage.readOps(ledgerId, 0, 10);
      expect(logged).toEqual(ops.map((op, i) => ({ seq: i + 1, op })));
    });

    it('answers a repeated batch with the original seqs and changes nothing', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const ops = newExpenses(w, 5);
      ops.push(w.edit('expenses', ops[0]?.rowId ?? '', { deleted: true }));
      await storage.appendOps(ledgerId, ops);
      const before = await syncState(storage, ledgerId);

      const again = await storage.appendOps(ledgerId, ops);
      expect(again.results).toEqual(ops.map((op, i) => ({ opId: op.id, status: 'duplicate', seq: i + 1 })));
      expect(again.head).toBe(6);
      expect(again.conflicts).toEqual([]);
      expect(await syncState(storage, ledgerId)).toEqual(before);
    });

    it('dedupes an id repeated within one batch and mixes known with new ids', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const [a, b, c] = newExpenses(w, 3) as [Op, Op, Op];
      const first = await storage.appendOps(ledgerId, [a, b, a]);
      expect(first.results).toEqual([
        { opId: a.id, status: 'applied', seq: 1 },
        { opId: b.id, status: 'applied', seq: 2 },
        { opId: a.id, status: 'duplicate', seq: 1 },
      ]);
      expect(first.head).toBe(2);
      const second = await storage.appendOps(ledgerId, [b, c, c]);
      expect(second.results).toEqual([
        { opId: b.id, status: 'duplicate', seq: 2 },
        { opId: c.id, status: 'applied', seq: 3 },
        { opId: c.id, status: 'duplicate', seq: 3 },
      ]);
      expect((await storage.readOps(ledgerId, 0, 10)).ops.map((o) => o.op.id)).toEqual([a.id, b.id, c.id]);
    });

    it('writes nothing of a batch that fails midway', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const existing = newExpenses(w, 3);
      await storage.appendOps(ledgerId, existing);
      const before = await syncState(storage, ledgerId);

      const update = w.edit('expenses', existing[0]?.rowId ?? '', { amount: 99_999 });
      const created = w.edit('expenses', uuidv7(), expenseFields());
      // Passes every in-memory step, then breaks the checksum table's constraint after the log and
      // the rows were already written inside the transaction.
      const broken = { ...w.edit('expenses', uuidv7(), { amount: 5 }), table: 'x'.repeat(40) as TableName };
      await expect(storage.appendOps(ledgerId, [update, created, broken])).rejects.toThrow(/checksum_buckets/);
      expect(await syncState(storage, ledgerId)).toEqual(before);

      // Nothing of the failed attempt lingers: the good ops apply afterwards at the next seqs.
      const retry = await storage.appendOps(ledgerId, [update, created]);
      expect(retry.results.map((r) => [r.status, r.seq])).toEqual([
        ['applied', 4],
        ['applied', 5],
      ]);
      expect((await storage.getRow(ledgerId, 'expenses', update.rowId))?.amount?.value).toBe(99_999);
    });

    it('refuses ops for a ledger that does not exist', async () => {
      const storage = get();
      const ops = newExpenses(new Writer(), 1);
      await expect(storage.appendOps(uuidv7(), ops)).rejects.toMatchObject({ code: 'storage.ledger_not_found' });
    });
  });

  describe('conflicts', () => {
    it('stores concurrent edits as conflicts and returns them with the log and on their own', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const reference = new Reference();
      const alice = new Writer();
      const bob = new Writer();
      const rowId = uuidv7();
      const created = alice.edit('expenses', rowId, expenseFields({ payee: 'Market' }));
      const push = async (ops: Op[]) => {
        reference.push(ops);
        return storage.appendOps(ledgerId, ops);
      };
      await push([created]);
      bob.see([created]);
      const byAlice = alice.edit('expenses', rowId, { payee: 'Farmers market', amount: 800 });
      const byBob = bob.edit('expenses', rowId, { payee: 'Fish market' });
      const bobsLater = bob.edit('expenses', rowId, { note: 'fresh' });
      await push([byAlice]);
      const outcome = await push([byBob, bobsLater]);

      const expected = [...reference.replica.conflicts.values()];
      expect(expected).toHaveLength(1);
      expect(outcome.conflicts).toEqual(expected.map((c) => ({ ...c, seq: 3 })));
      const conflict = outcome.conflicts[0];
      expect(conflict).toMatchObject({ table: 'expenses', rowId, field: 'payee', seq: 3 });
      expect([conflict?.winner.value, conflict?.loser.value].sort()).toEqual(['Farmers market', 'Fish market']);

      expect((await storage.readOps(ledgerId, 0, 10)).conflicts).toEqual(outcome.conflicts);
      expect((await storage.readOps(ledgerId, 2, 1)).conflicts).toEqual(outcome.conflicts);
      expect((await storage.readOps(ledgerId, 0, 2)).conflicts).toEqual([]);
      expect((await storage.readOps(ledgerId, 3, 10)).conflicts).toEqual([]);
      expect(await storage.listConflicts(ledgerId, 0, 10)).toEqual(outcome.conflicts);
      expect(await storage.listConflicts(ledgerId, 3, 10)).toEqual([]);
      expect(await storage.getRow(ledgerId, 'expenses', rowId)).toEqual(reference.replica.row('expenses', rowId));
    });
  });

  describe('reading the log', () => {
    it('pages through 10,000 ops: every seq once, in order, exactly as pushed', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const ops = newExpenses(w, 10_000);
      for (let i = 0; i < ops.length; i += 1000) await storage.appendOps(ledgerId, ops.slice(i, i + 1000));
      expect(await storage.head(ledgerId)).toBe(10_000);

      const seqs: number[] = [];
      let after = 0;
      for (;;) {
        const page = await storage.readOps(ledgerId, after, 1000);
        if (page.ops.length === 0) break;
        expect(page.ops.length).toBeLessThanOrEqual(1000);
        for (const logged of page.ops) {
          seqs.push(logged.seq);
          expect(logged.op).toEqual(ops[logged.seq - 1]);
        }
        after = page.ops.at(-1)?.seq ?? after;
      }
      expect(seqs).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    });
  });

  describe('snapshots and rows', () => {
    it('pages a snapshot over every row once, tombstones included', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const reference = new Reference();
      const ops = [...newExpenses(w, 40)];
      for (let i = 0; i < 6; i++) ops.push(w.edit('categories', uuidv7(), categoryFields(`c${i}`)));
      ops.push(w.edit('expenses', ops[3]?.rowId ?? '', { deleted: true }));
      ops.push(w.edit('inventory', uuidv7(), { createdAt: new Date().toISOString(), deleted: false, name: 'Bike' }));
      reference.push(ops);
      await storage.appendOps(ledgerId, ops);

      const pageSize = 7;
      const rows = await snapshotAll(storage, ledgerId, pageSize);
      const keys = rows.map((r) => `${r.table}/${r.rowId}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual([...keys].sort());
      expect(rows.length).toBe(47);
      expect(Object.fromEntries(rows.map((r) => [`${r.table}/${r.rowId}`, r.fields]))).toEqual(
        Object.fromEntries(reference.replica.snapshot()),
      );
      const tombstone = rows.find((r) => r.rowId === ops[3]?.rowId);
      expect(tombstone?.fields.deleted?.value).toBe(true);
    });

    it('reads the rows of one checksum bucket, paged by row id', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const ops = newExpenses(w, 120);
      await storage.appendOps(ledgerId, ops);
      const seen: string[] = [];
      for (let bucket = 0; bucket < 16; bucket++) {
        const expected = ops
          .map((op) => op.rowId)
          .filter((id) => bucketOf(id) === bucket)
          .sort();
        const got: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await storage.readBucketRows(ledgerId, 'expenses', bucket, after, 3);
          got.push(...page.map((r) => r.rowId));
          for (const r of page) expect(r.fields).toEqual(w.view.row('expenses', r.rowId));
          if (page.length < 3) break;
          after = page.at(-1)?.rowId ?? null;
        }
        expect(got).toEqual(expected);
        seen.push(...got);
      }
      expect(seen.length).toBe(120);
      expect(await storage.readBucketRows(ledgerId, 'categories', 0, null, 10)).toEqual([]);
    });
  });

  describe('checksum', () => {
    it('equals the checksum of a core MemoryReplica fed the same ops', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const reference = new Reference();
      const random = mulberry32(7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const writers = [new Writer(), new Writer(), new Writer()];
      const log: Op[] = [];
      const cursors = writers.map(() => 0);
      const rows: Array<{ table: TableName; rowId: string }> = [];

      for (let round = 0; round < 40; round++) {
        const index = Math.floor(random() * writers.length);
        const writer = writers[index] as Writer;
        if (random() < 0.5) {
          writer.see(log.slice(cursors[index]));
          cursors[index] = log.length;
        }
        const batch: Op[] = [];
        for (let n = 0; n < 1 + Math.floor(random() * 8); n++) batch.push(randomEdit(writer, rows, random, pick));
        // Sometimes a lost acknowledgement: the batch arrives again, plus a repeat of something old.
        if (random() < 0.3 && log.length > 0) batch.push(pick(log));
        reference.push(batch);
        await storage.appendOps(ledgerId, batch);
        for (const op of batch) if (!log.includes(op)) log.push(op);
      }

      const stored = await storage.checksum(ledgerId);
      const expected = reference.replica.checksum.toBuckets();
      expect(stored.buckets).toEqual(expected);
      expect(combineBuckets(stored.buckets)).toBe(reference.replica.checksum.total());
      expect(stored.seq).toBe(await storage.head(ledgerId));
      expect(stored.seq).toBe(log.length);
      expect(stored.buckets.every((b) => /^[0-9a-f]{16}$/.test(b.hash) && b.fields > 0)).toBe(true);

      const snapshot = await snapshotAll(storage, ledgerId);
      expect(Object.fromEntries(snapshot.map((r) => [`${r.table}/${r.rowId}`, r.fields]))).toEqual(
        Object.fromEntries(reference.replica.snapshot()),
      );
      const conflicts = await storage.listConflicts(ledgerId, 0, 1000);
      expect(conflicts.map(({ seq: _, ...c }) => c).sort(byId)).toEqual(
        [...reference.replica.conflicts.values()].sort(byId),
      );
    });

    it('is empty for a new ledger', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      expect(await storage.checksum(ledgerId)).toEqual({ seq: 0, buckets: [] });
    });
  });

  describe('queryRows', () => {
    it('filters, orders newest first and pages by cursor', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new Writer();
      const food = uuidv7();
      const rent = uuidv7();
      const spec: Array<[date: string, category: string | null]> = [
        ['2025-01-10', food],
        ['2025-01-10', rent],
        ['2025-02-01', food],
        ['2024-12-31', null],
        ['2025-01-20', food],
        ['2025-01-15', rent],
        ['2025-01-10', food],
      ];
      const ids = spec.map(() => uuidv7());
      const ops = spec.map(([date, categoryId], i) =>
        w.edit('expenses', ids[i] as string, expenseFields({ date, categoryId })),
      );
      ops.push(w.edit('expenses', ids[4] as string, { deleted: true }));
      ops.push(w.edit('expenses', ids[3] as string, { date: '2025-03-01' })); // moves to the top
      ops.push(w.edit('inventory', uuidv7(), { createdAt: new Date().toISOString(), deleted: false, name: 'Desk', purchaseDate: '2025-01-12' }));
      ops.push(w.edit('categories', uuidv7(), categoryFields('Food')));
      await storage.appendOps(ledgerId, ops);

      const dates = new Map(ids.map((id, i) => [id, spec[i]?.[0] ?? '']));
      dates.set(ids[3] as string, '2025-03-01');
      const order = (list: string[]) =>
        [...list].sort((a, b) => {
          const [da, db] = [dates.get(a) ?? '', dates.get(b) ?? ''];
          return da === db ? (a < b ? 1 : -1) : da < db ? 1 : -1;
        });
      const live = ids.filter((_, i) => i !== 4);
      const query = async (q: Omit<Parameters<Storage['queryRows']>[1], 'table' | 'limit'> & { limit?: number }) =>
        (await storage.queryRows(ledgerId, { table: 'expenses', limit: 100, ...q })).items.map((r) => r.rowId);

      expect(await query({})).toEqual(order(live));
      expect(await query({ includeDeleted: true })).toEqual(order(ids));
      expect(await query({ from: '2025-01-10', to: '2025-01-20' })).toEqual(
        order([ids[0], ids[1], ids[5], ids[6]] as string[]),
      );
      expect(await query({ from: '2025-01-10', to: '2025-01-20', includeDeleted: true })).toContain(ids[4]);
      expect(await query({ from: '2025-02-01' })).toEqual(order([ids[2], ids[3]] as string[]));
      expect(await query({ to: '2024-12-31' })).toEqual([]);
      expect(await query({ categoryId: food })).toEqual(order([ids[0], ids[2], ids[6]] as string[]));
      expect(await query({ categoryId: rent, from: '2025-01-11' })).toEqual([ids[5]]);

      const first = await storage.queryRows(ledgerId, { table: 'expenses', limit: 100 });
      expect(first.nextCursor).toBeNull();
      expect(first.items[0]?.row).toEqual(w.view.row('expenses', ids[3] as string));
      expect(first.items[0]?.table).toBe('expenses');

      const paged: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await storage.queryRows(ledgerId, { table: 'expenses', limit: 2, includeDeleted: true, cursor });
        paged.push(...page.items.map((r) => r.rowId));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      } while (cursor);
      expect(paged).toEqual(order(ids));
      expect(pages).toBe(4);

      const inventory = await storage.queryRows(ledgerId, { table: 'inventory', limit: 10, from: '2025-01-01' });
      expect(inventory.items.map((r) => r.row.name?.value)).toEqual(['Desk']);
      // Undated rows are listed, but never inside a date range.
      expect((await storage.queryRows(ledgerId, { table: 'categories', limit: 10 })).items).toHaveLength(1);
      expect((await storage.queryRows(ledgerId, { table: 'categories', limit: 10, to: '2100-01-01' })).items).toEqual([]);

      await expect(storage.queryRows(ledgerId, { table: 'expenses', limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'request.bad_cursor',
      });
    });
  });

  describe('ledgers', () => {
    it('keeps ledgers apart, even for the same op', async () => {
      const storage = get();
      const a = await newAccount(storage, 'a');
      const b = await newAccount(storage, 'b');
      const w = new Writer();
      const ops = newExpenses(w, 4);
      await storage.appendOps(a.ledgerId, ops);
      expect(await syncState(storage, b.ledgerId)).toEqual({
        head: 0,
        ops: [],
        rows: [],
        checksum: { seq: 0, buckets: [] },
        conflicts: [],
      });
      expect((await storage.queryRows(b.ledgerId, { table: 'expenses', limit: 10 })).items).toEqual([]);
      expect(await storage.getRow(b.ledgerId, 'expenses', ops[0]?.rowId ?? '')).toBeNull();

      // Op ids are unique per ledger: the same op in another ledger is new there.
      const inB = await storage.appendOps(b.ledgerId, ops.slice(0, 2));
      expect(inB.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(await storage.head(a.ledgerId)).toBe(4);
      expect((await storage.checksum(b.ledgerId)).buckets).not.toEqual((await storage.checksum(a.ledgerId)).buckets);
    });

    it('deleteUser removes every row of that ledger and nothing of another', async () => {
      const storage = get();
      const doomed = await seedAccount(storage, 'doomed');
      const kept = await seedAccount(storage, 'kept');
      const keptBefore = await syncState(storage, kept.ledgerId);

      await storage.deleteUser(doomed.userId);
      expect(await storage.findUserById(doomed.userId)).toBeNull();
      expect(await storage.findUserByEmail(doomed.email)).toBeNull();
      expect(await storage.listDevices(doomed.ledgerId)).toEqual([]);
      expect(await storage.findRefreshToken(doomed.tokenHash)).toBeNull();
      expect(await storage.listAudit(doomed.ledgerId, 10)).toEqual([]);
      expect(await syncState(storage, doomed.ledgerId)).toEqual({
        head: 0,
        ops: [],
        rows: [],
        checksum: { seq: 0, buckets: [] },
        conflicts: [],
      });
      // The ledger row itself is gone too.
      await expect(storage.appendOps(doomed.ledgerId, newExpenses(new Writer(), 1))).rejects.toMatchObject({
        code: 'storage.ledger_not_found',
      });
      // Its email is free again.
      await storage.createUser({ id: uuidv7(), email: doomed.email, passwordHash: 'x', ledgerId: uuidv7() });

      expect(await storage.findUserById(kept.userId)).not.toBeNull();
      expect(await storage.listDevices(kept.ledgerId)).toHaveLength(1);
      expect(await storage.findRefreshToken(kept.tokenHash)).not.toBeNull();
      expect(await storage.listAudit(kept.ledgerId, 10)).toHaveLength(1);
      expect(await syncState(storage, kept.ledgerId)).toEqual(keptBefore);
      expect(keptBefore.conflicts).toHaveLength(1);
      await storage.deleteUser(uuidv7()); // unknown: nothing to do
    });
  });
}

/** An account with something in every table: device, token, audit event, ops, rows, a conflict. */
async function seedAccount(storage: Storage, label: string) {
  const account = await newAccount(storage, label);
  const deviceId = '0123456789abcdef';
  await storage.upsertDevice({
    ledgerId: account.ledgerId,
    id: deviceId,
    userId: account.userId,
    name: label,
    platform: 'web',
    publicKeyJwk: '{}',
    alg: 'ed25519',
  });
  const tokenHash = `${label}-${account.userId}`;
  await storage.insertRefreshToken({
    tokenHash,
    ledgerId: account.ledgerId,
    userId: account.userId,
    deviceId,
    familyId: tokenHash,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 1000).toISOString(),
  });
  await storage.recordAudit({ ledgerId: account.ledgerId, userId: account.userId, deviceId, kind: 'auth.signin', ip: null, detail: {} });
  const a = new Writer();
  const b = new Writer();
  const rowId = uuidv7();
  const created = a.edit('expenses', rowId, expenseFields());
  b.see([created]);
  await storage.appendOps(account.ledgerId, [created, ...newExpenses(a, 3)]);
  await storage.appendOps(account.ledgerId, [a.edit('expenses', rowId, { amount: 1 })]);
  await storage.appendOps(account.ledgerId, [b.edit('expenses', rowId, { amount: 2 })]);
  return { ...account, tokenHash };
}

function randomEdit(
  writer: Writer,
  rows: Array<{ table: TableName; rowId: string }>,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Op {
  if (rows.length === 0 || random() < 0.3) {
    const table = pick(['expenses', 'categories'] as const);
    const rowId = uuidv7();
    rows.push({ table, rowId });
    return writer.edit(table, rowId, table === 'expenses' ? expenseFields() : categoryFields('New'));
  }
  const { table, rowId } = pick(rows);
  const roll = random();
  if (roll < 0.15) return writer.edit(table, rowId, { deleted: random() < 0.7 });
  if (table === 'categories') return writer.edit(table, rowId, { name: `n${Math.floor(random() * 5)}` });
  if (roll < 0.5) return writer.edit(table, rowId, { amount: 1 + Math.floor(random() * 5000) });
  if (roll < 0.8) return writer.edit(table, rowId, { payee: `p${Math.floor(random() * 5)}`, note: 'n' });
  return writer.edit(table, rowId, { date: `2025-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}` });
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A small seeded PRNG, so a failing run can be replayed. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
