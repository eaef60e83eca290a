import type { BudgetProgress } from '@kakeibo/client/browser';
import { useCategories } from '../app/categories.js';
import { useLive } from '../app/kakeibo.js';
import { locale } from '../app/preferences.js';
import { Link } from '../app/router.js';
import { AccountsCard } from '../components/AccountsCard.js';
import { AddEntryButton } from '../components/AddEntryButton.js';
import { EntryRow } from '../components/EntryRow.js';
import { HomeCurrencyTotals } from '../components/HomeCurrencyTotals.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { monthLabel, thisMonth } from '../lib/dates.js';
import { money } from '../lib/money.js';

/** This month at a glance: spent against budget, what remains, the latest entries. */
export function HomeScreen() {
  const lang = locale();
  const month = thisMonth();
  const categories = useCategories();
  const totals = useLive(
    (kb) => kb.reports.monthlyTotals({ from: month, to: month }),
    ['expenses', 'income'],
    [month],
  );
  // Budgets count other currencies at the entered rates: a new rate changes them.
  const budgets = useLive((kb) => kb.budgets.progress({ month }), ['budgets', 'expenses', 'rates'], [month]);
  const recent = useLive(
    (kb) => kb.transactions.list({ limit: 8 }).then((page) => page.items),
    ['expenses', 'income'],
    [],
  );
  const overall = overallBudget(budgets.data ?? []);

  return (
    <div className="stack">
      <section className="card hero" aria-labelledby="month-heading">
        <h2 id="month-heading">{monthLabel(month, lang)}</h2>
        {overall ? (
          <>
            <p className="hero-figure" data-testid="remaining">
              {overall.remaining >= 0
                ? `${money(overall.remaining, overall.currency, lang)} left`
                : `${money(-overall.remaining, overall.currency, lang)} over budget`}
            </p>
            <p className="muted">
              {money(overall.spent, overall.currency, lang)} spent of{' '}
              {money(overall.limit, overall.currency, lang)}
            </p>
            <ProgressBar
              percent={overall.percent}
              alert={overall.alert}
              over={overall.over}
              label="This month's spending against budget"
            />
          </>
        ) : (
          <p className="muted">
            No monthly budget yet. <Link to="/budgets">Set one</Link> to see what remains.
          </p>
        )}
        <dl className="totals">
          {(totals.data ?? []).map((t) => (
            <div key={t.currency} className="totals-row">
              <dt>Spent ({t.currency})</dt>
              <dd data-testid={`spent-${t.currency}`}>{money(t.expenses, t.currency, lang)}</dd>
              <dt>Income ({t.currency})</dt>
              <dd>{money(t.income, t.currency, lang)}</dd>
            </div>
          ))}
        </dl>
        <HomeCurrencyTotals month={month} />
      </section>

      <AccountsCard />

      {(budgets.data?.length ?? 0) > 0 && (
        <section className="card" aria-labelledby="budgets-heading">
          <div className="card-head">
            <h2 id="budgets-heading">Budgets</h2>
            <Link to="/budgets">All budgets</Link>
          </div>
          <ul className="plain">
            {(budgets.data ?? []).slice(0, 4).map((b) => {
              const name = b.categoryId
                ? (categories.byId.get(b.categoryId)?.name ?? 'Category')
                : 'All spending';
              return (
                <li key={b.budgetId} className="budget-line">
                  <div className="budget-line-head">
                    <span>{name}</span>
                    <span className={b.over ? 'over-text' : 'muted'}>
                      {money(b.spent, b.currency, lang)} / {money(b.limit, b.currency, lang)}
                    </span>
                  </div>
                  <ProgressBar percent={b.percent} alert={b.alert} over={b.over} label={`${name} budget`} />
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <section className="card" aria-labelledby="recent-heading">
        <div className="card-head">
          <h2 id="recent-heading">Recent</h2>
          <Link to="/transactions">All transactions</Link>
        </div>
        {recent.data && recent.data.length === 0 && (
          <p className="muted">Nothing yet: add your first expense.</p>
        )}
        <div className="entries">
          {(recent.data ?? []).map((entry) => (
            <EntryRow key={entry.id} entry={entry} categories={categories.byId} />
          ))}
        </div>
      </section>
      <AddEntryButton />
    </div>
  );
}

/**
 * The month's headline: the "all spending" monthly budget when there is one, else the monthly
 * category budgets added up (in the currency most of them use).
 */
function overallBudget(progress: readonly BudgetProgress[]) {
  const monthly = progress.filter((b) => b.period === 'monthly');
  const all = monthly.find((b) => b.categoryId === null);
  if (all) return all;
  if (monthly.length === 0) return null;
  const currency = monthly[0]?.currency ?? 'EUR';
  const same = monthly.filter((b) => b.currency === currency);
  const limit = same.reduce((sum, b) => sum + b.limit, 0);
  const spent = same.reduce((sum, b) => sum + b.spent, 0);
  const percent = limit > 0 ? Math.floor((spent * 100) / limit) : 0;
  return {
    currency,
    limit,
    spent,
    remaining: limit - spent,
    percent,
    alert: same.some((b) => b.alert),
    over: spent > limit,
  };
}
