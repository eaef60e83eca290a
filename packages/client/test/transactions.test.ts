import { afterEach, describe, expect, it } from 'vitest';
import { Kakeibo } from '../src/kakeibo.js';
import { STORE_MODES, TestStores } from './support/index.js';

/**
 * kb.transactions.list and kb.reports.monthlyTotals: expenses and income read together from the local
 * store, through the same query cache as the collections (dropped by changes to either table).
 * No server is needed: everything reads the local store.
 */
describe.each(STORE_MODES)('transactions and monthly totals, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  const open: Kakeibo[] = [];
  afterEach(async () => {
    for (const kb of open.splice(0)) await kb.close();
    await stores.cleanup();
  });

  async function offline(): Promise<Kakeibo> {
    const { store } = await stores.create();
    const kb = await Kakeibo.create({ serverUrl: 'http://127.0.0.1:9', deviceName: 'offline', store });
    open.push(kb);
    return kb;
  }

  it('lists expenses and income together, newest first, each with its kind', async () => {
    const kb = await offline();
    const food = await kb.categories.create({ name: 'Food', kind: 'expense' });
    const [bread, rent] = await kb.expenses.createMany([
      { amount: 450, currency: 'EUR', date: '2026-11-02', categoryId: food.id, payee: 'Bakery', note: 'rye' },
      { amount: 90_000, currency: 'EUR', date: '2026-11-01', payee: 'Landlord', note: '' },
    ]);
    const [pay, gift] = await kb.income.createMany([
      { amount: 300_000, currency: 'EUR', date: '2026-11-02', source: 'Salary', note: '' },
      { amount: 2_000, currency: 'USD', date: '2026-10-30', source: 'Gift from the bakery', note: '' },
    ]);
    const removed = await kb.expenses.create({
      amount: 1,
      currency: 'EUR',
      date: '2026-11-03',
      payee: 'Oops',
    });
    await kb.expenses.remove(removed.id);

    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : -1);
    const sameDay = [
      { ...bread, kind: 'expense' },
      { ...pay, kind: 'income' },
    ].sort(byId);
    const all = await kb.transactions.list();
    expect(all).toEqual({
      items: [...sameDay, { ...rent, kind: 'expense' }, { ...gift, kind: 'income' }],
      nextCursor: null,
    });

    // Pages of one: every row once, in the same order.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await kb.transactions.list({ limit: 1, ...(cursor && { cursor }) });
      seen.push(...page.items.map((t) => `${t.kind}:${t.id}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((t) => `${t.kind}:${t.id}`));

    const ids = async (query: Parameters<Kakeibo['transactions']['list']>[0]) =>
      (await kb.transactions.list(query)).items.map((t) => t.id);
    expect(await ids({ from: '2026-11-01', to: '2026-11-30' })).toEqual([
      ...sameDay.map((t) => t.id),
      rent?.id,
    ]);
    expect(await ids({ categoryId: food.id })).toEqual([bread?.id]);
    expect(await ids({ search: 'BAKERY' })).toEqual([bread?.id, gift?.id]);
    expect(await ids({ search: 'oops' })).toEqual([]);
  });

  it('fetches the next page of a list ahead, so scrolling on reads nothing from the store', async () => {
    const { store } = await stores.create();
    const reads: Array<string | undefined> = [];
    const list = store.list.bind(store);
    store.list = (table, query) => {
      // Expenses only: opening the device also lists its recurring rules.
      if (table === 'expenses') reads.push(query.cursor);
      return list(table, query);
    };
    const kb = await Kakeibo.create({ serverUrl: 'http://127.0.0.1:9', deviceName: 'offline', store });
    open.push(kb);
    await kb.expenses.createMany(
      Array.from({ length: 120 }, (_, i) => ({
        amount: i + 1,
        currency: 'EUR',
        date: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
      })),
    );
    const first = await kb.expenses.list({ limit: 50 });
    expect(first.items).toHaveLength(50);
    // The second page is asked for in the background, without anybody waiting for it.
    await expect.poll(() => reads.length).toBe(2);
    expect(reads[1]).toBe(first.nextCursor);
    const second = await kb.expenses.list({ limit: 50, cursor: first.nextCursor as string });
    expect(second.items).toHaveLength(50);
    expect(second.items.some((e) => first.items.some((f) => f.id === e.id))).toBe(false);
    await expect.poll(() => reads.length).toBe(3); // …and the third, the last one, ahead of that
    const third = await kb.expenses.list({ limit: 50, cursor: second.nextCursor as string });
    expect(third).toMatchObject({ nextCursor: null });
    expect(third.items).toHaveLength(20);
    expect(reads).toHaveLength(3); // scrolling itself read nothing

    // A change drops the cached pages: the next list reads the store again.
    await kb.expenses.update(first.items[0]?.id as string, { amount: 9_999 });
    expect((await kb.expenses.list({ limit: 50 })).items[0]).toMatchObject({ amount: 9_999 });
    expect(reads.length).toBeGreaterThan(3);
  });

  it('serves lists and totals from the cache until an expense or an income changes', async () => {
    const kb = await offline();
    await kb.expenses.create({ amount: 450, currency: 'JPY', date: '2026-11-02', payee: 'Bakery' });
    const list = await kb.transactions.list();
    const totals = await kb.reports.monthlyTotals({ from: '2026-10', to: '2026-11' });
    expect(totals).toEqual([{ month: '2026-11', currency: 'JPY', expenses: 450, income: 0 }]);
    expect(await kb.transactions.list()).toBe(list);
    expect(await kb.reports.monthlyTotals({ from: '2026-10', to: '2026-11' })).toBe(totals);

    // A change elsewhere keeps them; a change to income (or expenses) drops them.
    await kb.categories.create({ name: 'Fun', kind: 'expense' });
    expect(await kb.transactions.list()).toBe(list);
    const changes: string[] = [];
    kb.on('change', ({ table }) => changes.push(table));
    const pay = await kb.income.create({
      amount: 300_000,
      currency: 'JPY',
      date: '2026-10-25',
      source: 'Salary',
    });
    expect(changes).toEqual(['income']);
    expect((await kb.transactions.list()).items.map((t) => t.kind)).toEqual(['expense', 'income']);
    expect(await kb.reports.monthlyTotals({ from: '2026-10', to: '2026-11' })).toEqual([
      { month: '2026-10', currency: 'JPY', expenses: 0, income: 300_000 },
      { month: '2026-11', currency: 'JPY', expenses: 450, income: 0 },
    ]);
    await kb.income.update(pay.id, { amount: 310_000, date: '2026-11-25' });
    expect(await kb.reports.monthlyTotals({ from: '2026-10', to: '2026-11' })).toEqual([
      { month: '2026-11', currency: 'JPY', expenses: 450, income: 310_000 },
    ]);
    await kb.income.remove(pay.id);
    expect((await kb.transactions.list()).items.map((t) => t.kind)).toEqual(['expense']);
  });
});
