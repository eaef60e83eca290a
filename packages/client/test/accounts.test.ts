import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Kakeibo } from '../src/kakeibo.js';
import { STORE_MODES, TestStores } from './support/index.js';

/**
 * kb.accounts, kb.transfers and balances, on the local store alone (no server): accounts with an
 * opening balance, entries and transfers recorded against them, balances on any day as exact sums.
 */
describe.each(STORE_MODES)('accounts, transfers and balances, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const offline = () => stores.offline();

  const checking = {
    name: 'Checking',
    kind: 'checking',
    currency: 'EUR',
    openingDate: '2026-01-01',
  } as const;

  it('fills the month sums balances read from the rows a store holds when it migrates to schema 5', async () => {
    const opened = await stores.create();
    const kb = await Kakeibo.create({
      serverUrl: 'http://127.0.0.1:9',
      deviceName: 'old',
      store: opened.store,
    });
    const bank = await kb.accounts.create({ ...checking, openingDate: '2026-01-15', openingBalance: 500 });
    const cash = await kb.accounts.create({ ...checking, name: 'Cash', openingBalance: 0 });
    const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 9 * 86_400_000).toISOString().slice(0, 10);
    await kb.expenses.createMany(
      Array.from({ length: 40 }, (_, i) => ({
        amount: 100 + i,
        currency: 'EUR',
        date: day(i),
        accountId: bank.id,
      })),
    );
    await kb.income.createMany(
      Array.from({ length: 10 }, (_, i) => ({
        amount: 5_000,
        currency: 'EUR',
        date: day(i * 4),
        accountId: bank.id,
      })),
    );
    await kb.transfers.createMany(
      Array.from({ length: 10 }, (_, i) => ({
        fromAccountId: bank.id,
        toAccountId: cash.id,
        amount: 300,
        currency: 'EUR',
        date: day(i * 3),
      })),
    );
    const days = ['2026-01-20', '2026-03-31', '2026-06-15', '2026-12-31'];
    const before = await Promise.all(days.map((asOf) => kb.accounts.balances({ asOf })));
    // Back to schema 4, as a device last run before month sums existed, then migrated again.
    await opened.driver.exec(`DROP TRIGGER account_months_added; DROP TRIGGER account_months_removed;
      DROP TRIGGER account_months_rewritten; DROP TABLE account_months; PRAGMA user_version = 4`);
    await opened.store.migrate();
    expect(await Promise.all(days.map((asOf) => kb.accounts.balances({ asOf })))).toEqual(before);
    // By name: Cash got all 10 transfers; Bank opened on the 15th, so what is dated 1 and 10 January
    // (expenses of 100 and 101, an income, a transfer) is in its opening balance already.
    expect(before[3]?.map((b) => [b.name, b.balance])).toEqual([
      ['Cash', 3_000],
      ['Checking', 500 + 9 * 5_000 - (4_780 - 201) - 9 * 300],
    ]);
    await kb.close();
  });

  it('sums opening balance, income, expenses and transfers from the opening date to the day asked', async () => {
    const kb = await offline();
    const bank = await kb.accounts.create({ ...checking, openingBalance: 100_000 });
    const card = await kb.accounts.create({
      name: 'Card',
      kind: 'credit',
      currency: 'EUR',
      openingBalance: -5_000,
      openingDate: '2026-01-01',
      institution: 'Bank',
    });
    const yen = await kb.accounts.create({
      name: 'Yen savings',
      kind: 'savings',
      currency: 'JPY',
      openingBalance: 0,
      openingDate: '2026-02-01',
    });
    await kb.income.create({
      amount: 250_000,
      currency: 'EUR',
      date: '2026-01-25',
      source: 'Salary',
      accountId: bank.id,
    });
    await kb.expenses.createMany([
      { amount: 4_550, currency: 'EUR', date: '2026-01-10', payee: 'Grocer', accountId: card.id },
      { amount: 80_000, currency: 'EUR', date: '2026-02-01', payee: 'Rent', accountId: bank.id },
      // Before the account was opened: already in its opening balance.
      { amount: 999, currency: 'EUR', date: '2025-12-31', payee: 'Old', accountId: bank.id },
      { amount: 1_000, currency: 'EUR', date: '2026-01-15', payee: 'No account' },
    ]);
    const gone = await kb.expenses.create({
      amount: 7,
      currency: 'EUR',
      date: '2026-01-11',
      accountId: bank.id,
    });
    await kb.expenses.remove(gone.id);
    await kb.transfers.create({
      fromAccountId: bank.id,
      toAccountId: card.id,
      amount: 9_550,
      currency: 'EUR',
      date: '2026-01-31',
      note: 'Card bill',
    });
    await kb.transfers.create({
      fromAccountId: bank.id,
      toAccountId: yen.id,
      amount: 10_000,
      currency: 'EUR',
      toAmount: 16_321,
      toCurrency: 'JPY',
      date: '2026-02-02',
    });

    const on = async (asOf: string) =>
      Object.fromEntries((await kb.accounts.balances({ asOf })).map((b) => [b.name, b.balance]));
    expect(await on('2025-12-31')).toEqual({});
    expect(await on('2026-01-10')).toEqual({ Checking: 100_000, Card: -9_550 });
    expect(await on('2026-01-31')).toEqual({ Checking: 100_000 + 250_000 - 9_550, Card: 0 });
    expect(await on('2026-02-28')).toEqual({
      Checking: 100_000 + 250_000 - 9_550 - 80_000 - 10_000,
      Card: 0,
      'Yen savings': 16_321,
    });
    const [cardBalance, bankBalance] = await kb.accounts.balances({ asOf: '2026-02-28' });
    expect(cardBalance).toMatchObject({ name: 'Card', kind: 'credit', openingBalance: -5_000 });
    expect(bankBalance).toMatchObject({ currency: 'EUR', kind: 'checking', archived: false, leftOut: [] });

    // Transfers are neither spending nor income.
    const listed = await kb.transactions.list({ limit: 50 });
    expect(listed.items.map((t) => t.kind).sort()).toEqual([
      'expense',
      'expense',
      'expense',
      'expense',
      'income',
    ]);
    expect(await kb.reports.monthlyTotals({ from: '2026-01', to: '2026-02' })).toEqual([
      { month: '2026-01', currency: 'EUR', expenses: 4_550 + 1_000, income: 250_000 },
      { month: '2026-02', currency: 'EUR', expenses: 80_000, income: 0 },
    ]);

    // One account's rows: its entries, and transfers out of it or into it (what its balance sums).
    const parties = async (accountId: string) =>
      (await kb.transactions.list({ accountId })).items.map((t) => t.payee ?? t.source);
    expect(await parties(bank.id)).toEqual(['Rent', 'Salary', 'Old']);
    expect(await parties(card.id)).toEqual(['Grocer']);
    const notes = async (accountId: string) =>
      (await kb.transfers.list({ accountId })).items.map((t) => t.note);
    expect(await notes(bank.id)).toEqual(['', 'Card bill']);
    expect(await notes(card.id)).toEqual(['Card bill']);
    expect(await notes(yen.id)).toEqual(['']);
  });

  it('archives an account, which keeps its balance and takes no new entries until reopened', async () => {
    const kb = await offline();
    const bank = await kb.accounts.create({ ...checking, openingBalance: 500 });
    await kb.accounts.archive(bank.id);
    expect(await kb.accounts.balances({ asOf: '2026-03-01' })).toMatchObject([
      { archived: true, balance: 500 },
    ]);
    await expect(
      kb.expenses.create({ amount: 100, currency: 'EUR', date: '2026-03-01', accountId: bank.id }),
    ).rejects.toMatchObject({ code: 'validation.failed', message: expect.stringContaining('archived') });
    await kb.accounts.reopen(bank.id);
    const entry = await kb.expenses.create({
      amount: 100,
      currency: 'EUR',
      date: '2026-03-01',
      accountId: bank.id,
    });
    expect((await kb.accounts.balances({ asOf: '2026-03-01' }))[0]?.balance).toBe(400);

    // Archived again: its entries can still be corrected where no balance moves, and only there.
    await kb.accounts.archive(bank.id);
    expect(await kb.expenses.update(entry.id, { note: 'typo fixed', payee: 'Baker' })).toMatchObject({
      note: 'typo fixed',
    });
    for (const change of [{ amount: 150 }, { date: '2026-03-02' }]) {
      await expect(kb.expenses.update(entry.id, change)).rejects.toMatchObject({
        code: 'validation.failed',
        message: expect.stringContaining('archived'),
      });
    }
    expect((await kb.accounts.balances({ asOf: '2026-03-31' }))[0]?.balance).toBe(400);
  });

  it('refuses, with the field and what to do, what would make a balance inexact', async () => {
    const kb = await offline();
    const bank = await kb.accounts.create({ ...checking, openingBalance: 0 });
    const yen = await kb.accounts.create({ ...checking, name: 'Yen', currency: 'JPY', openingBalance: 0 });
    const refused = async (write: Promise<unknown>, text: string) =>
      expect(write).rejects.toMatchObject({
        code: 'validation.failed',
        message: expect.stringContaining(text),
      });
    await refused(
      kb.expenses.create({ amount: 1, currency: 'USD', date: '2026-01-02', accountId: bank.id }),
      'kept in EUR',
    );
    await refused(
      kb.income.create({
        amount: 1,
        currency: 'EUR',
        date: '2026-01-02',
        accountId: '019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9d',
      }),
      'no account',
    );
    const base = { fromAccountId: bank.id, amount: 100, currency: 'EUR', date: '2026-01-02' } as const;
    await refused(kb.transfers.create({ ...base, toAccountId: bank.id }), 'another account');
    await refused(kb.transfers.create({ ...base, toAccountId: yen.id }), 'give toAmount and toCurrency');
    await refused(kb.transfers.create({ ...base, toAccountId: yen.id, toAmount: 160 }), 'together');
    await refused(
      kb.transfers.create({ ...base, toAccountId: yen.id, toAmount: 1, toCurrency: 'EUR' }),
      'same as currency',
    );
    // A change is checked as the row will be: moving an entry to an account of another currency.
    const lunch = await kb.expenses.create({
      amount: 1_200,
      currency: 'EUR',
      date: '2026-01-02',
      accountId: bank.id,
    });
    await refused(kb.expenses.update(lunch.id, { accountId: yen.id }), 'kept in JPY');
    await kb.expenses.update(lunch.id, { accountId: yen.id, currency: 'JPY', amount: 200 });
    // Nothing refused was stored.
    expect((await kb.transfers.list()).items).toEqual([]);
    expect((await kb.accounts.balances({ asOf: '2026-01-31' })).map((b) => b.balance)).toEqual([0, -200]);
  });

  it('gives balances equal to a reference fold of the entries, for random ledgers', async () => {
    const kb = await offline();
    const ids: string[] = [];
    for (const [i, currency] of ['EUR', 'EUR', 'JPY'].entries()) {
      const created = await kb.accounts.create({
        name: `A${i}`,
        kind: 'other',
        currency,
        openingBalance: (i - 1) * 1_000,
        openingDate: `2026-0${i + 1}-01`,
      });
      ids.push(created.id);
    }
    const currencyOf = (i: number) => (i === 2 ? 'JPY' : 'EUR');
    const day = fc
      .integer({ min: 0, max: 150 })
      .map((n) => new Date(Date.UTC(2025, 11, 1) + n * 86_400_000).toISOString().slice(0, 10));
    const entry = fc.record({
      kind: fc.constantFrom('expense' as const, 'income' as const, 'transfer' as const),
      from: fc.nat(2),
      to: fc.nat(2),
      amount: fc.integer({ min: 1, max: 1_000_000 }),
      toAmount: fc.integer({ min: 1, max: 1_000_000 }),
      date: day,
      deleted: fc.boolean(),
      // An edit after writing: a new day (maybe another month) and amount.
      edit: fc.option(fc.record({ date: day, amount: fc.integer({ min: 1, max: 1_000_000 }) }), {
        nil: undefined,
      }),
    });
    // Every entry written so far and still there: the reference folds them all, from scratch.
    const kept: Array<{
      kind: string;
      from: number;
      to: number;
      amount: number;
      arrived: number;
      date: string;
    }> = [];
    const opening = (i: number) => `2026-0${i + 1}-01`;
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), day, async (entries, asOf) => {
        for (const e of entries) {
          const written = await write(kb, e, ids, currencyOf);
          const now = { ...e, ...e.edit };
          const arrived = currencyOf(e.from) === currencyOf(e.to) ? now.amount : e.toAmount;
          if (written && !e.deleted) kept.push({ ...now, arrived });
        }
        const expected = new Map(ids.map((id, i) => [id, (i - 1) * 1_000]));
        const add = (i: number, date: string, amount: number) => {
          const id = ids[i] as string;
          if (date >= opening(i) && date <= asOf) expected.set(id, (expected.get(id) ?? 0) + amount);
        };
        for (const e of kept) {
          if (e.kind === 'expense') add(e.from, e.date, -e.amount);
          if (e.kind === 'income') add(e.from, e.date, e.amount);
          if (e.kind === 'transfer') {
            add(e.from, e.date, -e.amount);
            add(e.to, e.date, e.arrived);
          }
        }
        const after = await kb.accounts.balances({ asOf });
        const opened = ids.filter((_, i) => opening(i) <= asOf);
        expect(after.map((b) => b.accountId).sort()).toEqual([...opened].sort());
        for (const b of after) {
          expect(b.balance).toBe(expected.get(b.accountId));
          expect(b.leftOut).toEqual([]);
        }
      }),
      { numRuns: 25 },
    );
  });
});

/** Writes one generated entry through the SDK (deleting it again when asked); false when not writable. */
async function write(
  kb: Kakeibo,
  e: {
    kind: 'expense' | 'income' | 'transfer';
    from: number;
    to: number;
    amount: number;
    toAmount: number;
    date: string;
    deleted: boolean;
    edit?: { date: string; amount: number } | undefined;
  },
  ids: readonly string[],
  currencyOf: (i: number) => string,
): Promise<boolean> {
  const accountId = ids[e.from] as string;
  const currency = currencyOf(e.from);
  let id: string;
  if (e.kind === 'expense')
    id = (await kb.expenses.create({ amount: e.amount, currency, date: e.date, accountId })).id;
  else if (e.kind === 'income')
    id = (await kb.income.create({ amount: e.amount, currency, date: e.date, accountId })).id;
  else {
    if (e.from === e.to) return false;
    const cross = currencyOf(e.to) !== currency;
    id = (
      await kb.transfers.create({
        fromAccountId: accountId,
        toAccountId: ids[e.to] as string,
        amount: e.amount,
        currency,
        date: e.date,
        ...(cross && { toAmount: e.toAmount, toCurrency: currencyOf(e.to) }),
      })
    ).id;
  }
  const collection = e.kind === 'expense' ? kb.expenses : e.kind === 'income' ? kb.income : kb.transfers;
  if (e.edit) await collection.update(id, e.edit);
  if (e.deleted) await collection.remove(id);
  return true;
}
