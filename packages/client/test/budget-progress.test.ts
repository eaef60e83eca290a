import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { periodContaining } from '../src/api/budget-progress.js';
import { openKakeibo } from '../src/index.js';

describe('budget periods (pure logic)', () => {
  it('finds the weekly, monthly and yearly period containing a day', () => {
    expect(periodContaining({ period: 'weekly', startDate: '2026-11-02' }, '2026-11-12')).toEqual({
      from: '2026-11-09',
      to: '2026-11-15',
      index: 1,
    });
    expect(periodContaining({ period: 'monthly', startDate: '2026-01-15' }, '2026-03-14')).toEqual({
      from: '2026-02-15',
      to: '2026-03-14',
      index: 1,
    });
    // A budget starting on the 31st starts on the last day of shorter months.
    expect(periodContaining({ period: 'monthly', startDate: '2026-01-31' }, '2026-04-30')).toMatchObject({
      from: '2026-04-30',
      index: 3,
    });
    expect(periodContaining({ period: 'yearly', startDate: '2024-02-29' }, '2026-11-25')).toEqual({
      from: '2026-02-28',
      to: '2027-02-27',
      index: 2,
    });
  });
});

describe('kb.budgets.progress (offline, local store)', () => {
  const root = mkdtempSync(join(tmpdir(), 'kakeibo-budget-'));
  process.env.KAKEIBO_CLIENT_KEY_DIR = join(root, 'keys');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports spent against limit per budget in minor units, with alerts, overspending and rollover', async () => {
    // No server is needed: everything reads the local store.
    const kb = await openKakeibo({
      serverUrl: 'http://127.0.0.1:9',
      dataDir: join(root, 'device'),
      deviceName: 'offline',
      now: () => Date.parse('2026-11-20T12:00:00Z'),
    });
    const food = await kb.categories.create({ name: 'Food', kind: 'expense' });
    const fun = await kb.categories.create({ name: 'Fun', kind: 'expense' });
    const foodBudget = await kb.budgets.create({
      categoryId: food.id,
      period: 'monthly',
      limitAmount: 30_000,
      currency: 'EUR',
      startDate: '2026-10-01',
      rollover: true,
      alertThresholdPercent: 80,
    });
    const all = await kb.budgets.create({
      categoryId: null,
      period: 'monthly',
      limitAmount: 50_000,
      currency: 'EUR',
      startDate: '2026-11-01',
      rollover: false,
      alertThresholdPercent: 90,
    });
    await kb.expenses.createMany([
      { amount: 10_000, currency: 'EUR', date: '2026-10-10', categoryId: food.id }, // October: 20,000 left over
      { amount: 12_345, currency: 'EUR', date: '2026-11-03', categoryId: food.id },
      { amount: 34_000, currency: 'EUR', date: '2026-11-05', categoryId: food.id },
      { amount: 9_999, currency: 'EUR', date: '2026-11-06', categoryId: fun.id },
      { amount: 5_000, currency: 'USD', date: '2026-11-07', categoryId: food.id }, // no USD rate: left out
    ]);
    const removed = await kb.expenses.create({
      amount: 99_999,
      currency: 'EUR',
      date: '2026-11-08',
      categoryId: food.id,
    });
    await kb.expenses.remove(removed.id); // deleted: not counted

    const progress = await kb.budgets.progress({ month: '2026-11' });
    const byId = new Map(progress.map((p) => [p.budgetId, p]));
    expect(byId.get(foodBudget.id)).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      limit: 50_000, // 30,000 + 20,000 carried over from October
      spent: 46_345,
      remaining: 3_655,
      percent: 92,
      alert: true,
      over: false,
    });
    expect(byId.get(all.id)).toMatchObject({
      limit: 50_000,
      spent: 56_344,
      remaining: -6_344,
      over: true,
      alert: true,
      leftOut: [{ currency: 'USD', amount: 5_000, count: 1 }],
    });
    expect(byId.get(foodBudget.id)?.leftOut).toEqual([{ currency: 'USD', amount: 5_000, count: 1 }]);

    // With a rate for the dollar (from before the day of the spending), it counts, converted.
    await kb.rates.create({ currency: 'USD', toCurrency: 'EUR', date: '2026-11-01', rate: '0.9' });
    const converted = new Map((await kb.budgets.progress({ month: '2026-11' })).map((p) => [p.budgetId, p]));
    expect(converted.get(all.id)).toMatchObject({ spent: 56_344 + 4_500, leftOut: [] });
    expect(converted.get(foodBudget.id)).toMatchObject({ spent: 46_345 + 4_500, leftOut: [] });

    const october = await kb.budgets.progress({ month: '2026-10' });
    expect(october.map((p) => [p.budgetId, p.spent, p.limit])).toEqual([[foodBudget.id, 10_000, 30_000]]);
    const report = await kb.reports.spendingByCategory({ from: '2026-11-01', to: '2026-11-30' });
    expect(report.find((r) => r.categoryId === food.id && r.currency === 'EUR')?.amount).toBe(46_345);
    await expect(kb.budgets.progress({ month: '2026-13' })).rejects.toMatchObject({
      code: 'validation.failed',
    });
    await kb.close();
  });
});
