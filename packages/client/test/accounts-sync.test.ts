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

const twoDevices = async () => (await h.account(['a', 'b'])) as [Kakeibo, Kakeibo];

describe('accounts and transfers through a real server', () => {
  it('sync like every table: both devices show the same balances and verify the same checksum', async () => {
    const [a, b] = await twoDevices();
    const bank = await a.accounts.create({
      name: 'Bank',
      kind: 'checking',
      currency: 'EUR',
      openingBalance: 10_000,
      openingDate: '2026-01-01',
    });
    const cash = await a.accounts.create({
      name: 'Wallet',
      kind: 'cash',
      currency: 'EUR',
      openingBalance: 0,
      openingDate: '2026-01-01',
    });
    await a.transfers.create({
      fromAccountId: bank.id,
      toAccountId: cash.id,
      amount: 5_000,
      currency: 'EUR',
      date: '2026-01-05',
    });
    await a.expenses.create({ amount: 1_250, currency: 'EUR', date: '2026-01-06', accountId: cash.id });
    expect(await a.sync()).toMatchObject({ verified: true });
    expect(await b.sync()).toMatchObject({ verified: true });
    const asOf = '2026-01-31';
    const balances = await a.accounts.balances({ asOf });
    expect(balances.map((x) => [x.name, x.balance])).toEqual([
      ['Bank', 5_000],
      ['Wallet', 3_750],
    ]);
    expect(await b.accounts.balances({ asOf })).toEqual(balances);

    // Offline on both: b records in the wallet, a moves money back to the bank.
    await b.expenses.create({ amount: 750, currency: 'EUR', date: '2026-01-07', accountId: cash.id });
    await a.transfers.create({
      fromAccountId: cash.id,
      toAccountId: bank.id,
      amount: 1_000,
      currency: 'EUR',
      date: '2026-01-08',
    });
    await a.sync();
    await b.sync();
    await a.sync();
    const after = await a.accounts.balances({ asOf });
    expect(after.map((x) => [x.name, x.balance])).toEqual([
      ['Bank', 6_000],
      ['Wallet', 2_000],
    ]);
    expect(await b.accounts.balances({ asOf })).toEqual(after);
  });

  it('lists what concurrent edits left in another currency instead of miscounting it', async () => {
    const [a, b] = await twoDevices();
    const bank = await a.accounts.create({
      name: 'Bank',
      kind: 'checking',
      currency: 'EUR',
      openingBalance: 0,
      openingDate: '2026-01-01',
    });
    const other = await a.accounts.create({
      name: 'Other bank',
      kind: 'checking',
      currency: 'EUR',
      openingBalance: 0,
      openingDate: '2026-01-01',
    });
    const lunch = await a.expenses.create({
      amount: 1_500,
      currency: 'EUR',
      date: '2026-01-03',
      accountId: bank.id,
    });
    await a.sync();
    await b.sync();
    // b: it was paid in dollars, from no account; a, later: it belongs to the other bank.
    await b.expenses.update(lunch.id, { currency: 'USD', accountId: null });
    await b.sync();
    await a.expenses.update(lunch.id, { accountId: other.id });
    await a.sync();
    await b.sync();
    // Each field kept its latest write: a USD expense in a EUR account, shown apart, on both devices.
    for (const kb of [a, b]) {
      const balances = await kb.accounts.balances({ asOf: '2026-01-31' });
      expect(balances.find((x) => x.name === 'Other bank')).toMatchObject({
        balance: 0,
        leftOut: [{ kind: 'expenses', currency: 'USD', amount: 1_500, count: 1 }],
      });
    }
  });

  it('keeps one profile for the account, set up on two devices independently', async () => {
    const [a, b] = await twoDevices();
    const profile = { displayName: 'Aiko', defaultCurrency: 'JPY', locale: 'ja-JP' } as const;
    await a.profile.set(profile);
    await b.profile.set({ ...profile, weekStartsOn: 0 });
    await a.sync();
    await b.sync();
    await a.sync();
    for (const kb of [a, b]) {
      expect(await kb.profile.get()).toMatchObject({ ...profile, weekStartsOn: 0 });
      // Equal values written twice are no conflict; only the first day of the week differed.
      expect((await kb.conflicts.list()).map((c) => c.field)).toEqual(['weekStartsOn']);
    }
  });
});
