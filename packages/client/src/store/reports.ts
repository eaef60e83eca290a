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
   * Per account: the month sums of migration 5 for every full month after its opening month and
   * before the month of `asOf`, plus the two edge months from the covering indexes (the opening
   * month from the opening date on, the last month up to `asOf`), the account side of expenses,
   * income and transfers (rows_by_account) and the receiving side of transfers
   * (rows_by_receiving_account). What is dated before the opening date (the account row's
   * sort_date) is in the opening balance already. The work grows with accounts and months, not
   * with entries: two months of rows are read, whatever the ledger's size.
   */
  async accountTotals(asOf) {
    const month = asOf.slice(0, 7);
    const first = `${month}-01`;
    const own = await ctx.db.all<SumRow & { tbl: string }>(
      `SELECT account_id, tbl, currency, SUM(amount) AS amount, SUM(n) AS n FROM (
         SELECT m.account_id AS account_id, m.tbl AS tbl, m.currency AS currency, m.amount AS amount, m.n AS n
         FROM rows a JOIN account_months m ON m.account_id = a.row_id
         WHERE a.tbl = 'accounts' AND m.tbl IN ('expenses', 'income', 'transfers')
           AND m.month > substr(a.sort_date, 1, 7) AND m.month < ?
         UNION ALL
         SELECT r.account_id, r.tbl, r.currency, SUM(r.amount), count(*)
         FROM rows a JOIN rows r INDEXED BY rows_by_account ON r.account_id = a.row_id
         WHERE a.tbl = 'accounts' AND r.account_id IS NOT NULL AND r.tbl IN ('expenses', 'income', 'transfers')
           AND r.sort_date >= a.sort_date AND r.sort_date <= min(?, substr(a.sort_date, 1, 7) || '-31')
           AND r.deleted = 0 AND r.currency IS NOT NULL AND r.amount IS NOT NULL
         GROUP BY r.account_id, r.tbl, r.currency
         UNION ALL
         SELECT r.account_id, r.tbl, r.currency, SUM(r.amount), count(*)
         FROM rows a JOIN rows r INDEXED BY rows_by_account ON r.account_id = a.row_id
         WHERE a.tbl = 'accounts' AND ? > substr(a.sort_date, 1, 7)
           AND r.account_id IS NOT NULL AND r.tbl IN ('expenses', 'income', 'transfers')
           AND r.sort_date >= ? AND r.sort_date <= ?
           AND r.deleted = 0 AND r.currency IS NOT NULL AND r.amount IS NOT NULL
         GROUP BY r.account_id, r.tbl, r.currency
       ) GROUP BY account_id, tbl, currency HAVING SUM(n) > 0`,
      [month, asOf, month, first, asOf],
    );
    const received = await ctx.db.all<SumRow>(
      `SELECT account_id, currency, SUM(amount) AS amount, SUM(n) AS n FROM (
         SELECT m.account_id AS account_id, m.currency AS currency, m.amount AS amount, m.n AS n
         FROM rows a JOIN account_months m ON m.account_id = a.row_id
         WHERE a.tbl = 'accounts' AND m.tbl = 'transfers_in'
           AND m.month > substr(a.sort_date, 1, 7) AND m.month < ?
         UNION ALL
         SELECT r.to_account_id, r.to_currency, SUM(r.to_amount), count(*)
         FROM rows a JOIN rows r INDEXED BY rows_by_receiving_account ON r.to_account_id = a.row_id
         WHERE a.tbl = 'accounts' AND r.to_account_id IS NOT NULL
           AND r.sort_date >= a.sort_date AND r.sort_date <= min(?, substr(a.sort_date, 1, 7) || '-31')
           AND r.deleted = 0 AND r.to_currency IS NOT NULL AND r.to_amount IS NOT NULL
         GROUP BY r.to_account_id, r.to_currency
         UNION ALL
         SELECT r.to_account_id, r.to_currency, SUM(r.to_amount), count(*)
         FROM rows a JOIN rows r INDEXED BY rows_by_receiving_account ON r.to_account_id = a.row_id
         WHERE a.tbl = 'accounts' AND ? > substr(a.sort_date, 1, 7) AND r.to_account_id IS NOT NULL
           AND r.sort_date >= ? AND r.sort_date <= ?
           AND r.deleted = 0 AND r.to_currency IS NOT NULL AND r.to_amount IS NOT NULL
         GROUP BY r.to_account_id, r.to_currency
       ) GROUP BY account_id, currency HAVING SUM(n) > 0`,
      [month, asOf, month, first, asOf],
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
