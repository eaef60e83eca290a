import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kakeibo as KakeiboType } from '../src/index.js';
import { type Harness, harness, STORE_MODES, TestStores } from './support/index.js';

/** What a person sees of the expenses: every row with its values (tombstones included), no times. */
async function expenses(kb: KakeiboType) {
  const page = await kb.expenses.list({ limit: 500, includeDeleted: true });
  return page.items.map(({ updatedAt: _, ...row }) => row).sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe.each(STORE_MODES)('undo and redo, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const offline = () => stores.offline();

  it('reverts an edit, a deletion and a whole batch one step at a time, and redoes them', async () => {
    const kb = await offline();
    expect(await kb.undo()).toBeNull();
    const lunch = await kb.expenses.create({
      amount: 1_200,
      currency: 'EUR',
      date: '2026-03-02',
      payee: 'Café',
    });
    const created = await expenses(kb);
    await kb.expenses.update(lunch.id, { amount: 1_500, note: 'with cake' });
    await kb.expenses.remove(lunch.id);
    await kb.expenses.createMany([
      { amount: 1, currency: 'EUR', date: '2026-03-03' },
      { amount: 2, currency: 'EUR', date: '2026-03-04' },
    ]);
    const latest = await expenses(kb);
    expect(kb.undoState()).toEqual({ canUndo: true, canRedo: false });

    expect(await kb.undo()).toEqual({ rows: 2, skipped: [] }); // the batch, as one step
    expect(await kb.undo()).toEqual({ rows: 1, skipped: [] }); // the deletion
    expect((await kb.expenses.get(lunch.id))?.deleted).toBe(false);
    await kb.undo(); // the edit
    expect((await expenses(kb)).find((r) => r.id === lunch.id)).toEqual(created[0]);

    for (let i = 0; i < 3; i++) expect(await kb.redo()).not.toBeNull();
    expect(await kb.redo()).toBeNull();
    expect(await expenses(kb)).toEqual(latest);

    // A new change after an undo: what was undone can no longer be redone.
    await kb.undo();
    await kb.expenses.create({ amount: 3, currency: 'EUR', date: '2026-03-05' });
    expect(kb.undoState().canRedo).toBe(false);
  });

  it('undoing every step gives back the state before them, and redoing every step the state after', async () => {
    const kb = await offline();
    const seed = await kb.expenses.createMany(
      [1, 2, 3].map((n) => ({ amount: n * 100, currency: 'EUR', date: `2026-01-0${n}`, payee: `P${n}` })),
    );
    const ids = seed.map((r) => r.id);
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('amount' as const),
        row: fc.nat(2),
        amount: fc.integer({ min: 1, max: 99_999 }),
      }),
      fc.record({ kind: fc.constant('payee' as const), row: fc.nat(2), payee: fc.string({ maxLength: 10 }) }),
      fc.record({ kind: fc.constant('remove' as const), row: fc.nat(2) }),
      fc.record({ kind: fc.constant('create' as const), amount: fc.integer({ min: 1, max: 99_999 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const before = await expenses(kb);
        let made = 0;
        for (const s of steps) {
          const id = ids[s.kind === 'create' ? 0 : s.row] as string;
          const row = await kb.expenses.get(id);
          if (s.kind !== 'create' && !row) continue; // an edit of a deleted row is refused
          if (s.kind === 'amount') await kb.expenses.update(id, { amount: s.amount });
          else if (s.kind === 'payee') await kb.expenses.update(id, { payee: s.payee });
          else if (s.kind === 'remove') await kb.expenses.remove(id);
          else await kb.expenses.create({ amount: s.amount, currency: 'EUR', date: '2026-02-01' });
          made++;
        }
        const after = await expenses(kb);
        for (let i = 0; i < made; i++) expect((await kb.undo())?.skipped).toEqual([]);
        // Created rows come back as tombstones: the state before them, as a person sees it.
        expect((await expenses(kb)).filter((r) => !r.deleted)).toEqual(before.filter((r) => !r.deleted));
        for (let i = 0; i < made; i++) await kb.redo();
        expect(await expenses(kb)).toEqual(after);
      }),
      { numRuns: 20 },
    );
  });

  it('does not count recurring occurrences falling due as the person’s change', async () => {
    const kb = await offline();
    const coffee = await kb.expenses.create({ amount: 350, currency: 'EUR', date: '2026-01-02' });
    await kb.recurring.materialize(); // nothing due: no step either
    await kb.undo();
    expect(await kb.expenses.get(coffee.id)).toBeNull();
  });
});

describe('undo against a newer change from another device', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('leaves the newer value, says which field it left, and reverts the rest', async () => {
    h = await harness();
    const [a, b] = (await h.account(['a', 'b'])) as [KakeiboType, KakeiboType];
    const rent = await a.expenses.create({
      amount: 90_000,
      currency: 'EUR',
      date: '2026-02-01',
      payee: 'Landlord',
    });
    await a.expenses.update(rent.id, { amount: 92_000, note: 'raised' });
    await a.sync();
    await b.sync();
    await b.expenses.update(rent.id, { note: 'raised in February' });
    await b.sync();
    await a.sync();
    expect(await a.undo()).toEqual({
      rows: 1,
      skipped: [{ table: 'expenses', rowId: rent.id, field: 'note' }],
    });
    expect(await a.expenses.get(rent.id)).toMatchObject({ amount: 90_000, note: 'raised in February' });
    await a.sync();
    await b.sync();
    expect(await b.expenses.get(rent.id)).toMatchObject({ amount: 90_000, note: 'raised in February' });
    expect(await a.sync()).toMatchObject({ verified: true });
  });
});
