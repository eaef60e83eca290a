import type { BenchCase } from '../case.js';
import { now } from '../case.js';
import { DeviceDir, latencyMetrics } from '../support/sdk.js';
import { seededRandom } from '../support/workload.js';

const ACCOUNTS = 20;
const ENTRIES = 100_000;
const TRANSFERS = 2_000;
const BATCH = 2_000;
const REPEATS = 50;

/**
 * The baseline: what accountTotals ran before month sums (packages/client/src/store/reports.ts, migration
 * 5): one pass over every entry of the accounts, on the account side.
 */
const RAW_TOTALS = `SELECT r.account_id, r.tbl, r.currency, SUM(r.amount), count(*)
  FROM rows r INDEXED BY rows_by_account JOIN rows a ON a.tbl = 'accounts' AND a.row_id = r.account_id
  WHERE r.account_id IS NOT NULL AND r.tbl IN ('expenses', 'income', 'transfers')
    AND r.deleted = 0 AND r.sort_date <= ? AND r.sort_date >= a.sort_date
    AND r.currency IS NOT NULL AND r.amount IS NOT NULL
  GROUP BY r.account_id, r.tbl, r.currency`;

/**
 * Balances of 20 accounts on a device of its own holding 100,000 expenses and income spread over
 * them (and 2,000 transfers), written through the SDK: kb.accounts.balances({ asOf }) for 50 days
 * across the two years, each checked against a running sum kept while writing.
 */
export const clientBalances: BenchCase = {
  name: 'client-balances',
  summary:
    'Client SDK, a device of its own with 20 accounts, 100,000 expenses and income and 2,000 transfers over 2 years: kb.accounts.balances({ asOf }) on 50 days; the raw prepared SELECT of the account side as baseline.',
  timeoutMs: 300_000,
  async run({ log }) {
    const dir = DeviceDir.create('balances');
    try {
      const random = seededRandom(7);
      const kb = await dir.open('http://127.0.0.1:9', 'balances');
      const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const started = now();
      const accounts = await kb.accounts.createMany(
        Array.from({ length: ACCOUNTS }, (_, i) => ({
          name: `Account ${i + 1}`,
          kind: 'checking' as const,
          currency: 'EUR',
          openingBalance: 100_000 * i,
          openingDate: '2024-01-01',
        })),
      );
      // What the balances must be: every write's signed amount by account and day, summed below.
      const moves: Array<{ account: number; date: string; amount: number }> = [];
      const indexOf = new Map(accounts.map((a, i) => [a.id, i]));
      for (let done = 0; done < ENTRIES; done += BATCH) {
        const rows = Array.from({ length: BATCH }, () => ({
          amount: 100 + Math.floor(random() * 20_000),
          currency: 'EUR',
          date: day(Math.floor(random() * 730)),
          accountId: (accounts[Math.floor(random() * ACCOUNTS)] as { id: string }).id,
        }));
        const income = (done / BATCH) % 5 === 0;
        if (income) await kb.income.createMany(rows);
        else await kb.expenses.createMany(rows);
        for (const r of rows) {
          const account = indexOf.get(r.accountId) as number;
          moves.push({ account, date: r.date, amount: income ? r.amount : -r.amount });
        }
      }
      const transfers = Array.from({ length: TRANSFERS }, (_, i) => ({
        fromAccountId: (accounts[i % ACCOUNTS] as { id: string }).id,
        toAccountId: (accounts[(i + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS] as { id: string })
          .id,
        amount: 1_000 + Math.floor(random() * 10_000),
        currency: 'EUR',
        date: day(Math.floor(random() * 730)),
      }));
      await kb.transfers.createMany(transfers);
      for (const t of transfers) {
        moves.push({ account: indexOf.get(t.fromAccountId) as number, date: t.date, amount: -t.amount });
        moves.push({ account: indexOf.get(t.toAccountId) as number, date: t.date, amount: t.amount });
      }
      log(
        `  filled ${ENTRIES.toLocaleString('en-US')} entries and ${TRANSFERS} transfers in ${((now() - started) / 1000).toFixed(1)} s`,
      );

      const days = Array.from({ length: REPEATS }, (_, i) => day(Math.floor((i * 730) / REPEATS)));
      const samples: number[] = [];
      for (const asOf of days) {
        const t = now();
        const balances = await kb.accounts.balances({ asOf });
        samples.push(now() - t);
        const expected = accounts.map((_, i) => 100_000 * i);
        for (const m of moves)
          if (m.date <= asOf) expected[m.account] = (expected[m.account] as number) + m.amount;
        for (const b of balances) {
          const want = expected[indexOf.get(b.accountId) as number];
          if (b.balance !== want) throw new Error(`${b.name} on ${asOf}: ${b.balance}, expected ${want}`);
        }
        if (balances.length !== ACCOUNTS)
          throw new Error(`${balances.length} balances for ${ACCOUNTS} accounts`);
      }
      await kb.close();

      const raw: number[] = [];
      const db = dir.openRaw();
      try {
        const statement = db.prepare(RAW_TOTALS);
        for (const asOf of days) {
          const t = now();
          statement.all(asOf);
          raw.push(now() - t);
        }
      } finally {
        db.close();
      }
      return {
        metrics: latencyMetrics('balances of 20 accounts', samples, { max: 20, baseline: raw }),
        notes: [
          'Two covering partial indexes (rows_by_account, rows_by_receiving_account) serve the sums; the table itself is not read. The accounts themselves are listed through the SDK (its query cache).',
          'Baseline: the account-side SELECT prepared once on a raw connection; the SDK also runs the receiving side of transfers and lists the accounts.',
        ],
      };
    } finally {
      dir.remove();
    }
  },
};
