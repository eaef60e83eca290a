import { type Op, type TableName, uuidv7 } from '@kakeibo/core';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/index.js';
import {
  exampleCategory,
  exampleExpense,
  newAccount,
  newExpenses,
  OpWriter,
  Reference,
  syncState,
} from './support/index.js';

/** appendOps: sequencing, idempotence, atomicity, concurrency and the conflicts it reveals. */
export function appendCases(get: () => Storage): void {
  describe('appendOps', () => {
    it('applies ops, numbers them from 1 and materialises rows', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const w = new OpWriter();
      const rowId = uuidv7();
      const ops = [
        w.edit('expenses', rowId, exampleExpense({ payee: 'Bakery' })),
        w.edit('expenses', rowId, { amount: 450 }),
        w.edit('categories', uuidv7(), exampleCategory('Food')),
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
      const w = new OpWriter();
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
      const w = new OpWriter();
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
      const w = new OpWriter();
      const existing = newExpenses(w, 3);
      await storage.appendOps(ledgerId, existing);
      const before = await syncState(storage, ledgerId);

      const update = w.edit('expenses', existing[0]?.rowId ?? '', { amount: 99_999 });
      const created = w.edit('expenses', uuidv7(), exampleExpense());
      // Passes every in-memory step, then breaks the checksum table's constraint after the log and
      // the rows were already written inside the transaction.
      const broken = { ...w.edit('expenses', uuidv7(), { amount: 5 }), table: 'x'.repeat(40) as TableName };
      await expect(storage.appendOps(ledgerId, [update, created, broken])).rejects.toThrow(
        /checksum_buckets/,
      );
      expect(await syncState(storage, ledgerId)).toEqual(before);

      // Nothing of the failed attempt lingers: the good ops apply afterwards at the next seqs.
      const retry = await storage.appendOps(ledgerId, [update, created]);
      expect(retry.results.map((r) => [r.status, r.seq])).toEqual([
        ['applied', 4],
        ['applied', 5],
      ]);
      expect((await storage.getRow(ledgerId, 'expenses', update.rowId))?.amount?.value).toBe(99_999);
    });

    it('sequences concurrent appends to one ledger without gaps or repeats', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const batches = [0, 1, 2, 3].map(() => newExpenses(new OpWriter(), 50));
      const outcomes = await Promise.all(batches.map((batch) => storage.appendOps(ledgerId, batch)));
      const seqs = outcomes.flatMap((o) => o.results.map((r) => r.seq)).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await storage.head(ledgerId)).toBe(200);

      // The same batch pushed twice at once (a retry racing the original) is stored once.
      const batch = newExpenses(new OpWriter(), 20);
      const [first, second] = await Promise.all([
        storage.appendOps(ledgerId, batch),
        storage.appendOps(ledgerId, batch),
      ]);
      const statuses = [first, second].map((o) => o?.results.map((r) => r.status));
      expect(statuses).toContainEqual(Array(20).fill('applied'));
      expect(statuses).toContainEqual(Array(20).fill('duplicate'));
      expect(first?.results.map((r) => r.seq)).toEqual(second?.results.map((r) => r.seq));
      expect(await storage.head(ledgerId)).toBe(220);
    });

    it('refuses ops for a ledger that does not exist', async () => {
      const storage = get();
      const ops = newExpenses(new OpWriter(), 1);
      await expect(storage.appendOps(uuidv7(), ops)).rejects.toMatchObject({
        code: 'storage.ledger_not_found',
      });
    });
  });

  describe('conflicts', () => {
    it('stores concurrent edits as conflicts and returns them with the log and on their own', async () => {
      const storage = get();
      const { ledgerId } = await newAccount(storage);
      const reference = new Reference();
      const alice = new OpWriter();
      const bob = new OpWriter();
      const rowId = uuidv7();
      const created = alice.edit('expenses', rowId, exampleExpense({ payee: 'Market' }));
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
      expect([conflict?.winner.value, conflict?.loser.value].sort()).toEqual([
        'Farmers market',
        'Fish market',
      ]);

      expect((await storage.readOps(ledgerId, 0, 10)).conflicts).toEqual(outcome.conflicts);
      expect((await storage.readOps(ledgerId, 2, 1)).conflicts).toEqual(outcome.conflicts);
      expect((await storage.readOps(ledgerId, 0, 2)).conflicts).toEqual([]);
      expect((await storage.readOps(ledgerId, 3, 10)).conflicts).toEqual([]);
      expect(await storage.listConflicts(ledgerId, 0, 10)).toEqual(outcome.conflicts);
      expect(await storage.listConflicts(ledgerId, 3, 10)).toEqual([]);
      expect(await storage.getRow(ledgerId, 'expenses', rowId)).toEqual(
        reference.replica.row('expenses', rowId),
      );
    });
  });
}
