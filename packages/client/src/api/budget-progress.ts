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
}

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

async function spentBetween(
  store: CollectionStore,
  from: string,
  to: string,
  categoryId: string | null,
  currency: string,
) {
  let total = 0;
  for (const row of await store.spendingByCategory(from, to)) {
    if (row.currency === currency && (categoryId === null || row.categoryId === categoryId))
      total += row.amount;
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
  options: { month?: string; today: string },
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
    const spent = await spentBetween(store, from, to, budget.categoryId, budget.currency);
    let limit = budget.limitAmount;
    if (budget.rollover && index > 0) {
      // Everything earlier periods allowed, minus what they spent, carries into this one.
      const before = await spentBetween(
        store,
        budget.startDate,
        fromDay(toDay(from) - DAY),
        budget.categoryId,
        budget.currency,
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
    });
  }
  return out;
}
