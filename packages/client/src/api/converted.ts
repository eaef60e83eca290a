import { CalendarDateSchema, CurrencyCodeSchema, convertAmount, KakeiboError } from '@kakeibo/core';
import type { CollectionStore, DailyTotal, MaterializedRow } from '../store/types.js';

/**
 * Totals of several currencies in one home currency, with the rates the person entered: each
 * day's sum per currency and category is converted at the latest rate on or before that day, and
 * rounded once to the home currency's minor unit, half to even (core convertAmount). Amounts with no
 * rate on or before their day are not guessed at: they are listed in `leftOut`.
 */
export interface ConvertedTotals {
  homeCurrency: string;
  from: string;
  to: string;
  expenses: number;
  income: number;
  /** Expenses per category (null: uncategorised), in the home currency, largest first. */
  byCategory: Array<{ categoryId: string | null; amount: number }>;
  leftOut: Array<{
    kind: 'expenses' | 'income';
    currency: string;
    amount: number;
    count: number;
    firstDate: string;
  }>;
  rounding: 'half-even, per day, currency and category';
}

interface Rate {
  id: string;
  date: string;
  rate: string;
}

/** For each currency, its rates into `home` by date (oldest first). */
function ratesInto(home: string, rows: readonly MaterializedRow[]): Map<string, Rate[]> {
  const byCurrency = new Map<string, Rate[]>();
  for (const row of rows) {
    if (row.deleted || row.toCurrency !== home) continue;
    const list = byCurrency.get(String(row.currency)) ?? [];
    list.push({ id: row.id, date: String(row.date), rate: String(row.rate) });
    byCurrency.set(String(row.currency), list);
  }
  // Two rates of one day (entered on two devices): the greater row id wins, the same everywhere.
  const order = (a: Rate, b: Rate) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1);
  for (const list of byCurrency.values()) list.sort(order);
  return byCurrency;
}

/** The latest rate on or before `date`, by binary search. */
function rateOn(rates: readonly Rate[] | undefined, date: string): string | null {
  if (!rates?.length) return null;
  let lo = 0;
  let hi = rates.length - 1;
  let found: Rate | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rates[mid] as Rate;
    if (r.date <= date) {
      found = r;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found?.rate ?? null;
}

/**
 * The rates the person entered, to convert with: an amount of a day into a currency, at the latest
 * rate on or before that day, or null when there is none (the amount is then left out, never guessed).
 */
export function rateTable(rateRows: readonly MaterializedRow[]) {
  const into = new Map<string, Map<string, Rate[]>>();
  return {
    convert(amount: number, currency: string, date: string, home: string): number | null {
      if (currency === home) return amount;
      let rates = into.get(home);
      if (!rates) {
        rates = ratesInto(home, rateRows);
        into.set(home, rates);
      }
      const rate = rateOn(rates.get(currency), date);
      return rate === null ? null : convertAmount(amount, currency, home, rate);
    },
  };
}

function exactAdd(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum))
    throw new KakeiboError('store.overflow', 'The converted total is too large to count exactly.');
  return sum;
}

export async function convertedTotals(
  store: Pick<CollectionStore, 'dailyTotals'>,
  rateRows: readonly MaterializedRow[],
  query: { from: string; to: string; homeCurrency: string },
): Promise<ConvertedTotals> {
  for (const [field, schema] of [
    ['from', CalendarDateSchema],
    ['to', CalendarDateSchema],
    ['homeCurrency', CurrencyCodeSchema],
  ] as const) {
    const checked = schema.safeParse(query[field]);
    if (!checked.success) {
      throw new KakeiboError(
        'validation.failed',
        `${field}: ${checked.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
  }
  const { from, to, homeCurrency } = query;
  const rates = rateTable(rateRows);
  const result: ConvertedTotals = {
    homeCurrency,
    from,
    to,
    expenses: 0,
    income: 0,
    byCategory: [],
    leftOut: [],
    rounding: 'half-even, per day, currency and category',
  };
  const categories = new Map<string | null, number>();
  const leftOut = new Map<string, ConvertedTotals['leftOut'][number]>();
  const days: DailyTotal[] = await store.dailyTotals(from, to);
  for (const day of days) {
    const amount = rates.convert(day.amount, day.currency, day.date, homeCurrency);
    if (amount === null) {
      const key = `${day.kind}/${day.currency}`;
      const entry = leftOut.get(key) ?? {
        kind: day.kind,
        currency: day.currency,
        amount: 0,
        count: 0,
        firstDate: day.date,
      };
      entry.amount = exactAdd(entry.amount, day.amount);
      entry.count += day.count;
      if (day.date < entry.firstDate) entry.firstDate = day.date;
      leftOut.set(key, entry);
      continue;
    }
    result[day.kind] = exactAdd(result[day.kind], amount);
    if (day.kind === 'expenses')
      categories.set(day.categoryId, exactAdd(categories.get(day.categoryId) ?? 0, amount));
  }
  result.byCategory = [...categories]
    .map(([categoryId, amount]) => ({ categoryId, amount }))
    .sort((a, b) => b.amount - a.amount || String(a.categoryId).localeCompare(String(b.categoryId)));
  result.leftOut = [...leftOut.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  return result;
}
