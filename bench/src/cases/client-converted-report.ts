import type { BenchCase } from '../case.js';
import { now } from '../case.js';
import { monthRange } from '../support/ledger.js';
import { bootstrappedDevice, latencyMetrics, openBootstrapped } from '../support/sdk.js';

const REPEATS = 50;

/** One rate a month into EUR for each other currency of the ledger, as a person might enter them. */
const RATES = { USD: '0.925926', GBP: '1.162791', JPY: '0.00625' } as const;

/**
 * A month's expenses and income converted into one home currency on the bootstrapped
 * 100,000-expense device: `kb.reports.converted({ from, to, homeCurrency })`, with a rate a month
 * for each of the ledger's three other currencies; beside kb.reports.spendingByCategory for the
 * same month (the same index range, unconverted).
 */
export const clientConvertedReport: BenchCase = {
  name: 'client-converted-report',
  summary:
    'Client SDK at 100,000 expenses in 4 currencies: kb.reports.converted for one month into EUR (72 rates entered, one a month per currency), 50 calls over 24 months; kb.reports.spendingByCategory of the same month as baseline.',
  timeoutMs: 240_000,
  async run({ log }) {
    const device = await bootstrappedDevice(log);
    const months = [...device.months.keys()].sort();
    const queries = Array.from({ length: REPEATS }, (_, i) => months[i % months.length] as string);
    const converted: number[] = [];
    const plain: number[] = [];
    let leftOut = 0;
    const kb = await openBootstrapped(device);
    try {
      await kb.rates.createMany(
        months.flatMap((month) =>
          Object.entries(RATES).map(([currency, rate]) => ({
            currency,
            toCurrency: 'EUR',
            date: `${month}-01`,
            rate,
          })),
        ),
      );
      for (const month of queries) {
        const range = monthRange(month);
        let started = now();
        const report = await kb.reports.converted({ ...range, homeCurrency: 'EUR' });
        converted.push(now() - started);
        leftOut += report.leftOut.length;
        started = now();
        await kb.reports.spendingByCategory(range);
        plain.push(now() - started);
      }
    } finally {
      await kb.close();
    }
    if (leftOut > 0)
      throw new Error(`${leftOut} currency groups were left out although every month has its rates`);
    return {
      metrics: latencyMetrics('converted report, one month', converted, {
        max: 20,
        baseline: plain,
        baselineLabel: 'spendingByCategory',
      }),
      notes: [
        'Each day’s sum per currency and category is converted once (half to even), so a month is ~31 × 4 × 15 groups at most, read from the rows_by_date range that spendingByCategory reads.',
        'The rates are written on the shared device (72 local ops), before client-local-edit, which measures its own ops only.',
      ],
    };
  },
};
