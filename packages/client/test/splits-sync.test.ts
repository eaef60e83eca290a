import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kakeibo } from '../src/index.js';
import { type Harness, harness } from './support/index.js';

let h: Harness;

beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const march = { from: '2026-03-01', to: '2026-03-31' };
const report = async (kb: Kakeibo) =>
  (await kb.reports.spendingByCategory(march)).map((t) => [t.categoryId, t.amount, t.count]);

describe('split entries through a real server', () => {
  it('sync as one field, and concurrent edits of amount and parts still count every cent once', async () => {
    // c signs in now but first syncs at the end: it starts from a snapshot of the stored rows.
    const [a, b, c] = (await h.account(['a', 'b', 'c'])) as [Kakeibo, Kakeibo, Kakeibo];
    const food = await a.categories.create({ name: 'Food', kind: 'expense' });
    const home = await a.categories.create({ name: 'Household', kind: 'expense' });
    const entry = await a.expenses.create({
      amount: 1_000,
      currency: 'EUR',
      date: '2026-03-10',
      categoryId: food.id,
      splits: [
        { categoryId: food.id, amount: 400, note: 'milk' },
        { categoryId: home.id, amount: 600 },
      ],
    });
    expect(await a.sync()).toMatchObject({ verified: true });
    expect(await b.sync()).toMatchObject({ verified: true });
    expect((await b.expenses.get(entry.id))?.splits).toEqual([
      { categoryId: food.id, amount: 400, note: 'milk' },
      { categoryId: home.id, amount: 600, note: '' },
    ]);
    expect(await report(b)).toEqual(await report(a));

    // Offline on both: a changes the amount with its parts, then b (later) only the parts.
    await a.expenses.update(entry.id, {
      amount: 1_200,
      splits: [
        { categoryId: food.id, amount: 400 },
        { categoryId: home.id, amount: 800 },
      ],
    });
    await b.expenses.update(entry.id, {
      splits: [
        { categoryId: food.id, amount: 500 },
        { categoryId: home.id, amount: 500 },
      ],
    });
    await a.sync();
    await b.sync();
    expect(await a.sync()).toMatchObject({ verified: true });
    // Last writer wins per field: a's amount, b's parts. They no longer match, and the 200 the
    // parts do not cover stays under the entry's own category: the total is still the amount.
    const merged = await a.expenses.get(entry.id);
    expect(merged).toMatchObject({ amount: 1_200 });
    expect(merged?.splits).toEqual([
      { categoryId: food.id, amount: 500, note: '' },
      { categoryId: home.id, amount: 500, note: '' },
    ]);
    const expected = [
      [food.id, 700, 2],
      [home.id, 500, 1],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(await report(a)).toEqual(expected);
    expect(await report(b)).toEqual(expected);

    // The new device's rows, stored as the snapshot brought them, give the same report.
    expect(await c.sync()).toMatchObject({ verified: true });
    expect(await report(c)).toEqual(expected);
  });
});
