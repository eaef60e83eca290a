import { type FormEvent, useState } from 'react';
import { useCategories } from '../app/categories.js';
import { locale, preferredCurrency } from '../app/preferences.js';
import { amountInput, readAmount } from '../lib/money.js';
import { FormFooter } from './FormFooter.js';
import { MoneyFields } from './MoneyFields.js';

export type Period = 'weekly' | 'monthly' | 'yearly';

/** A budget's fields as the person sets them (what kb.budgets.create and update take). */
export interface BudgetValues {
  categoryId: string | null;
  limitAmount: number;
  currency: string;
  period: Period;
  rollover: boolean;
  alertThresholdPercent: number;
}

/**
 * The fields of a budget, for a new one (with its category) or one edited in place (its category
 * stays: a budget of another category is another budget). `onSave` writes; its error is shown here.
 */
export function BudgetForm({
  initial,
  submit,
  onSave,
  onCancel,
  labelledBy,
}: {
  /** The budget edited; absent for a new one. */
  initial?: BudgetValues;
  submit: string;
  onSave: (values: BudgetValues) => Promise<void>;
  onCancel?: () => void;
  labelledBy: string;
}) {
  const lang = locale();
  const categories = useCategories();
  const [categoryId, setCategoryId] = useState(initial?.categoryId ?? '');
  const [amount, setAmount] = useState(
    initial ? amountInput(initial.limitAmount, initial.currency, lang) : '',
  );
  const [currency, setCurrency] = useState(initial?.currency ?? preferredCurrency());
  const [period, setPeriod] = useState<Period>(initial?.period ?? 'monthly');
  const [rollover, setRollover] = useState(initial?.rollover ?? false);
  const [threshold, setThreshold] = useState(String(initial?.alertThresholdPercent ?? 80));
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    const read = readAmount(amount, currency, lang);
    if ('error' in read) return setError(`Limit: ${read.error}`);
    const percent = Number(threshold);
    if (!/^\d+$/.test(threshold.trim()) || percent < 1 || percent > 100) {
      return setError('Alert at: enter a whole percentage from 1 to 100.');
    }
    try {
      await onSave({
        categoryId: initial ? initial.categoryId : categoryId || null,
        limitAmount: read.amount,
        currency,
        period,
        rollover,
        alertThresholdPercent: percent,
      });
      if (!initial) setAmount('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <form className="stack-tight" onSubmit={save} aria-labelledby={labelledBy} noValidate>
      {!initial && (
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
      )}
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
      <div className="row-2">
        <label className="field narrow">
          <span>Alert at (% spent)</span>
          <input
            inputMode="numeric"
            autoComplete="off"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
          />
        </label>
        <label className="check grow">
          <input
            type="checkbox"
            className="check-box"
            checked={rollover}
            onChange={(e) => setRollover(e.target.checked)}
          />
          <span>Roll over: what is left (or overspent) carries into the next period</span>
        </label>
      </div>
      <FormFooter error={error} submit={submit} />
      {onCancel && (
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}
