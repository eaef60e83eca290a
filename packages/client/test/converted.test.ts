import { afterEach, describe, expect, it } from 'vitest';
import { STORE_MODES, TestStores } from './support/index.js';

/** kb.rates and kb.reports.converted on the local store: several currencies in one home currency. */
describe.each(STORE_MODES)('converted totals, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  it('converts each day at the latest rate on or before it, and lists what has no rate', async () => {
    const kb = await stores.offline();
    const food = await kb.categories.create({ name: 'Food', kind: 'expense' });
    await kb.rates.createMany([
      { currency: 'JPY', toCurrency: 'EUR', date: '2026-03-01', rate: '0.0062' },
      { currency: 'JPY', toCurrency: 'EUR', date: '2026-03-10', rate: '0.0060' },
      // A rate into another currency is not a rate into the home currency.
      { currency: 'USD', toCurrency: 'GBP', date: '2026-01-01', rate: '0.79' },
    ]);
    await kb.expenses.createMany([
      { amount: 1_250, currency: 'EUR', date: '2026-03-02', categoryId: food.id },
      { amount: 1_000, currency: 'JPY', date: '2026-03-05', categoryId: food.id }, // 6.20 EUR
      { amount: 1_000, currency: 'JPY', date: '2026-03-05', categoryId: food.id }, // same day: summed first
      { amount: 1_001, currency: 'JPY', date: '2026-03-12' }, // 6.006 → 6.01 EUR
      { amount: 500, currency: 'JPY', date: '2026-02-27' }, // before any rate
      { amount: 2_000, currency: 'USD', date: '2026-03-03' }, // no rate into EUR
    ]);
    await kb.income.create({ amount: 300_000, currency: 'EUR', date: '2026-03-25', source: 'Salary' });

    const march = await kb.reports.converted({ from: '2026-02-01', to: '2026-03-31', homeCurrency: 'EUR' });
    expect(march).toMatchObject({
      homeCurrency: 'EUR',
      expenses: 1_250 + 1_240 + 601,
      income: 300_000,
      byCategory: [
        { categoryId: food.id, amount: 2_490 },
        { categoryId: null, amount: 601 },
      ],
      leftOut: [
        { kind: 'expenses', currency: 'JPY', amount: 500, count: 1, firstDate: '2026-02-27' },
        { kind: 'expenses', currency: 'USD', amount: 2_000, count: 1, firstDate: '2026-03-03' },
      ],
      rounding: 'half-even, per day, currency and category',
    });
    await expect(
      kb.reports.converted({ from: '2026-02-01', to: '2026-03-31', homeCurrency: 'XXX' }),
    ).rejects.toMatchObject({ code: 'validation.failed', message: expect.stringContaining('homeCurrency') });
    await expect(
      kb.rates.create({ currency: 'EUR', toCurrency: 'JPY', date: '2026-03-01', rate: '-1' }),
    ).rejects.toMatchObject({ code: 'validation.failed' });

    // The home currency is the profile's, once there is one.
    const range = { from: '2026-03-01', to: '2026-03-31' };
    await expect(kb.reports.converted(range)).rejects.toMatchObject({ code: 'profile.missing' });
    await kb.profile.set({ displayName: 'Aiko', defaultCurrency: 'EUR', locale: 'en-GB' });
    expect((await kb.reports.converted(range)).expenses).toBe(1_250 + 1_240 + 601);
    await kb.profile.set({ defaultCurrency: 'JPY' });
    expect(await kb.reports.converted(range)).toMatchObject({
      homeCurrency: 'JPY',
      expenses: 1_000 + 1_000 + 1_001,
    });
  });
});
