import type { Page } from 'playwright-core';

/**
 * A believable household ledger, written through the SDK in the page (`window.kakeibo`): categories,
 * a monthly budget overall and per category, six months of expenses and salary, and belongings, one
 * linked to the expense that bought it. Dates count back from today, so the latest entries are recent.
 */
export async function seedDemoLedger(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Row = { id: string };
    type Collection = {
      create(input: Record<string, unknown>): Promise<Row>;
      createMany(inputs: Record<string, unknown>[]): Promise<Row[]>;
    };
    const kb = (window as unknown as { kakeibo: Record<string, Collection> }).kakeibo;
    const today = new Date();
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    /** `n` days before today (negative: after). */
    const daysAgo = (n: number) => iso(new Date(today.getTime() - n * 86_400_000));
    const monthStart = iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)));
    const category = (name: string, color: string, kind = 'expense') =>
      kb.categories.create({ name, kind, color });
    const groceries = await category('Groceries', '#3f8f6b');
    const eatingOut = await category('Eating out', '#d0823a');
    const transport = await category('Transport', '#4a78c2');
    const home = await category('Home', '#8a5fb8');
    const fun = await category('Fun', '#c24a6e');
    const salary = await category('Salary', '#2f6f5e', 'income');

    const budget = (limitAmount: number, categoryId: string | null = null) => ({
      categoryId,
      period: 'monthly',
      limitAmount,
      currency: 'USD',
      startDate: monthStart,
    });
    await kb.budgets.createMany([
      budget(180_000),
      budget(60_000, groceries.id),
      budget(15_000, eatingOut.id),
      budget(12_000, transport.id),
    ]);

    // Six months of a household's rhythm, counted back from today: the same shops, amounts that vary.
    const expenses: Record<string, unknown>[] = [];
    const spend = (ago: number, amount: number, categoryId: string, payee: string) =>
      expenses.push({ amount, currency: 'USD', date: daysAgo(ago), categoryId, payee, note: '' });
    for (let week = 0; week < 26; week++) {
      const vary = (n: number) => Math.round(n * (0.8 + ((week * 7) % 9) * 0.05));
      const ago = week * 7;
      spend(ago, vary(8_640), groceries.id, 'Green Market');
      spend(ago + 1, 452, eatingOut.id, 'Bakery');
      spend(ago + 2, vary(3_875), eatingOut.id, week % 2 ? 'Noodle Bar' : 'Trattoria');
      spend(ago + 3, vary(4_120), groceries.id, 'Corner Grocer');
      spend(ago + 5, vary(week % 3 ? 1_890 : 4_150), fun.id, week % 3 ? 'Cinema' : 'Bookshop');
      if (week % 4 === 0) spend(ago + 4, 9_000, transport.id, 'Metro pass');
      if (week % 4 === 1) spend(ago + 6, 120_000, home.id, 'Rent');
    }
    const created = await kb.expenses.createMany(expenses);
    await kb.income.createMany(
      [0, 30, 61, 91, 122, 152].map((ago) => ({
        amount: 420_000,
        currency: 'USD',
        date: daysAgo(ago),
        categoryId: salary.id,
        source: 'Salary',
        recurring: true,
      })),
    );

    const bike = await kb.expenses.create({
      amount: 64_900,
      currency: 'USD',
      date: daysAgo(60),
      categoryId: transport.id,
      payee: 'City Cycles',
      note: 'Commuter bike',
    });
    await kb.inventory.createMany([
      {
        name: 'Commuter bike',
        purchaseDate: daysAgo(60),
        purchasePrice: 64_900,
        currentValue: 52_000,
        currency: 'USD',
        location: 'Hallway',
        warrantyEnd: daysAgo(-670),
        expenseId: bike.id,
      },
      {
        name: 'Laptop',
        purchaseDate: '2024-09-14',
        purchasePrice: 149_900,
        currentValue: 90_000,
        currency: 'USD',
        location: 'Study',
        serialNumber: 'C02XK1',
        warrantyEnd: '2026-09-14',
      },
      {
        name: 'Espresso machine',
        purchasePrice: 38_000,
        currentValue: 25_000,
        currency: 'USD',
        location: 'Kitchen',
      },
    ]);
    if (created.length !== expenses.length) throw new Error('the demo expenses were not all stored');
  });
}
