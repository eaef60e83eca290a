import { describe, expect, it } from 'vitest';
import { STORED_ROW_ID_RE } from '../src/ids.js';
import { occurrenceDates, occurrenceRowId, type Schedule } from '../src/recurring/index.js';
import { RecurringCreateSchema } from '../src/schemas/index.js';

const rule = (r: Partial<Schedule>): Schedule => ({
  every: 1,
  unit: 'month',
  dayOfMonth: null,
  startDate: '2026-01-31',
  endDate: null,
  ...r,
});

describe('occurrence dates', () => {
  it('clamp a monthly day into shorter months, and come back to it after', () => {
    expect(occurrenceDates(rule({}), '2026-01-01', '2026-05-31')).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
    ]);
  });

  it('follow every, the unit, the end date and the skipped dates', () => {
    const fortnightly = rule({ unit: 'week', every: 2, startDate: '2026-03-02', endDate: '2026-04-13' });
    expect(occurrenceDates(fortnightly, '2026-01-01', '2026-12-31')).toEqual([
      '2026-03-02',
      '2026-03-16',
      '2026-03-30',
      '2026-04-13',
    ]);
    const daily = rule({ unit: 'day', every: 3, startDate: '2026-12-30', skipped: ['2027-01-02'] });
    expect(occurrenceDates(daily, '2026-12-01', '2027-01-08')).toEqual([
      '2026-12-30',
      '2027-01-05',
      '2027-01-08',
    ]);
    // Only from `from` on.
    expect(occurrenceDates(daily, '2027-01-06', '2027-01-08')).toEqual(['2027-01-08']);
  });

  it('take the 29th of February to the 28th in common years, and a day of the month after the start', () => {
    const leap = rule({ unit: 'year', startDate: '2024-02-29' });
    expect(occurrenceDates(leap, '2024-01-01', '2028-12-31')).toEqual([
      '2024-02-29',
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
    ]);
    // Rent on the 1st, the rule entered on the 15th: the first is the next month's.
    const rent = rule({ dayOfMonth: 1, startDate: '2026-01-15' });
    expect(occurrenceDates(rent, '2026-01-01', '2026-03-31')).toEqual(['2026-02-01', '2026-03-01']);
  });
});

describe('occurrence row ids', () => {
  const ruleId = '019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9d';
  it('are UUIDv7s, the same for the same rule and date, different otherwise, sorting by date', () => {
    const id = occurrenceRowId(ruleId, '2026-03-01');
    expect(id).toMatch(STORED_ROW_ID_RE);
    expect(occurrenceRowId(ruleId, '2026-03-01')).toBe(id);
    expect(occurrenceRowId(ruleId, '2026-03-02')).not.toBe(id);
    expect(occurrenceRowId('019ab4a2-6f1e-7a2b-8c3d-4e5f6a7b8c9e', '2026-03-01')).not.toBe(id);
    expect(occurrenceRowId(ruleId, '2026-02-28') < id).toBe(true);
    const ids = new Set<string>();
    for (let d = 0; d < 2000; d++) {
      const date = new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      ids.add(occurrenceRowId(ruleId, date));
    }
    expect(ids.size).toBe(2000);
  });
});

describe('a recurring rule as created', () => {
  it('takes its template apart into fields, and refuses what cannot hold', () => {
    const parsed = RecurringCreateSchema.parse({
      kind: 'expense',
      template: { amount: 90_000, currency: 'EUR', payee: 'Landlord' },
      unit: 'month',
      dayOfMonth: 1,
      startDate: '2026-01-01',
    });
    expect(parsed).toEqual({
      kind: 'expense',
      amount: 90_000,
      currency: 'EUR',
      categoryId: null,
      accountId: null,
      party: 'Landlord',
      note: '',
      every: 1,
      unit: 'month',
      dayOfMonth: 1,
      startDate: '2026-01-01',
      endDate: null,
      skipped: [],
    });
    const base = {
      kind: 'income',
      template: { amount: 1, currency: 'EUR' },
      unit: 'week',
      startDate: '2026-01-05',
    };
    for (const [input, path] of [
      [{ ...base, endDate: '2026-01-04' }, 'endDate'],
      [{ ...base, dayOfMonth: 3 }, 'dayOfMonth'],
      [{ ...base, every: 0 }, 'every'],
      [{ ...base, unit: 'fortnight' }, 'unit'],
    ] as const) {
      const result = RecurringCreateSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([path]);
    }
  });
});
