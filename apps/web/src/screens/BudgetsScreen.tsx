import { type FormEvent, useState } from 'react';
import { useCategories } from '../app/categories.js';
import { useKakeibo, useLive } from '../app/kakeibo.js';
import { locale, preferredCurrency } from '../app/preferences.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { FormFooter } from '../components/FormFooter.js';
import { MoneyFields } from '../components/MoneyFields.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { rangeLabel, thisMonth } from '../lib/dates.js';
import { money, readAmount } from '../lib/money.js';

type Period = 'weekly' | 'monthly' | 'yearly';

/** Budgets per category with progress bars, a warning when one is over, and a form to add one. */
export function BudgetsScreen() {
  const kb = useKakeibo();
  const lang = locale();
  const categories = useCategories();
  const month = thisMonth();
  const progress = useLive((k) => k.budgets.progress({ month }), ['budgets', 'expenses'], [month]);
  const over = (progress.data ?? []).filter((b) => b.over);

  return (
    <div className="stack">
      {over.length > 0 && (
        <p className="warning" role="alert">
          {over.length === 1
            ? 'One budget is over its limit.'
            : `${over.length} budgets are over their limit.`}
        </p>
      )}
      <section className="card" aria-labelledby="budget-list">
        <h2 id="budget-list">This period</h2>
        {progress.data?.length === 0 && <p className="muted">No budgets yet.</p>}
        <ul className="plain">
          {(progress.data ?? []).map((b) => {
            const name = b.categoryId
              ? (categories.byId.get(b.categoryId)?.name ?? 'Category')
              : 'All spending';
            return (
              <li key={b.budgetId} className="budget-line" data-testid="budget">
                <div className="budget-line-head">
                  <strong>{name}</strong>
                  <span className="muted budget-period">
                    {b.period} · {rangeLabel(b.from, b.to, lang)}
                  </span>
                </div>
                <ProgressBar percent={b.percent} alert={b.alert} over={b.over} label={`${name} budget`} />
                <div className="budget-line-head">
                  <span data-testid="budget-spent">
                    {money(b.spent, b.currency, lang)} of {money(b.limit, b.currency, lang)}
                  </span>
                  <span className={b.over ? 'over-text' : b.alert ? 'alert-text' : 'muted'}>
                    {b.over
                      ? `Over by ${money(-b.remaining, b.currency, lang)}`
                      : `${money(b.remaining, b.currency, lang)} left`}
                  </span>
                </div>
                <ConfirmButton
                  className="link-button"
                  confirm="Delete this budget for good"
                  onConfirm={() => void kb.budgets.remove(b.budgetId)}
                >
                  Delete budget
                </ConfirmButton>
              </li>
            );
          })}
        </ul>
      </section>
      <NewBudget />
    </div>
  );
}

function NewBudget() {
  const kb = useKakeibo();
  const lang = locale();
  const categories = useCategories();
  const [categoryId, setCategoryId] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(preferredCurrency);
  const [period, setPeriod] = useState<Period>('monthly');
  const [error, setError] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    const read = readAmount(amount, currency, lang);
    if ('error' in read) return setError(read.error);
    try {
      await kb.budgets.create({
        categoryId: categoryId || null,
        period,
        limitAmount: read.amount,
        currency,
        startDate: `${thisMonth()}-01`,
      });
      setAmount('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form className="card stack-tight" onSubmit={add} aria-labelledby="new-budget" noValidate>
      <h2 id="new-budget">New budget</h2>
      <label className="field">
        <span>Category</span>
        <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
          <option value="">All spending</option>
          {categories.list
            .filter((c) => c.kind === 'expense' && !c.archived)
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
        </select>
      </label>
      <div className="row-2">
        <MoneyFields
          label="Limit"
          amount={amount}
          currency={currency}
          onAmount={setAmount}
          onCurrency={setCurrency}
          required
        />
        <label className="field">
          <span>Period</span>
          <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
            <option value="yearly">Yearly</option>
          </select>
        </label>
      </div>
      <FormFooter error={error} submit="Add budget" />
    </form>
  );
}
