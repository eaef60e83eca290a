import { useState } from 'react';
import { useCategories } from '../app/categories.js';
import { useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { BarList, MonthBars } from '../components/charts.js';
import { addMonths, monthLabel, monthRange, thisMonth } from '../lib/dates.js';
import { money } from '../lib/money.js';

const MONTHS = 6;

/** Spending by category, the month-over-month trend, and income against expenses. */
export function ReportsScreen() {
  const lang = locale();
  const categories = useCategories();
  const [month, setMonth] = useState(thisMonth);
  const first = addMonths(month, -(MONTHS - 1));
  const months = Array.from({ length: MONTHS }, (_, i) => addMonths(first, i));
  const totals = useLive(
    (kb) => kb.reports.monthlyTotals({ from: first, to: month }),
    ['expenses', 'income'],
    [first, month],
  );
  const range = monthRange(month);
  const spending = useLive(
    (kb) => kb.reports.spendingByCategory(range),
    ['expenses'],
    [range.from, range.to],
  );

  const currencies = [
    ...new Set([
      ...(totals.data ?? []).map((t) => t.currency),
      ...(spending.data ?? []).map((s) => s.currency),
    ]),
  ].sort();
  const [picked, setPicked] = useState<string | null>(null);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? null);
  const format = (v: number) => (currency ? money(v, currency, lang) : String(v));
  const series = (key: 'expenses' | 'income') =>
    months.map((m) => (totals.data ?? []).find((t) => t.month === m && t.currency === currency)?.[key] ?? 0);
  const bars = (spending.data ?? [])
    .filter((s) => s.currency === currency)
    .sort((a, b) => b.amount - a.amount)
    .map((s) => {
      const category = s.categoryId ? categories.byId.get(s.categoryId) : undefined;
      return { label: category?.name ?? 'No category', value: s.amount, color: category?.color ?? '#8a8f98' };
    });
  const shortMonths = months.map((m) => monthLabel(m, lang, 'short'));

  return (
    <div className="stack">
      <div className="filters">
        <label className="field compact">
          <span>Month</span>
          <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
        </label>
        {currencies.length > 1 && (
          <label className="field compact">
            <span>Currency</span>
            <select value={currency ?? ''} onChange={(e) => setPicked(e.target.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!currency ? (
        <p className="muted card">No entries in these months yet.</p>
      ) : (
        <>
          <section className="card" aria-labelledby="by-category">
            <h2 id="by-category">Spending by category · {monthLabel(month, lang)}</h2>
            {bars.length === 0 ? (
              <p className="muted">No spending this month.</p>
            ) : (
              <BarList
                bars={bars}
                format={format}
                title={`Spending by category in ${monthLabel(month, lang)}`}
              />
            )}
          </section>
          <section className="card" aria-labelledby="trend">
            <h2 id="trend">Spending, month over month</h2>
            <MonthBars
              months={shortMonths}
              series={[{ name: 'Spent', color: 'var(--accent)', values: series('expenses') }]}
              format={format}
              title="Spending per month"
            />
          </section>
          <section className="card" aria-labelledby="in-out">
            <h2 id="in-out">Income and expenses</h2>
            <MonthBars
              months={shortMonths}
              series={[
                { name: 'Income', color: 'var(--positive)', values: series('income') },
                { name: 'Expenses', color: 'var(--warn)', values: series('expenses') },
              ]}
              format={format}
              title="Income and expenses per month"
            />
          </section>
        </>
      )}
    </div>
  );
}
