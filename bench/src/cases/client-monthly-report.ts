import type { BenchCase } from '../case.js';
import { now } from '../case.js';
import { monthRange } from '../support/ledger.js';
import { bootstrappedDevice, latencyMetrics, openBootstrapped } from '../support/sdk.js';

const REPEATS = 50;

/** The statement the store's spendingByCategory runs (packages/client/src/store/reports.ts). */
const RAW_REPORT = `SELECT category_id, currency, SUM(amount) AS amount, count(*) AS n FROM rows INDEXED BY rows_by_date
  WHERE tbl = 'expenses' AND sort_date >= ? AND sort_date <= ? AND deleted = 0
    AND currency IS NOT NULL AND amount IS NOT NULL
  GROUP BY category_id, currency ORDER BY currency, category_id`;

/**
 * A month's spending by category on the bootstrapped 100,000-expense device:
 * `kb.reports.spendingByCategory({ from, to })`, which the SDK does not cache, 50 times over the
 * ledger's 24 months in turn; each result is checked against the generator's count of live rows.
 */
export const clientMonthlyReport: BenchCase = {
  name: 'client-monthly-report',
  summary:
    "Client SDK at 100,000 expenses: kb.reports.spendingByCategory for one calendar month (~4,100 expenses, 15 categories × 4 currencies), 50 calls over the ledger's 24 months; raw prepared SELECT of the same aggregate as baseline.",
  timeoutMs: 240_000,
  async run({ log }) {
    const device = await bootstrappedDevice(log);
    const months = [...device.months.keys()].sort();
    const queries = Array.from({ length: REPEATS }, (_, i) => months[i % months.length] as string);
    const samples: number[] = [];
    let groups = 0;
    const kb = await openBootstrapped(device);
    try {
      for (const month of queries) {
        const range = monthRange(month);
        const started = now();
        const report = await kb.reports.spendingByCategory(range);
        const ms = now() - started;
        samples.push(ms);
        groups += report.length;
        const counted = report.reduce((n, r) => n + r.count, 0);
        const expected = device.months.get(month)?.count ?? 0;
        if (counted !== expected)
          throw new Error(`report for ${month} counts ${counted} expenses, the ledger has ${expected}`);
      }
    } finally {
      await kb.close();
    }

    const raw: number[] = [];
    const db = device.dir.openRaw();
    try {
      const statement = db.prepare(RAW_REPORT);
      for (const month of queries) {
        const { from, to } = monthRange(month);
        const started = now();
        statement.all(from, to);
        raw.push(now() - started);
      }
    } finally {
      db.close();
    }

    const perMonth = [...device.months.values()].map((m) => m.count);
    return {
      metrics: [
        ...latencyMetrics('spendingByCategory, one month', samples, { max: 20, baseline: raw }),
        {
          metric: 'first report after opening the device (cold caches)',
          value: samples[0] as number,
          unit: 'ms',
        },
      ],
      notes: [
        `Months ${months[0]} … ${months.at(-1)}, ${Math.min(...perMonth).toLocaleString('en-US')}–${Math.max(...perMonth).toLocaleString('en-US')} live expenses each; ${(groups / REPEATS).toFixed(1)} (category, currency) groups per report on average. Every report's counts were checked against the generated ledger.`,
        'Not cached by the SDK: every call runs the aggregate (one range of the rows_by_date index, which covers deleted, category, currency and amount). The first call after opening the device is included in the median/p95 and also shown alone.',
        'Baseline: the same SELECT prepared once on a second raw connection to the device database; ratio = SDK ÷ raw.',
      ],
    };
  },
};
