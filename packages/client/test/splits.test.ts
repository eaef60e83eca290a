import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kakeibo } from '../src/kakeibo.js';
import { STORE_MODES, TestStores } from './support/index.js';

/**
 * Split entries on the local store alone: one expense shared among categories, its parts summing
 * exactly to its amount, each part counted under its own category by reports and budgets.
 */
describe.each(STORE_MODES)('split entries, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const month = { from: '2026-03-01', to: '2026-03-31' };
  const base = { currency: 'EUR', date: '2026-03-10' } as const;

  async function ledger() {
    const kb = await stores.offline();
    const food = await kb.categories.create({ name: 'Food', kind: 'expense' });
    const home = await kb.categories.create({ name: 'Household', kind: 'expense' });
    const fun = await kb.categories.create({ name: 'Fun', kind: 'expense' });
    return { kb, food: food.id, home: home.id, fun: fun.id };
  }

  const byCategory = async (kb: Kakeibo) =>
    Object.fromEntries(
      (await kb.reports.spendingByCategory(month)).map((t) => [
        `${t.categoryId ?? 'none'} ${t.currency}`,
        [t.amount, t.count],
      ]),
    );

  it('stores the parts, returns them as given, and counts each under its own category', async () => {
    const { kb, food, home, fun } = await ledger();
    const shop = await kb.expenses.create({
      ...base,
      amount: 10_000,
      payee: 'Supermarket',
      categoryId: food,
      splits: [
        { categoryId: food, amount: 6_000, note: 'groceries' },
        { categoryId: home, amount: 3_500 },
        { categoryId: null, amount: 500, note: 'bag' },
      ],
    });
    const parts = [
      { categoryId: food, amount: 6_000, note: 'groceries' },
      { categoryId: home, amount: 3_500, note: '' },
      { categoryId: null, amount: 500, note: 'bag' },
    ];
    expect(shop.splits).toEqual(parts);
    expect((await kb.expenses.get(shop.id))?.splits).toEqual(parts);
    expect((await kb.expenses.list()).items[0]?.splits).toEqual(parts);
    await kb.expenses.create({ ...base, amount: 1_000, categoryId: fun });
    await kb.expenses.create({ ...base, amount: 200, categoryId: food });

    expect(await byCategory(kb)).toEqual({
      'none EUR': [500, 1],
      [`${food} EUR`]: [6_200, 2],
      [`${home} EUR`]: [3_500, 1],
      [`${fun} EUR`]: [1_000, 1],
    });
    // Every cent is counted once: the report's total is the entries' total.
    const total = (await kb.reports.spendingByCategory(month)).reduce((s, t) => s + t.amount, 0);
    expect(total).toBe(11_200);

    // A budget over one category counts only its part; one over all spending counts the whole.
    await kb.budgets.create({
      categoryId: home,
      period: 'monthly',
      limitAmount: 5_000,
      currency: 'EUR',
      startDate: '2026-01-01',
    });
    await kb.budgets.create({
      categoryId: null,
      period: 'monthly',
      limitAmount: 50_000,
      currency: 'EUR',
      startDate: '2026-01-01',
    });
    const progress = await kb.budgets.progress({ month: '2026-03' });
    expect(progress.map((p) => [p.categoryId, p.spent])).toEqual(
      expect.arrayContaining([
        [home, 3_500],
        [null, 11_200],
      ]),
    );
    // The converted report (per day and category) counts the parts the same way.
    const converted = await kb.reports.converted({ ...month, homeCurrency: 'EUR' });
    expect(converted.expenses).toBe(11_200);
    expect(converted.byCategory).toEqual(expect.arrayContaining([{ categoryId: home, amount: 3_500 }]));
  });

  it('refuses parts that do not sum to the amount, a single part, and a bad part, storing nothing', async () => {
    const { kb, food, home } = await ledger();
    await expect(
      kb.expenses.create({
        ...base,
        amount: 10_000,
        splits: [
          { categoryId: food, amount: 6_000 },
          { categoryId: home, amount: 3_000 },
        ],
      }),
    ).rejects.toThrow(
      'Split entry: the parts add up to 9000 minor units but the amount is 10000: change a part or the amount so they match.',
    );
    await expect(
      kb.expenses.create({ ...base, amount: 100, splits: [{ categoryId: food, amount: 100 }] }),
    ).rejects.toThrow(/splits: must have no parts \(not split\) or from 2 to 50 parts/);
    await expect(
      kb.expenses.create({
        ...base,
        amount: 100,
        splits: [
          { categoryId: food, amount: 100 },
          { categoryId: home, amount: 0 },
        ],
      }),
    ).rejects.toThrow(/splits\.1\.amount: must be greater than zero/);
    // One bad entry in a batch refuses the batch.
    await expect(
      kb.expenses.createMany([
        { ...base, amount: 5 },
        {
          ...base,
          amount: 5,
          splits: [
            { categoryId: food, amount: 3 },
            { categoryId: home, amount: 3 },
          ],
        },
      ]),
    ).rejects.toThrow(/Split entry #2: the parts add up to 6/);
    expect((await kb.expenses.list()).items).toEqual([]);
    expect(kb.status().pendingOps).toBe(3);
  });

  it('changes amount and parts together, refuses one without the other, and can undo the split', async () => {
    const { kb, food, home } = await ledger();
    const entry = await kb.expenses.create({ ...base, amount: 1_000, categoryId: food });
    const split = await kb.expenses.update(entry.id, {
      splits: [
        { categoryId: food, amount: 400 },
        { categoryId: home, amount: 600 },
      ],
    });
    expect(split.splits).toHaveLength(2);
    expect(await byCategory(kb)).toEqual({ [`${food} EUR`]: [400, 1], [`${home} EUR`]: [600, 1] });

    await expect(kb.expenses.update(entry.id, { amount: 1_200 })).rejects.toThrow(
      'Split entry: the parts add up to 1000 minor units but the amount is 1200',
    );
    await kb.expenses.update(entry.id, {
      amount: 1_200,
      splits: [
        { categoryId: food, amount: 400 },
        { categoryId: home, amount: 800 },
      ],
    });
    expect(await byCategory(kb)).toEqual({ [`${food} EUR`]: [400, 1], [`${home} EUR`]: [800, 1] });

    // Undo restores the previous parts and amount exactly; no parts makes it one entry again.
    await kb.undo();
    expect(await byCategory(kb)).toEqual({ [`${food} EUR`]: [400, 1], [`${home} EUR`]: [600, 1] });
    await kb.expenses.update(entry.id, { splits: [] });
    expect((await kb.expenses.get(entry.id))?.splits).toEqual([]);
    expect(await byCategory(kb)).toEqual({ [`${food} EUR`]: [1_000, 1] });

    // A deleted split entry counts nowhere.
    await kb.undo();
    await kb.expenses.remove(entry.id);
    expect(await byCategory(kb)).toEqual({});
  });

  it('reports equal a reference fold of the entries and their parts, for random ledgers', async () => {
    const { kb, food, home, fun } = await ledger();
    const categories = [food, home, fun, null];
    const part = fc.record({
      category: fc.constantFrom(...categories),
      amount: fc.integer({ min: 1, max: 5_000 }),
    });
    const entry = fc.record({
      category: fc.constantFrom(...categories),
      day: fc.integer({ min: 1, max: 28 }),
      currency: fc.constantFrom('EUR', 'JPY'),
      amount: fc.integer({ min: 1, max: 9_000 }),
      parts: fc.oneof(fc.constant([]), fc.array(part, { minLength: 2, maxLength: 4 })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 25 }),
        fc.integer({ min: 0, max: 30 }),
        async (entries, drop) => {
          await kb.expenses.createMany(
            entries.map((e) => ({
              amount: e.parts.length > 0 ? e.parts.reduce((s, p) => s + p.amount, 0) : e.amount,
              currency: e.currency,
              date: `2026-03-${String(e.day).padStart(2, '0')}`,
              categoryId: e.category,
              splits: e.parts.map((p) => ({ categoryId: p.category, amount: p.amount })),
            })),
          );
          // Delete one entry of the ledger (or none), then fold every live entry by hand.
          const live = (await kb.expenses.list({ limit: 200 })).items;
          const gone = live[drop];
          if (gone) await kb.expenses.remove(gone.id);
          const expected = new Map<string, [number, number]>();
          const add = (category: unknown, currency: unknown, amount: number) => {
            const key = `${(category as string | null) ?? 'none'} ${String(currency)}`;
            const [sum, n] = expected.get(key) ?? [0, 0];
            expected.set(key, [sum + amount, n + 1]);
          };
          for (const row of live) {
            if (row.id === gone?.id) continue;
            const parts = row.splits as Array<{ categoryId: string | null; amount: number }>;
            if (parts.length > 0) {
              expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(row.amount);
              for (const p of parts) add(p.categoryId, row.currency, p.amount);
            } else add(row.categoryId, row.currency, row.amount as number);
          }
          expect(await byCategory(kb)).toEqual(Object.fromEntries(expected));
          // Start the next run from an empty ledger.
          for (const row of live) if (row.id !== gone?.id) await kb.expenses.remove(row.id);
        },
      ),
      { numRuns: 25 },
    );
  });
});
