import { KakeiboError } from '@kakeibo/core';
import type { StoreContext } from './context.js';
import { splitTotals, withSplits } from './row-splits.js';
import type { AccountTotal, CollectionStore } from './types.js';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** Sums in SQL over integer minor units, from the date index alone (the table itself is never read). */
export const reportsArea = (
  ctx: StoreContext,
): Pick<CollectionStore, 'spendingByCategory' | 'monthlyTotals' | 'accountTotals' | 'dailyTotals'> => ({
  async spendingByCategory(from, to) {
    const rows = await ctx.db.all<{
      category_id: string | null;
      currency: string;
      amount: number | bigint;
      n: number;
    }>(
      `SELECT category_id, currency, SUM(amount) AS amount, count(*) AS n FROM rows ${ctx.dateIndex.hint()}
       WHERE tbl = 'expenses' AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY category_id, currency ORDER BY currency, category_id`,
      [from, to],
    );
    const totals = rows.map((r) => ({
      categoryId: r.category_id,
      currency: r.currency,
      amount: exactSum(r.amount, `${r.currency} expenses`),
      count: Number(r.n),
    }));
    // Keyed by currency then category, so the order stays the SQL's: by currency, then category.
    const lines = (await splitTotals(ctx.db, from, to, 'by category')).map(({ date: _, ...t }) => t);
    return withSplits(totals, lines, (t) => [t.currency, t.categoryId ?? ''].join('\u0000'));
  },

  /**
   * One range of rows_by_date per table (`tbl IN (…)` walks the index once per table). Days are
   * compared as text, so the range of months a to b is the dates from `a-01` to `b-31`.
   */
  async monthlyTotals(from, to) {
    for (const month of [from, to]) {
      if (!MONTH.test(month)) {
        throw new KakeiboError(
          'validation.failed',
          `A month is written YYYY-MM, got ${JSON.stringify(month)}.`,
        );
      }
    }
    const rows = await ctx.db.all<{ month: string; currency: string; tbl: string; amount: number | bigint }>(
      `SELECT substr(sort_date, 1, 7) AS month, currency, tbl, SUM(amount) AS amount
       FROM rows ${ctx.dateIndex.hint()}
       WHERE tbl IN ('expenses', 'income') AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY month, currency, tbl ORDER BY month, currency`,
      [`${from}-01`, `${to}-31`],
    );
    const totals: Awaited<ReturnType<CollectionStore['monthlyTotals']>> = [];
    for (const r of rows) {
      let total = totals.at(-1);
      if (total?.month !== r.month || total.currency !== r.currency) {
        total = { month: r.month, currency: r.currency, expenses: 0, income: 0 };
        totals.push(total);
      }
      const amount = exactSum(r.amount, `${r.currency} ${r.tbl} of ${r.month}`);
      if (r.tbl === 'expenses') total.expenses = amount;
      else total.income = amount;
    }
    return totals;
  },

  /** One range of rows_by_date per table, as monthlyTotals, grouped finer: per day, currency and category. */
  async dailyTotals(from, to) {
    const rows = await ctx.db.all<{
      tbl: string;
      date: string;
      currency: string;
      category_id: string | null;
      amount: number | bigint;
      n: number;
    }>(
      `SELECT tbl, sort_date AS date, currency, category_id, SUM(amount) AS amount, count(*) AS n
       FROM rows ${ctx.dateIndex.hint()}
       WHERE tbl IN ('expenses', 'income') AND sort_date >= ? AND sort_date <= ? AND deleted = 0
         AND currency IS NOT NULL AND amount IS NOT NULL
       GROUP BY tbl, sort_date, currency, category_id`,
      [from, to],
    );
    const totals = rows.map((r) => ({
      kind: r.tbl === 'income' ? ('income' as const) : ('expenses' as const),
      date: r.date,
      currency: r.currency,
      categoryId: r.category_id,
      amount: exactSum(r.amount, `${r.currency} ${r.tbl} of ${r.date}`),
      count: Number(r.n),
    }));
    const lines = (await splitTotals(ctx.db, from, to, 'by day')).map((t) => ({
      ...t,
      kind: 'expenses' as const,
    }));
    return withSplits(totals, lines, (t) => [t.kind, t.date, t.currency, t.categoryId ?? ''].join('\u0000'));
  },

  /**
   * Two covering ranges: the account side of expenses, income and transfers (rows_by_account), and
   * the receiving side of transfers (rows_by_receiving_account). Each is joined to its account row,
   * whose sort_date is the opening date: what is dated before it is in the opening balance already.
   */
  async accountTotals(asOf) {
    const own = await ctx.db.all<SumRow & { tbl: string }>(
      `SELECT r.account_id AS account_id, r.tbl AS tbl, r.currency AS currency,
              SUM(r.amount) AS amount, count(*) AS n
       FROM rows r INDEXED BY rows_by_account
       JOIN rows a ON a.tbl = 'accounts' AND a.row_id = r.account_id
       WHERE r.account_id IS NOT NULL AND r.tbl IN ('expenses', 'income', 'transfers')
         AND r.deleted = 0 AND r.sort_date <= ? AND r.sort_date >= a.sort_date
         AND r.currency IS NOT NULL AND r.amount IS NOT NULL
       GROUP BY r.account_id, r.tbl, r.currency`,
      [asOf],
    );
    const received = await ctx.db.all<SumRow>(
      `SELECT r.to_account_id AS account_id, r.to_currency AS currency,
              SUM(r.to_amount) AS amount, count(*) AS n
       FROM rows r INDEXED BY rows_by_receiving_account
       JOIN rows a ON a.tbl = 'accounts' AND a.row_id = r.to_account_id
       WHERE r.to_account_id IS NOT NULL AND r.deleted = 0 AND r.sort_date <= ? AND r.sort_date >= a.sort_date
         AND r.to_currency IS NOT NULL AND r.to_amount IS NOT NULL
       GROUP BY r.to_account_id, r.to_currency`,
      [asOf],
    );
    const KIND = { expenses: 'expenses', income: 'income', transfers: 'transfersOut' } as const;
    return [
      ...own.map((r) => total(r, KIND[r.tbl as keyof typeof KIND])),
      ...received.map((r) => total(r, 'transfersIn')),
    ];
  },
});

interface SumRow {
  account_id: string;
  currency: string;
  amount: number | bigint;
  n: number;
}

function total(r: SumRow, kind: AccountTotal['kind']): AccountTotal {
  return {
    accountId: r.account_id,
    kind,
    currency: r.currency,
    amount: exactSum(r.amount, `${r.currency} ${kind} of account ${r.account_id}`),
    count: Number(r.n),
  };
}

/** A SQL SUM as an exact JavaScript number, or `store.overflow`. */
function exactSum(sum: number | bigint, what: string): number {
  const amount = Number(sum);
  if (!Number.isSafeInteger(amount)) {
    throw new KakeiboError('store.overflow', `The sum of ${what} is too large to count exactly.`);
  }
  return amount;
}
