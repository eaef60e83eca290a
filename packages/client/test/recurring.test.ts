import { occurrenceRowId } from '@kakeibo/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kakeibo as KakeiboType } from '../src/index.js';
import { type Harness, harness, STORE_MODES, TestStores } from './support/index.js';

const TODAY = '2026-05-20';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);

/**
 * kb.recurring on the local store alone: due occurrences written as ordinary entries (once, under
 * ids derived from the rule and the date), skipped, changed from a date on, listed ahead.
 */
describe.each(STORE_MODES)('recurring entries, $mode store', ({ sealed }) => {
  const stores = new TestStores({ sealed });
  afterEach(() => stores.cleanup());

  const offline = () => stores.offline({ now: () => NOW });

  const rent = {
    kind: 'expense',
    template: { amount: 90_000, currency: 'EUR', payee: 'Landlord', note: 'flat' },
    unit: 'month',
    dayOfMonth: 1,
    startDate: '2026-02-01',
  } as const;

  it('writes the occurrences due by today as expenses, once, and lists the next ones', async () => {
    const kb = await offline();
    const rule = await kb.recurring.create(rent);
    const written = await kb.expenses.list();
    expect(written.items.map((e) => [e.date, e.amount, e.payee, e.note])).toEqual([
      ['2026-05-01', 90_000, 'Landlord', 'flat'],
      ['2026-04-01', 90_000, 'Landlord', 'flat'],
      ['2026-03-01', 90_000, 'Landlord', 'flat'],
      ['2026-02-01', 90_000, 'Landlord', 'flat'],
    ]);
    expect(written.items[0]?.id).toBe(occurrenceRowId(rule.id, '2026-05-01'));
    expect(await kb.recurring.materialize()).toEqual({ written: 0, refused: [] });
    expect(await kb.recurring.materialize({ through: '2026-07-01' })).toEqual({ written: 2, refused: [] });
    expect((await kb.recurring.upcoming({ through: '2026-09-30' })).map((o) => o.date)).toEqual([
      '2026-08-01',
      '2026-09-01',
    ]);

    // Income too, named by its source.
    await kb.recurring.create({
      kind: 'income',
      template: { amount: 300_000, currency: 'EUR', source: 'Salary' },
      unit: 'month',
      dayOfMonth: 25,
      startDate: '2026-04-01',
    });
    expect((await kb.income.list()).items.map((i) => [i.date, i.source])).toEqual([['2026-04-25', 'Salary']]);
  });

  it('skips one occurrence (deleting it if written), keeps an edited one, and changes the rule from a date on', async () => {
    const kb = await offline();
    const rule = await kb.recurring.create(rent);
    await kb.recurring.skip(rule.id, '2026-03-01');
    const april = occurrenceRowId(rule.id, '2026-04-01');
    await kb.expenses.update(april, { amount: 95_000, note: 'paid late' });
    await kb.recurring.materialize();
    const byDate = async () =>
      Object.fromEntries((await kb.expenses.list()).items.map((e) => [e.date, e.amount]));
    expect(await byDate()).toEqual({ '2026-02-01': 90_000, '2026-04-01': 95_000, '2026-05-01': 90_000 });
    await expect(kb.recurring.skip(rule.id, '2026-03-02')).rejects.toMatchObject({
      code: 'validation.failed',
    });

    // From June on the rent is 92,000: May keeps what it was written with.
    const raised = await kb.recurring.changeFrom(rule.id, '2026-06-01', { amount: 92_000 });
    expect(await kb.recurring.get(rule.id)).toMatchObject({ endDate: '2026-05-31' });
    await kb.recurring.materialize({ through: '2026-07-15' });
    expect(await byDate()).toMatchObject({
      '2026-05-01': 90_000,
      '2026-06-01': 92_000,
      '2026-07-01': 92_000,
    });
    expect((await kb.recurring.upcoming({ through: '2026-08-31' })).map((o) => [o.ruleId, o.date])).toEqual([
      [raised.id, '2026-08-01'],
    ]);
  });

  it('leaves a rule whose account is archived unwritten, and says so', async () => {
    const kb = await offline();
    const bank = await kb.accounts.create({
      name: 'Bank',
      kind: 'checking',
      currency: 'EUR',
      openingBalance: 0,
      openingDate: '2026-01-01',
    });
    const rule = await kb.recurring.create({ ...rent, template: { ...rent.template, accountId: bank.id } });
    await kb.accounts.archive(bank.id);
    const result = await kb.recurring.materialize({ through: '2026-06-30' });
    expect(result).toMatchObject({
      written: 0,
      refused: [{ ruleId: rule.id, message: expect.stringContaining('archived') }],
    });
    await expect(
      kb.recurring.create({ ...rent, template: { ...rent.template, accountId: bank.id } }),
    ).rejects.toMatchObject({ code: 'validation.failed' });
  });
});

describe('recurring entries on two devices that catch up offline', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it('write each due occurrence once: three months due on both, synced, exactly three entries', async () => {
    h = await harness();
    const [a, b] = (await h.account(['a', 'b'])) as [KakeiboType, KakeiboType];
    const start = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const rule = await a.recurring.create({
      kind: 'expense',
      template: { amount: 1_999, currency: 'EUR', payee: 'Streaming' },
      unit: 'month',
      startDate: start,
    });
    await a.sync();
    await b.sync();
    expect(await b.recurring.get(rule.id)).toMatchObject({ party: 'Streaming' });

    // Both offline: each catches up three months by itself.
    const through = new Date(Date.parse(`${start}T00:00:00Z`) + 75 * 86_400_000).toISOString().slice(0, 10);
    expect(await a.recurring.materialize({ through })).toMatchObject({ written: 3 });
    expect(await b.recurring.materialize({ through })).toMatchObject({ written: 3 });
    expect(await a.sync()).toMatchObject({ verified: true });
    expect(await b.sync()).toMatchObject({ verified: true });
    expect(await a.sync()).toMatchObject({ verified: true });
    for (const kb of [a, b]) {
      const items = (await kb.expenses.list()).items;
      expect(items).toHaveLength(3);
      expect(new Set(items.map((e) => e.payee))).toEqual(new Set(['Streaming']));
      expect(await kb.conflicts.list()).toEqual([]);
    }
  });

  it('materialising is idempotent across any number of devices and any order of syncs', async () => {
    h = await harness();
    const DAY = 86_400_000;
    const start = new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10);
    const dayAfterStart = (days: number) =>
      new Date(Date.parse(`${start}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
    // Each step: one device catches up to a day (offline), or syncs.
    const step = fc.record({
      device: fc.nat(3),
      action: fc.oneof(
        fc.record({ kind: fc.constant('materialize' as const), days: fc.integer({ min: 0, max: 40 }) }),
        fc.record({ kind: fc.constant('sync' as const) }),
      ),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.array(step, { maxLength: 12 }),
        async (count, steps) => {
          const devices = await h.account(Array.from({ length: count }, (_, i) => `run${++run}-${i}`));
          const [first] = devices as [KakeiboType];
          await first.recurring.create({
            kind: 'expense',
            template: { amount: 500, currency: 'EUR', payee: 'Gym' },
            every: 1,
            unit: 'week',
            startDate: start,
          });
          for (const kb of devices) await kb.sync();
          let through = -1;
          for (const { device, action } of steps) {
            const kb = devices[device % count] as KakeiboType;
            if (action.kind === 'sync') await kb.sync();
            else {
              await kb.recurring.materialize({ through: dayAfterStart(action.days) });
              through = Math.max(through, action.days);
            }
          }
          // Everyone syncs until all have everything; then each has one entry per week due, no more.
          for (let round = 0; round < 2; round++) for (const kb of devices) await kb.sync();
          const expected = through < 0 ? 0 : Math.floor(through / 7) + 1;
          for (const kb of devices) {
            expect(await kb.sync()).toMatchObject({ verified: true, pulled: 0 });
            const dates = (await kb.expenses.list({ limit: 100 })).items.map((e) => e.date);
            expect(dates).toHaveLength(expected);
            expect(new Set(dates).size).toBe(expected);
            expect(await kb.conflicts.list()).toEqual([]);
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 240_000);
});
