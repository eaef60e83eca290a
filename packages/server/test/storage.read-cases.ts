import { bucketOf, combineBuckets, decodeRows, type Op, type TableName, uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import {
  exampleCategory,
  exampleExpense,
  newAccount,
  newExpenses,
  OpWriter,
  Reference,
  snapshotAll,
} from './support/index.js';

/** Reading the synced state back: the log, snapshots, buckets, the checksum and the read API. */
export function readCases(get: () => Storage): void {
  describe('reading the log', () => {
    it('pages through 10,000 ops: every seq once, in order, exactly as pushed', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new OpWriter();
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
      const w = new OpWriter();
      const reference = new Reference();
      const ops = [...newExpenses(w, 40)];
      for (let i = 0; i < 6; i++) ops.push(w.edit('categories', uuidv7(), exampleCategory(`c${i}`)));
      ops.push(w.edit('expenses', ops[3]?.rowId ?? '', { deleted: true }));
      ops.push(
        w.edit('inventory', uuidv7(), { createdAt: new Date().toISOString(), deleted: false, name: 'Bike' }),
      );
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
      const w = new OpWriter();
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
          for (const r of decodeRows(page).rows) expect(r.fields).toEqual(w.view.row('expenses', r.rowId));
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
      const writers = [new OpWriter(), new OpWriter(), new OpWriter()];
      const log: Op[] = [];
      const cursors = writers.map(() => 0);
      const rows: Array<{ table: TableName; rowId: string }> = [];

      for (let round = 0; round < 40; round++) {
        const index = Math.floor(random() * writers.length);
        const writer = writers[index] as OpWriter;
        if (random() < 0.5) {
          writer.see(log.slice(cursors[index]));
          cursors[index] = log.length;
        }
        const batch: Op[] = [];
        for (let n = 0; n < 1 + Math.floor(random() * 8); n++)
          batch.push(randomEdit(writer, rows, random, pick));
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
      const w = new OpWriter();
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
        w.edit('expenses', ids[i] as string, exampleExpense({ date, categoryId })),
      );
      ops.push(w.edit('expenses', ids[4] as string, { deleted: true }));
      ops.push(w.edit('expenses', ids[3] as string, { date: '2025-03-01' })); // moves to the top
      ops.push(
        w.edit('inventory', uuidv7(), {
          createdAt: new Date().toISOString(),
          deleted: false,
          name: 'Desk',
          purchaseDate: '2025-01-12',
        }),
      );
      ops.push(w.edit('categories', uuidv7(), exampleCategory('Food')));
      await storage.appendOps(ledgerId, ops);

      const dates = new Map(ids.map((id, i) => [id, spec[i]?.[0] ?? '']));
      dates.set(ids[3] as string, '2025-03-01');
      const order = (list: string[]) =>
        [...list].sort((a, b) => {
          const [da, db] = [dates.get(a) ?? '', dates.get(b) ?? ''];
          return da === db ? (a < b ? 1 : -1) : da < db ? 1 : -1;
        });
      const live = ids.filter((_, i) => i !== 4);
      const query = async (
        q: Omit<Parameters<Storage['queryRows']>[1], 'table' | 'limit'> & { limit?: number },
      ) =>
        (await storage.queryRows(ledgerId, { table: 'expenses', limit: 100, ...q })).items.map(
          (r) => r.rowId,
        );

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
        const page = await storage.queryRows(ledgerId, {
          table: 'expenses',
          limit: 2,
          includeDeleted: true,
          cursor,
        });
        paged.push(...page.items.map((r) => r.rowId));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      } while (cursor);
      expect(paged).toEqual(order(ids));
      expect(pages).toBe(4);

      const inventory = await storage.queryRows(ledgerId, {
        table: 'inventory',
        limit: 10,
        from: '2025-01-01',
      });
      expect(inventory.items.map((r) => r.row.name?.value)).toEqual(['Desk']);
      // Undated rows are listed, but never inside a date range.
      expect((await storage.queryRows(ledgerId, { table: 'categories', limit: 10 })).items).toHaveLength(1);
      expect(
        (await storage.queryRows(ledgerId, { table: 'categories', limit: 10, to: '2100-01-01' })).items,
      ).toEqual([]);

      await expect(
        storage.queryRows(ledgerId, { table: 'expenses', limit: 2, cursor: 'not-a-cursor' }),
      ).rejects.toMatchObject({
        code: 'request.bad_cursor',
      });
    });

    it('keeps its cursor format, so cursors handed out before still page on, and checks each part', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new OpWriter();
      const dates = ['2025-01-03', '2025-01-02', '2025-01-01'];
      const ids = dates.map(() => uuidv7());
      await storage.appendOps(
        ledgerId,
        dates.map((date, i) => w.edit('expenses', ids[i] as string, exampleExpense({ date }))),
      );
      // The format cursors have always had: base64url of the JSON [sort date, row id] of the last row.
      const earlierCursor = (position: string[]) =>
        Buffer.from(JSON.stringify(position)).toString('base64url');
      const first = await storage.queryRows(ledgerId, { table: 'expenses', limit: 1 });
      expect(first.nextCursor).toBe(earlierCursor(['2025-01-03', ids[0] as string]));
      const rest = await storage.queryRows(ledgerId, {
        table: 'expenses',
        limit: 10,
        cursor: earlierCursor(['2025-01-02', ids[1] as string]),
      });
      expect(rest).toEqual({ items: [expect.objectContaining({ rowId: ids[2] })], nextCursor: null });
      for (const cursor of [
        earlierCursor(['2025-01-02']),
        earlierCursor(['2025-01-02', ids[1] as string, 'x']),
        earlierCursor(['2025-01-02\u0000', ids[1] as string]),
        earlierCursor(['2025-01-02', 'not a row id']),
        earlierCursor(['2025-13-40', ids[1] as string]),
      ]) {
        await expect(
          storage.queryRows(ledgerId, { table: 'expenses', limit: 1, cursor }),
        ).rejects.toMatchObject({
          code: 'request.bad_cursor',
        });
      }
    });
  });
}

function randomEdit(
  writer: OpWriter,
  rows: Array<{ table: TableName; rowId: string }>,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Op {
  if (rows.length === 0 || random() < 0.3) {
    const table = pick(['expenses', 'categories'] as const);
    const rowId = uuidv7();
    rows.push({ table, rowId });
    return writer.edit(table, rowId, table === 'expenses' ? exampleExpense() : exampleCategory('New'));
  }
  const { table, rowId } = pick(rows);
  const roll = random();
  if (roll < 0.15) return writer.edit(table, rowId, { deleted: random() < 0.7 });
  if (table === 'categories') return writer.edit(table, rowId, { name: `n${Math.floor(random() * 5)}` });
  if (roll < 0.5) return writer.edit(table, rowId, { amount: 1 + Math.floor(random() * 5000) });
  if (roll < 0.8) return writer.edit(table, rowId, { payee: `p${Math.floor(random() * 5)}`, note: 'n' });
  return writer.edit(table, rowId, {
    date: `2025-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
  });
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
