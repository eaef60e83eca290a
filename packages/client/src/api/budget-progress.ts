import { KakeiboError } from '@kakeibo/core';
import type { CollectionStore, MaterializedRow } from '../store/types.js';

export interface BudgetProgress {
  budgetId: string;
  categoryId: string | null;
  period: 'weekly' | 'monthly' | 'yearly';
  /** The period evaluated, inclusive calendar dates. */
  from: string;
  to: string;
  currency: string;
  /** Minor units. With rollover, the limit includes what earlier periods left over (or overspent). */
  limit: number;
  spent: number;
  remaining: number;
  /** Whole percent of the limit spent (0 when the limit is 0). */
  percent: number;
  alertThresholdPercent: number;
  /** Spending reached the alert threshold. */
  alert: boolean;
  over: boolean;
  /**
   * Spending in another currency than the budget's with no entered rate on or before its day: not
   * in `spent`, listed so the app can say what was left out. (With a rate it is converted and counted.)
   */
  leftOut: Array<{ currency: string; amount: number; count: number }>;
}

/** Converts an amount of a day into a currency, or null without a rate (converted.ts's rateTable). */
export interface Converter {
  convert(amount: number, currency: string, date: string, into: string): number | null;
}

type LeftOut = BudgetProgress['leftOut'];

// Calendar dates as UTC midnights: a date has no time zone, so no zone may shift it.
const toDay = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
const fromDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

function lastDayOfMonth(month: string): string {
  const [y, m] = [+month.slice(0, 4), +month.slice(5, 7)];
  return fromDay(Date.UTC(y, m, 0));
}

/** The period of a budget that contains `date`, and how many whole periods lie between start and it. */
export function periodContaining(
  budget: { period: string; startDate: string },
  date: string,
): { from: string; to: string; index: number } {
  const start = toDay(budget.startDate);
  const day = toDay(date);
  if (budget.period === 'weekly') {
    const index = Math.floor((day - start) / (7 * DAY));
    const from = start + index * 7 * DAY;
    return { from: fromDay(from), to: fromDay(from + 6 * DAY), index };
  }
  const s = new Date(start);
  const d = new Date(day);
  const months = budget.period === 'yearly' ? 12 : 1;
  let index = Math.floor(
    ((d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth()) / months,
  );
  const periodStart = (i: number) => {
    const target = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + i * months, 1));
    // Clamp the start day into shorter months (a budget starting on the 31st starts on the 30th in April).
    const dim = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(s.getUTCDate(), dim));
  };
  if (periodStart(index) > day) index -= 1;
  return { from: fromDay(periodStart(index)), to: fromDay(periodStart(index + 1) - DAY), index };
}

/**
 * What a budget's category (or all spending) spent in its currency from `from` to `to`. Spending in
 * other currencies is converted day by day with the rates entered, or listed in `leftOut`; the finer
 * per-day read runs only when the range holds such spending at all.
 */
async function spentBetween(
  store: CollectionStore,
  rates: Converter,
  range: { from: string; to: string },
  budget: { categoryId: string | null; currency: string },
  leftOut: LeftOut,
) {
  const counts = (categoryId: string | null) =>
    budget.categoryId === null || categoryId === budget.categoryId;
  let total = 0;
  let foreign = false;
  for (const row of await store.spendingByCategory(range.from, range.to)) {
    if (!counts(row.categoryId)) continue;
    if (row.currency === budget.currency) total += row.amount;
    else foreign = true;
  }
  if (!foreign) return total;
  for (const day of await store.dailyTotals(range.from, range.to)) {
    if (day.kind !== 'expenses' || day.currency === budget.currency || !counts(day.categoryId)) continue;
    const converted = rates.convert(day.amount, day.currency, day.date, budget.currency);
    if (converted !== null) {
      total += converted;
      continue;
    }
    const entry = leftOut.find((l) => l.currency === day.currency);
    if (entry) {
      entry.amount += day.amount;
      entry.count += day.count;
    } else leftOut.push({ currency: day.currency, amount: day.amount, count: day.count });
  }
  return total;
}

/**
 * Spent against limit for every active budget, for the month given (default: this month). Each budget
 * is evaluated over its own period that contains the reference day (today within the current month,
 * otherwise the month's last day). Integer minor units throughout.
 */
export async function budgetProgress(
  store: CollectionStore,
  budgets: readonly MaterializedRow[],
  options: { month?: string; today: string; rates: Converter },
): Promise<BudgetProgress[]> {
  const month = options.month ?? options.today.slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new KakeiboError('validation.failed', `month must be written YYYY-MM, got ${month}`);
  }
  const reference = options.today.startsWith(month) ? options.today : lastDayOfMonth(month);
  const out: BudgetProgress[] = [];
  for (const b of budgets) {
    const budget = b as MaterializedRow & {
      categoryId: string | null;
      period: 'weekly' | 'monthly' | 'yearly';
      limitAmount: number;
      currency: string;
      startDate: string;
      rollover: boolean;
      alertThresholdPercent: number;
    };
    if (budget.deleted || reference < budget.startDate) continue;
    const { from, to, index } = periodContaining(budget, reference);
    const leftOut: LeftOut = [];
    const spent = await spentBetween(store, options.rates, { from, to }, budget, leftOut);
    let limit = budget.limitAmount;
    if (budget.rollover && index > 0) {
      // Everything earlier periods allowed, minus what they spent, carries into this one.
      // What earlier periods left out is not this period's: only this period's is reported.
      const before = await spentBetween(
        store,
        options.rates,
        { from: budget.startDate, to: fromDay(toDay(from) - DAY) },
        budget,
        [],
      );
      limit += index * budget.limitAmount - before;
    }
    // BigInt: spent × 100 can pass 2^53 for very large amounts.
    const percent = limit > 0 ? Number((BigInt(spent) * 100n) / BigInt(limit)) : 0;
    out.push({
      budgetId: budget.id,
      categoryId: budget.categoryId,
      period: budget.period,
      from,
      to,
      currency: budget.currency,
      limit,
      spent,
      remaining: limit - spent,
      percent,
      alertThresholdPercent: budget.alertThresholdPercent,
      alert: percent >= budget.alertThresholdPercent,
      over: spent > limit,
      leftOut,
    });
  }
  return out;
}
