import type { ImportPreview } from './preview.js';

/*
 * What a preview adds up to: count, date range, sums per currency, and per statement whether the
 * bank's balances agree with its transactions (opening + transactions = closing), so a person can
 * see "balance after import matches the bank's" before committing anything.
 */

export interface StatementCheck {
  statement: number;
  account: string | null;
  currency: string;
  count: number;
  sum: number;
  opening: number | null;
  closing: number | null;
  /** opening + sum, when there is an opening balance. */
  expectedClosing: number | null;
  /** True or false when both balances are there, null when there is nothing to check against. */
  matches: boolean | null;
}

export interface PreviewSummary {
  count: number;
  from: string | null;
  to: string | null;
  sums: Array<{ currency: string; amount: number }>;
  statements: StatementCheck[];
}

export function summarisePreview(preview: ImportPreview): PreviewSummary {
  const dates = preview.transactions.map((t) => t.date).sort();
  const sums = new Map<string, number>();
  for (const t of preview.transactions) sums.set(t.currency, (sums.get(t.currency) ?? 0) + t.amount);
  const statements = preview.statements.map((s, statement): StatementCheck => {
    const own = preview.transactions.filter((t) => t.statement === statement && t.currency === s.currency);
    const sum = own.reduce((n, t) => n + t.amount, 0);
    const balance = (kind: 'opening' | 'closing') =>
      preview.balances.find((b) => b.statement === statement && b.kind === kind && b.currency === s.currency)
        ?.amount ?? null;
    const opening = balance('opening');
    const closing = balance('closing');
    const expectedClosing = opening === null ? null : opening + sum;
    return {
      statement,
      account: s.account,
      currency: s.currency,
      count: own.length,
      sum,
      opening,
      closing,
      expectedClosing,
      matches: expectedClosing === null || closing === null ? null : expectedClosing === closing,
    };
  });
  return {
    count: preview.transactions.length,
    from: dates[0] ?? null,
    to: dates[dates.length - 1] ?? null,
    sums: [...sums]
      .map(([currency, amount]) => ({ currency, amount }))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    statements,
  };
}
